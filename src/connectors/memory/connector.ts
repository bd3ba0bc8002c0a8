import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  checkPath, ConnectorError, splitPath,
  type CallOptions, type Capabilities, type Entry, type HashType, type Quota, type ReadOptions,
  type StorageConnector, type WriteInfo,
} from '../connector.js';
import { throwIfAborted } from '../kit/abort.js';

export interface MemoryOptions {
  /** Bytes the store may hold before writes fail with quota_exceeded. */
  capacity?: number;
}

interface Stored { data: Buffer; modifiedAt: Date }

/**
 * An in-process store with the same semantics as a real one: the reference implementation
 * for the conformance suite and the fastest destination for engine tests.
 */
export class MemoryConnector implements StorageConnector {
  readonly kind = 'memory';
  readonly capabilities: Capabilities = {
    hashes: ['sha256'],
    names: { set: 'posix', caseInsensitive: false, maxComponentBytes: 255 },
    serverSideMove: true,
  };
  readonly files = new Map<string, Stored>();
  readonly dirs = new Set<string>(['']);
  private readonly capacity: number;

  constructor(opts: MemoryOptions = {}) {
    this.capacity = opts.capacity ?? Number.MAX_SAFE_INTEGER;
  }

  private used(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.data.length;
    return n;
  }

  private entry(path: string): Entry {
    if (this.dirs.has(path)) return { path, name: splitPath(path)[1], isDir: true, size: 0, modifiedAt: null };
    const f = this.files.get(path);
    if (!f) throw new ConnectorError('not_found', `${path} does not exist.`);
    return { path, name: splitPath(path)[1], isDir: false, size: f.data.length, modifiedAt: f.modifiedAt };
  }

  private addDirs(path: string): void {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (this.files.has(dir)) throw new ConnectorError('already_exists', `${dir} is a file, not a folder.`);
      this.dirs.add(dir);
    }
  }

  async *list(dir: string, opts?: CallOptions): AsyncIterable<Entry> {
    checkPath(dir);
    if (!this.dirs.has(dir)) throw new ConnectorError('not_found', `The folder ${dir} does not exist.`);
    const prefix = dir ? dir + '/' : '';
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p !== dir && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) names.add(p);
    }
    for (const p of [...names].sort()) {
      throwIfAborted(opts?.signal);
      yield this.entry(p);
    }
  }

  async stat(path: string): Promise<Entry> {
    return this.entry(checkPath(path));
  }

  async read(path: string, opts?: ReadOptions): Promise<Readable> {
    const e = this.entry(checkPath(path));
    if (e.isDir) throw new ConnectorError('is_directory', `${path} is a folder.`);
    const data = this.files.get(path)!.data;
    const start = opts?.range?.start ?? 0;
    return Readable.from([data.subarray(start, opts?.range?.end ?? data.length)]);
  }

  async write(path: string, body: Readable, info: WriteInfo, opts?: CallOptions): Promise<Entry> {
    checkPath(path);
    throwIfAborted(opts?.signal);
    if (this.dirs.has(path)) throw new ConnectorError('is_directory', `${path} is a folder.`);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of body) {
        throwIfAborted(opts?.signal);
        chunks.push(chunk as Buffer);
      }
    } catch (e) {
      if (e instanceof ConnectorError) throw e;
      throw new ConnectorError('transient', `Reading the upload for ${path} failed: ${(e as Error).message}`, undefined, { cause: e });
    }
    const data = Buffer.concat(chunks);
    if (data.length !== info.size) throw new ConnectorError('transient', `Received ${data.length} bytes for ${path}, expected ${info.size}.`);
    const previous = this.files.get(path)?.data.length ?? 0;
    if (this.used() - previous + data.length > this.capacity) throw new ConnectorError('quota_exceeded', 'The memory store is full.');
    this.addDirs(splitPath(path)[0]);
    this.files.set(path, { data, modifiedAt: info.modifiedAt ?? new Date() });
    return this.entry(path);
  }

  async remove(path: string): Promise<void> {
    if (this.dirs.has(checkPath(path))) throw new ConnectorError('is_directory', `${path} is a folder.`);
    if (!this.files.delete(path)) throw new ConnectorError('not_found', `${path} does not exist.`);
  }

  async mkdir(path: string): Promise<void> {
    this.addDirs(checkPath(path));
  }

  async rmdir(path: string): Promise<void> {
    if (!this.dirs.has(checkPath(path)) || path === '') throw new ConnectorError('not_found', `The folder ${path} does not exist.`);
    const prefix = path + '/';
    for (const p of [...this.files.keys()]) if (p.startsWith(prefix)) this.files.delete(p);
    for (const d of [...this.dirs]) if (d === path || d.startsWith(prefix)) this.dirs.delete(d);
  }

  async move(from: string, to: string): Promise<Entry> {
    const f = this.files.get(checkPath(from));
    if (!f) throw new ConnectorError('not_found', `${from} does not exist.`);
    this.addDirs(splitPath(checkPath(to))[0]);
    this.files.delete(from);
    this.files.set(to, f);
    return this.entry(to);
  }

  async hashMany(paths: string[], type: HashType): Promise<Map<string, string>> {
    if (type !== 'sha256') throw new ConnectorError('fatal', `The memory connector computes sha256 only, not ${type}.`);
    const out = new Map<string, string>();
    for (const p of paths) {
      const f = this.files.get(p);
      if (f) out.set(p, createHash('sha256').update(f.data).digest('hex'));
    }
    return out;
  }

  async quota(): Promise<Quota> {
    const used = this.used();
    const total = this.capacity === Number.MAX_SAFE_INTEGER ? null : this.capacity;
    return { total, used, free: total === null ? null : total - used };
  }

  async close(): Promise<void> {}
}
