import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { DomainError } from '../domain/errors.js';

const READ_CHUNK = 1024 * 1024;
/** fsyncs in flight in a sync(): the file system commits them together instead of one journal flush each. */
const SYNC_DEPTH = 16;

export interface PutOptions { maxBytes?: number; durable?: boolean }

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try { await handle.sync(); } finally { await handle.close(); }
}

/**
 * Content-addressed blob store: a file's name is its SHA-256, so bytes never change in place,
 * the same bytes are stored once, and a partial write can never be mistaken for a document.
 */
export interface BlobStore {
  /**
   * Streams `body` in, returns its hash and size. Throws invalid_input past `maxBytes`. With
   * `durable: false` the bytes are not forced to disk: the caller calls sync() on a batch of
   * them before anything that refers to them is committed.
   */
  put(body: Readable, opts?: PutOptions): Promise<{ sha256: string; size: number }>;
  /** Forces blobs written with `durable: false`, and their folder entries, to disk: many at once, so the disk groups them. */
  sync(sha256s: string[]): Promise<void>;
  /** With the blob's size (known from its version), small files are read without waste. */
  open(sha256: string, size?: number): Readable;
  has(sha256: string): Promise<boolean>;
}

export class FileBlobStore implements BlobStore {
  /** Folders known to exist: a batch of small files would otherwise pay two mkdir calls each. */
  private readonly made = new Set<string>();
  /** Temp names: unique to this store (another process has another prefix), no random bytes per file. */
  private readonly tempPrefix = randomBytes(6).toString('hex');
  private temps = 0;

  constructor(private readonly root: string) {}

  private async folder(path: string): Promise<void> {
    if (this.made.has(path)) return;
    // Documents are for Dossier's user only.
    await mkdir(path, { recursive: true, mode: 0o700 });
    this.made.add(path);
  }

  private pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new DomainError('invalid_input', `"${sha256}" is not a SHA-256.`);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(body: Readable, opts: PutOptions = {}): Promise<{ sha256: string; size: number }> {
    const incoming = join(this.root, 'incoming');
    await this.folder(incoming);
    const temp = join(incoming, `${this.tempPrefix}-${++this.temps}`);
    const hash = createHash('sha256');
    let size = 0;
    const max = opts.maxBytes ?? Number.MAX_SAFE_INTEGER;
    // A plain loop over the body rather than a stream pipeline: a collection run stores
    // thousands of small files, and a pipeline's machinery cost more than writing them.
    const file = await open(temp, 'w');
    try {
      try {
        for await (const raw of body) {
          const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as string | Uint8Array);
          size += chunk.length;
          if (size > max) throw new DomainError('invalid_input', `The file is larger than the limit of ${max} bytes.`);
          hash.update(chunk);
          for (let at = 0; at < chunk.length;) at += (await file.write(chunk, at)).bytesWritten;
        }
        if (opts.durable !== false) await file.sync();
      } finally {
        await file.close();
      }
      const sha256 = hash.digest('hex');
      const final = this.pathOf(sha256);
      await this.folder(dirname(final));
      // Same bytes already there: rename replaces them with identical bytes.
      await rename(temp, final).catch(async (e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
        this.made.delete(dirname(final)); // the folder went away since it was made: make it again
        await this.folder(dirname(final));
        await rename(temp, final);
      });
      return { sha256, size };
    } catch (e) {
      body.destroy();
      await unlink(temp).catch(() => undefined);
      throw e;
    }
  }

  async sync(sha256s: string[]): Promise<void> {
    const paths = [...new Set(sha256s.map((h) => this.pathOf(h)))];
    const targets = [...paths, ...new Set(paths.map((p) => dirname(p)))];
    let next = 0;
    const worker = async () => { while (next < targets.length) await fsyncPath(targets[next++]!); };
    await Promise.all(Array.from({ length: Math.min(SYNC_DEPTH, targets.length) }, worker));
  }

  open(sha256: string, size?: number): Readable {
    // 1 MiB reads instead of 64 KiB: a typical invoice in one or two reads, and a few MiB in
    // memory at most with several transfers running. With the size known, a small file takes
    // one read into a buffer of its own size: no 1 MiB buffer allocated and copied out of per
    // file, and no extra read to find the end.
    if (size === undefined || size <= 0) return createReadStream(this.pathOf(sha256), { highWaterMark: READ_CHUNK });
    return createReadStream(this.pathOf(sha256), { highWaterMark: Math.min(READ_CHUNK, size), end: size - 1 });
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.pathOf(sha256)).then(() => true, () => false);
  }
}
