import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { DomainError } from '../domain/errors.js';

const READ_CHUNK = 1024 * 1024;
/**
 * Blobs up to this size are read in one synchronous read. Through the thread pool a file costs
 * three round trips (open, read, close), which on a page-cache hit cost the event loop several
 * times the read itself: about 175 against 8 microseconds per 5 KB invoice, 14% of a backfill
 * worker's CPU. The price is that the loop waits for that one read: short on a local disk, a
 * network round trip where the data folder is on a network file system.
 */
const READ_AT_ONCE = 64 * 1024;
/** fsyncs in flight in a sync(): the file system commits them together instead of one journal flush each. */
const SYNC_DEPTH = 16;

export interface PutOptions { maxBytes?: number; durable?: boolean }

/** A stored blob as garbage collection sees it: `storedAt` is when its bytes were last put (ms since the epoch). */
export interface StoredBlob { sha256: string; size: number; storedAt: number }

/** What a clean-up removed. */
export interface Removed { files: number; bytes: number }

/** A small blob as a stream of one chunk, read when first asked for; a missing file is the stream's error, as with createReadStream. */
function readAtOnce(path: string, size: number): Readable {
  return new Readable({
    read() {
      let fd: number | null = null;
      try {
        fd = openSync(path, 'r');
        const buf = Buffer.allocUnsafe(size);
        let got = 0;
        for (let n = 1; got < size && n > 0; got += n) n = readSync(fd, buf, got, size - got, got);
        this.push(got === size ? buf : buf.subarray(0, got));
        this.push(null);
      } catch (e) {
        this.destroy(e as Error);
      } finally {
        if (fd !== null) closeSync(fd);
      }
    },
  });
}

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

  // ---- garbage collection (src/vault/gc.ts); an S3 store implements the same three ----

  /** Every stored blob, in no particular order; partial uploads are not blobs. */
  list(): AsyncIterable<StoredBlob>;
  /**
   * Removes the blob unless it was put at or after `before` (ms since the epoch); true when
   * removed. Must be atomic with respect to put(): a put of the same bytes that lands while this
   * runs leaves the blob in place, because the intake that put it is about to refer to it. (On
   * S3: a DeleteObject conditional on the ETag and Last-Modified that list() read.)
   */
  removeIfOlder(sha256: string, before: number): Promise<boolean>;
  /**
   * Removes what interrupted puts left behind (partial files of a killed process; on S3,
   * incomplete multipart uploads) last written before `before`. Puts running in this process are
   * never touched; those of other processes sharing the store are protected by `before` alone,
   * so it must be older than any live upload can have been idle.
   */
  removeAbandoned(before: number, opts?: { dryRun?: boolean }): Promise<Removed>;
}

/** Names in incoming/: `<prefix>-<n>` for a put in progress, `gc-<sha256>-<prefix>-<n>` for a blob being removed. */
const ASIDE = /^gc-([0-9a-f]{64})-/;

export class FileBlobStore implements BlobStore {
  /** Folders known to exist: a batch of small files would otherwise pay two mkdir calls each. */
  private readonly made = new Set<string>();
  /** Temp names: unique to this store (another process has another prefix), no random bytes per file. */
  private readonly tempPrefix = randomBytes(6).toString('hex');
  private temps = 0;
  /** The temp files of puts running now: never removed as abandoned, however long a client takes. */
  private readonly live = new Set<string>();

  constructor(private readonly root: string) {}

  /**
   * Per blob folder made by this store and not yet forced to disk: the folders above it whose
   * entries changed (a new folder's name lives in its parent, which fsyncing the new folder
   * does not make durable).
   */
  private readonly parentsToSync = new Map<string, string[]>();

  private async folder(path: string): Promise<void> {
    if (this.made.has(path)) return;
    // Documents are for Dossier's user only.
    const first = await mkdir(path, { recursive: true, mode: 0o700 });
    if (first) {
      const parents: string[] = [];
      for (let dir = dirname(path); ; dir = dirname(dir)) {
        parents.push(dir);
        if (dir === dirname(first) || dir === dirname(dir)) break;
      }
      this.parentsToSync.set(path, parents);
    }
    this.made.add(path);
  }

  /** The folders to fsync so that blobs in `folders` are found after a crash: those, and the new ones' parents. */
  private foldersToSync(folders: Iterable<string>): string[] {
    const out = new Set<string>();
    for (const folder of folders) {
      out.add(folder);
      for (const parent of this.parentsToSync.get(folder) ?? []) out.add(parent);
      this.parentsToSync.delete(folder);
    }
    return [...out];
  }

