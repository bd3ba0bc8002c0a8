import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, statfs, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  checkPath, ConnectorError, splitPath,
  type CallOptions, type Capabilities, type ConnectorContext, type Entry, type HashType, type Quota, type ReadOptions,
  type StorageConnector, type WriteInfo,
} from '../connector.js';
import { sha256Of } from '../kit/hashing.js';
import { eachLimit } from '../kit/limit.js';
import { tempPathFor } from '../kit/temp-name.js';
import { throwIfAborted } from '../kit/abort.js';
import { classify } from './errors.js';
import { checkLocalRoot, realPathOf, within } from './folders.js';

export interface LocalOptions {
  /** Absolute folder that is the connector's root; created if missing. */
  root: string;
}

const NO_POLICY = { roots: [], forbidden: [] };

/**
 * A folder on this machine: Dossier's own drive, a mounted share, or a test destination. It
 * works only below a folder the operator allowed (context.localFolders), and every path it
 * opens is resolved to its real path and checked to be inside the root: a symbolic link
 * planted in the folder, or the folder itself replaced by one, leads nowhere.
 */
/** Files hashed at once when verifying a batch. */
const HASH_READS = 8;

export class LocalConnector implements StorageConnector {
  readonly kind = 'local';
  readonly capabilities: Capabilities = {
    hashes: ['sha256'],
    names: { set: 'posix', caseInsensitive: false, maxComponentBytes: 255 },
    serverSideMove: true,
  };
  private real: Promise<string> | null = null;

  constructor(private readonly opts: LocalOptions, private readonly context: ConnectorContext = {}) {}

  /** The root's real path, checked against the allowed folders once per connector. */
  open(): Promise<string> {
    return (this.real ??= checkLocalRoot(this.opts.root, this.context.localFolders ?? NO_POLICY));
  }

  /** The real path of `path` below the root; anything a symbolic link leads out of the root to is refused. */
  private async place(path: string): Promise<string> {
    const root = await this.open();
    const real = await realPathOf(join(root, checkPath(path)));
    if (!within(real, root)) {
      throw new ConnectorError('permission_denied', `"${path || '/'}" leads out of the folder through a symbolic link, which Dossier does not follow.`);
    }
    return real;
  }

  /**
   * Opens a file without following a link in its last name, then makes sure the file opened is
   * the one at its checked place: a folder on the way swapped for a link between the check and
   * the open (to point it at the data folder) gives another file, and is refused.
   */
  private async openFile(path: string, flags: number, mode?: number): Promise<FileHandle> {
    const handle = await open(await this.place(path), flags | constants.O_NOFOLLOW, mode);
    try {
      const [opened, there] = await Promise.all([handle.stat(), this.place(path).then((p) => stat(p))]);
      if (opened.dev !== there.dev || opened.ino !== there.ino) {
        throw new ConnectorError('permission_denied', `"${path}" changed while it was opened (a symbolic link on the way?); Dossier did not use it.`);
      }
      return handle;
    } catch (e) {
      await handle.close().catch(() => undefined);
      throw e;
    }
  }

  private async entry(path: string): Promise<Entry> {
    const s = await stat(await this.place(path));
    return { path, name: splitPath(path)[1], isDir: s.isDirectory(), size: s.isDirectory() ? 0 : s.size, modifiedAt: s.mtime };
  }

  async *list(dir: string, opts?: CallOptions): AsyncIterable<Entry> {
    let names: string[];
    try {
      const real = await this.place(dir);
      const s = await stat(real);
      if (!s.isDirectory()) throw new ConnectorError('not_found', `${dir} is not a folder.`);
      names = await readdir(real);
    } catch (e) {
      throw classify(e, dir);
    }
    for (const name of names.sort()) {
      throwIfAborted(opts?.signal);
      const path = dir ? `${dir}/${name}` : name;
      try {
        yield await this.entry(path);
      } catch (e) {
        const err = classify(e, path);
        // Vanished while listing, or a link out of the folder: not part of it.
        if (err.kind !== 'not_found' && err.kind !== 'permission_denied') throw err;
      }
    }
  }

  async stat(path: string): Promise<Entry> {
    try {
      return await this.entry(path);
    } catch (e) {
      throw classify(e, path);
    }
  }

