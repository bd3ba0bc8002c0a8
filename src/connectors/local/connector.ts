import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, statfs, unlink } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import {
  checkPath, ConnectorError, splitPath,
  type CallOptions, type Capabilities, type Entry, type HashType, type Quota, type ReadOptions,
  type StorageConnector, type WriteInfo,
} from '../connector.js';
import { sha256Of } from '../kit/hashing.js';
import { tempPathFor } from '../kit/temp-name.js';
import { throwIfAborted } from '../kit/abort.js';
import { classify } from './errors.js';

export interface LocalOptions {
  /** Absolute folder that is the connector's root; created if missing. */
  root: string;
}

/** A folder on this machine: Dossier's own drive, a mounted share, or a test destination. */
export class LocalConnector implements StorageConnector {
  readonly kind = 'local';
  readonly capabilities: Capabilities = {
    hashes: ['sha256'],
    names: { set: 'posix', caseInsensitive: false, maxComponentBytes: 255 },
    serverSideMove: true,
  };
  private readonly root: string;

  constructor(opts: LocalOptions) {
    this.root = resolve(opts.root);
  }

  private abs(path: string): string {
    const full = join(this.root, checkPath(path));
    if (full !== this.root && !full.startsWith(this.root + sep)) throw new ConnectorError('invalid_name', `"${path}" leaves the root folder.`);
    return full;
  }

  private async entry(path: string): Promise<Entry> {
    const s = await stat(this.abs(path));
    return { path, name: splitPath(path)[1], isDir: s.isDirectory(), size: s.isDirectory() ? 0 : s.size, modifiedAt: s.mtime };
  }

  async *list(dir: string, opts?: CallOptions): AsyncIterable<Entry> {
    let names: string[];
    try {
      const s = await stat(this.abs(dir));
      if (!s.isDirectory()) throw new ConnectorError('not_found', `${dir} is not a folder.`);
      names = await readdir(this.abs(dir));
    } catch (e) {
      throw classify(e, dir);
    }
    for (const name of names.sort()) {
      throwIfAborted(opts?.signal);
      const path = dir ? `${dir}/${name}` : name;
      try {
        yield await this.entry(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw classify(e, path); // vanished while listing
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
    try {
      const s = await stat(this.abs(path));
      if (s.isDirectory()) throw new ConnectorError('is_directory', `${path} is a folder.`);
      const range = opts?.range;
      return createReadStream(this.abs(path), {
        start: range?.start,
        end: range?.end !== undefined ? range.end - 1 : undefined,
        signal: opts?.signal,
      });
    } catch (e) {
      throw classify(e, path);
    }
  }

  async write(path: string, body: Readable, info: WriteInfo, opts?: CallOptions): Promise<Entry> {
    const target = this.abs(path);
    const temp = this.abs(tempPathFor(path));
    try {
      throwIfAborted(opts?.signal);
      await mkdir(this.abs(splitPath(path)[0]), { recursive: true });
      const out = createWriteStream(temp);
      await pipeline(body, out, { signal: opts?.signal });
      // fsync before rename: after a crash the final name never points at a half-written file.
      const handle = await open(temp, 'r+');
      try {
        await handle.sync();
        if (info.modifiedAt) await handle.utimes(info.modifiedAt, info.modifiedAt);
      } finally {
        await handle.close();
      }
      const written = (await stat(temp)).size;
      if (written !== info.size) {
        throw new ConnectorError('transient', `Wrote ${written} bytes to ${path} but expected ${info.size}.`);
      }
      await rename(temp, target);
      return await this.entry(path);
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      throw classify(e, path);
    }
  }

  async remove(path: string): Promise<void> {
    try {
      const s = await stat(this.abs(path));
      if (s.isDirectory()) throw new ConnectorError('is_directory', `${path} is a folder.`);
      await unlink(this.abs(path));
    } catch (e) {
      throw classify(e, path);
    }
  }

  async mkdir(path: string): Promise<void> {
    try {
      await mkdir(this.abs(path), { recursive: true });
    } catch (e) {
      throw classify(e, path);
    }
  }

  async rmdir(path: string): Promise<void> {
    if (path === '') throw new ConnectorError('permission_denied', 'The root folder cannot be removed.');
    try {
      await stat(this.abs(path));
      await rm(this.abs(path), { recursive: true });
    } catch (e) {
      throw classify(e, path);
    }
  }

  async move(from: string, to: string): Promise<Entry> {
    try {
      await stat(this.abs(from));
      await mkdir(this.abs(splitPath(to)[0]), { recursive: true });
      await rename(this.abs(from), this.abs(to));
      return await this.entry(to);
    } catch (e) {
      throw classify(e, from);
    }
  }

  async hashMany(paths: string[], type: HashType, opts?: CallOptions): Promise<Map<string, string>> {
    if (type !== 'sha256') throw new ConnectorError('fatal', `The local connector computes sha256 only, not ${type}.`);
    const out = new Map<string, string>();
    for (const path of paths) {
      throwIfAborted(opts?.signal);
      try {
        out.set(path, (await sha256Of(createReadStream(this.abs(path)))).sha256);
      } catch (e) {
        const err = classify(e, path);
        if (err.kind !== 'not_found' && err.kind !== 'is_directory') throw err;
      }
    }
    return out;
  }

  async quota(): Promise<Quota> {
    try {
      await mkdir(this.root, { recursive: true });
      const s = await statfs(this.root);
      const total = s.blocks * s.bsize;
      return { total, free: s.bavail * s.bsize, used: total - s.bfree * s.bsize };
    } catch (e) {
      throw classify(e, '');
    }
  }

  async close(): Promise<void> {}
}