  private pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new DomainError('invalid_input', `"${sha256}" is not a SHA-256.`, { reason: 'sha256_invalid', params: { value: sha256 } });
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(body: Readable, opts: PutOptions = {}): Promise<{ sha256: string; size: number }> {
    const incoming = join(this.root, 'incoming');
    await this.folder(incoming);
    const temp = join(incoming, `${this.tempPrefix}-${++this.temps}`);
    this.live.add(temp);
    try {
      return await this.write(temp, body, opts);
    } finally {
      this.live.delete(temp);
    }
  }

  private async write(temp: string, body: Readable, opts: PutOptions): Promise<{ sha256: string; size: number }> {
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
          if (size > max) throw new DomainError('invalid_input', `The file is larger than the limit of ${max} bytes.`, { reason: 'file_too_large', params: { bytes: max } });
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
      // Same bytes already there: rename replaces them with identical bytes, and the fresh file's
      // time tells garbage collection that an intake is about to refer to them (removeIfOlder).
      await rename(temp, final).catch(async (e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
        this.made.delete(dirname(final)); // the folder went away since it was made: make it again
        await this.folder(dirname(final));
        await rename(temp, final);
      });
      // A durable put is durable under its name too: its folder's entry, and any new folder's.
      if (opts.durable !== false) for (const folder of this.foldersToSync([dirname(final)])) await fsyncPath(folder);
      return { sha256, size };
    } catch (e) {
      body.destroy();
      await unlink(temp).catch(() => undefined);
      throw e;
    }
  }

  async sync(sha256s: string[]): Promise<void> {
    const paths = [...new Set(sha256s.map((h) => this.pathOf(h)))];
    const targets = [...paths, ...this.foldersToSync(new Set(paths.map((p) => dirname(p))))];
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
    if (size <= READ_AT_ONCE) return readAtOnce(this.pathOf(sha256), size);
    return createReadStream(this.pathOf(sha256), { highWaterMark: Math.min(READ_CHUNK, size), end: size - 1 });
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.pathOf(sha256)).then(() => true, () => false);
  }

  async *list(): AsyncIterable<StoredBlob> {
    const names = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).sort();
    for (const a of await names(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(a)) continue; // incoming/ and anything else that is not a blob folder
      for (const b of await names(join(this.root, a))) {
        for (const name of await names(join(this.root, a, b))) {
          if (!/^[0-9a-f]{64}$/.test(name)) continue;
          const s = await stat(join(this.root, a, b, name)).catch(() => null);
          if (s?.isFile()) yield { sha256: name, size: s.size, storedAt: s.mtimeMs };
        }
      }
    }
  }

  /**
   * Moves the blob aside first (one atomic rename), then looks at the time of what it moved: a
   * put that renamed fresh bytes over the blob before the move makes the moved file young, and it
   * goes back; a put after the move makes a new file, which the move did not take.
   */
  async removeIfOlder(sha256: string, before: number): Promise<boolean> {
    const path = this.pathOf(sha256);
    const incoming = join(this.root, 'incoming');
    await this.folder(incoming);
    const aside = join(incoming, `gc-${sha256}-${this.tempPrefix}-${++this.temps}`);
    const gone = (e: NodeJS.ErrnoException): false => { if (e.code === 'ENOENT') return false; throw e; };
    this.live.add(aside);
    try {
      if (!(await rename(path, aside).then(() => true, gone))) return false;
      // Another process's clean-up may have put it back already (removeAbandoned): then it stays.
      const s = await stat(aside).catch(gone);
      if (!s) return false;
      if (s.mtimeMs >= before) {
        await rename(aside, path).catch(gone); // identical bytes, should another put have landed since
        return false;
      }
      return await unlink(aside).then(() => true, gone);
    } finally {
      this.live.delete(aside);
    }
  }

  async removeAbandoned(before: number, opts: { dryRun?: boolean } = {}): Promise<Removed> {
    const incoming = join(this.root, 'incoming');
    const removed: Removed = { files: 0, bytes: 0 };
    for (const name of await readdir(incoming).catch(() => [] as string[])) {
      const path = join(incoming, name);
      if (this.live.has(path)) continue;
      const s = await stat(path).catch(() => null);
      if (!s?.isFile()) continue;
      // A removal killed between its two renames, whatever its age: the blob goes back unless
      // its bytes are in place again (garbage collection looks at it afresh next time).
      const blob = ASIDE.exec(name)?.[1];
      if (blob) {
        if (opts.dryRun) continue;
        if (!(await this.has(blob))) {
          await this.folder(dirname(this.pathOf(blob)));
          await rename(path, this.pathOf(blob)).catch(() => undefined);
        } else {
          await unlink(path).catch(() => undefined);
        }
        continue;
      }
      if (s.mtimeMs >= before) continue;
      if (opts.dryRun || await unlink(path).then(() => true, () => false)) {
        removed.files++;
        removed.bytes += s.size;
      }
    }
    return removed;
  }
}