  async read(path: string, opts?: ReadOptions): Promise<Readable> {
    let handle: FileHandle | null = null;
    try {
      handle = await this.openFile(path, constants.O_RDONLY);
      if ((await handle.stat()).isDirectory()) throw new ConnectorError('is_directory', `${path} is a folder.`);
      const range = opts?.range;
      return handle.createReadStream({
        start: range?.start,
        end: range?.end !== undefined ? range.end - 1 : undefined,
        signal: opts?.signal,
      });
    } catch (e) {
      await handle?.close().catch(() => undefined);
      throw classify(e, path);
    }
  }

  async write(path: string, body: Readable, info: WriteInfo, opts?: CallOptions): Promise<Entry> {
    const tempPath = tempPathFor(path);
    let temp: string | null = null;
    try {
      throwIfAborted(opts?.signal);
      await mkdir(await this.place(splitPath(path)[0]), { recursive: true });
      temp = await this.place(tempPath);
      const handle = await this.openFile(tempPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o666);
      try {
        await handle.writeFile(body, { signal: opts?.signal });
        // fsync before rename: after a crash the final name never points at a half-written file.
        await handle.sync();
        if (info.modifiedAt) await handle.utimes(info.modifiedAt, info.modifiedAt);
        const written = (await handle.stat()).size;
        if (written !== info.size) {
          throw new ConnectorError('transient', `Wrote ${written} bytes to ${path} but expected ${info.size}.`);
        }
      } finally {
        await handle.close();
      }
      const target = await this.place(path);
      if (dirname(target) !== dirname(await this.place(tempPath))) throw new ConnectorError('permission_denied', `"${path}" changed while it was written; Dossier did not put it there.`);
      await rename(temp, target);
      return await this.entry(path);
    } catch (e) {
      if (temp) await unlink(temp).catch(() => undefined);
      throw classify(e, path);
    }
  }

  async remove(path: string): Promise<void> {
    try {
      const real = await this.place(path);
      const s = await stat(real);
      if (s.isDirectory()) throw new ConnectorError('is_directory', `${path} is a folder.`);
      await unlink(real);
    } catch (e) {
      throw classify(e, path);
    }
  }

  async mkdir(path: string): Promise<void> {
    try {
      await mkdir(await this.place(path), { recursive: true });
      await this.place(path); // a link made on the way while the folders were created
    } catch (e) {
      throw classify(e, path);
    }
  }

  async rmdir(path: string): Promise<void> {
    if (path === '') throw new ConnectorError('permission_denied', 'The root folder cannot be removed.');
    try {
      const real = await this.place(path);
      await stat(real);
      await rm(real, { recursive: true });
    } catch (e) {
      throw classify(e, path);
    }
  }

  async move(from: string, to: string): Promise<Entry> {
    try {
      const source = await this.place(from);
      await stat(source);
      await mkdir(await this.place(splitPath(to)[0]), { recursive: true });
      await rename(source, await this.place(to));
      return await this.entry(to);
    } catch (e) {
      throw classify(e, from);
    }
  }

  async hashMany(paths: string[], type: HashType, opts?: CallOptions): Promise<Map<string, string>> {
    if (type !== 'sha256') throw new ConnectorError('fatal', `The local connector computes sha256 only, not ${type}.`);
    const out = new Map<string, string>();
    // Several files read back at once: each read waits on the disk more than on the CPU.
    await eachLimit(paths, HASH_READS, async (path) => {
      throwIfAborted(opts?.signal);
      try {
        const handle = await this.openFile(path, constants.O_RDONLY);
        out.set(path, (await sha256Of(handle.createReadStream())).sha256);
      } catch (e) {
        const err = classify(e, path);
        if (err.kind !== 'not_found' && err.kind !== 'is_directory' && err.kind !== 'permission_denied') throw err;
      }
    });
    return out;
  }

  async quota(): Promise<Quota> {
    try {
      const root = await this.open();
      await mkdir(root, { recursive: true });
      const s = await statfs(root);
      const total = s.blocks * s.bsize;
      return { total, free: s.bavail * s.bsize, used: total - s.bfree * s.bsize };
    } catch (e) {
      throw classify(e, '');
    }
  }

  async close(): Promise<void> {}
}
