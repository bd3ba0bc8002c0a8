import { posix } from 'node:path';
import { addAbortSignal, type Readable } from 'node:stream';
import type { Attributes, FileEntryWithStats } from 'ssh2';
import {
  checkPath, ConnectorError, joinPath, splitPath,
  type CallOptions, type Capabilities, type ConnectorContext, type Entry, type HashManyOptions, type HashType, type Quota,
  type ReadOptions, type StorageConnector, type WriteInfo,
} from '../connector.js';
import type { NameRules } from '../../domain/names.js';
import { cancelled, throwIfAborted } from '../kit/abort.js';
import { sha256Of } from '../kit/hashing.js';
import { eachLimit } from '../kit/limit.js';
import { tempPathFor } from '../kit/temp-name.js';
import { PUBLIC_ONLY } from '../kit/egress.js';
import { classify, hasStatus, STATUS } from './errors.js';
import { batches, execSha256, MAX_COMMAND_BYTES } from './hash.js';
import { readRange, writeBody } from './io.js';
import { lost, openSession, type Session, type SshLogin } from './session.js';

export interface SftpOptions extends SshLogin {
  /** Pinned host key fingerprint, "SHA256:<base64>" as OpenSSH prints it. */
  hostKeySha256?: string;
  /** Longest sha256sum command line; lowered in tests to force several batches. */
  maxCommandBytes?: number;
}

/** POSIX names: anything but "/" and NUL, up to 255 bytes per component (ext4, xfs, zfs). */
export const SFTP_NAMES: NameRules = { set: 'posix', caseInsensitive: false, maxComponentBytes: 255 };

/** Up to this many bytes in all, hashMany reads the files back rather than running sha256sum. */
export const READ_BACK_MAX_BYTES = 1024 * 1024;

const isDirMode = (mode: number) => (mode & 0o170000) === 0o040000;
const isLinkMode = (mode: number) => (mode & 0o170000) === 0o120000;


/**
 * A folder on an SSH server the company runs, over SFTP. One connection per connector, opened
 * on first use and again after it drops; concurrent calls share its SFTP channel, which
 * multiplexes requests by id.
 */
export class SftpConnector implements StorageConnector {
  readonly kind = 'sftp';
  readonly capabilities: Capabilities = {
    hashes: ['sha256'],
    names: SFTP_NAMES,
    serverSideMove: true,
  };
  private live?: Session;
  private connecting?: Promise<Session>;
  private pinned: string | undefined;
  /** Whether the server runs sha256sum for us; learned on first use, kept across reconnects. */
  private execHashing: boolean | undefined;
  private hashQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SftpOptions, private readonly context: ConnectorContext = {}) {
    this.pinned = options.hostKeySha256;
  }

  private async session(): Promise<Session> {
    if (this.live && !this.live.closed) return this.live;
    // ssh2 is given the checked address, never the name: it cannot resolve it again elsewhere.
    this.connecting ??= (this.context.egress ?? PUBLIC_ONLY).resolve(this.options.host).then(({ address }) => openSession({ ...this.options, host: address }, {
      pinned: () => this.pinned,
      // Trust on first use: the caller stores it and every later connection must match.
      trust: async (fp) => { await this.context.pinHostKey?.(fp); this.pinned = fp; },
    })).then((s) => (this.live = s)).finally(() => { this.connecting = undefined; });
    return this.connecting;
  }

  private abs(s: Session, path: string): string {
    checkPath(path);
    return path === '' ? s.root : posix.join(s.root, path);
  }

  private entry(path: string, a: Attributes): Entry {
    const isDir = isDirMode(a.mode);
    return { path, name: splitPath(path)[1], isDir, size: isDir ? 0 : a.size, modifiedAt: new Date(a.mtime * 1000) };
  }

  private done(s: Session, fn: (cb: (err: Error | undefined | null) => void) => void): Promise<void> {
    return s.call<void>((d) => fn((err) => d(err, undefined)));
  }

  private attrsOf(s: Session, abs: string, follow = true): Promise<Attributes> {
    return s.call<Attributes>((d) => (follow ? s.sftp.stat(abs, d) : s.sftp.lstat(abs, d)));
  }

  async *list(dir: string, opts?: CallOptions): AsyncIterable<Entry> {
    const s = await this.session();
    let items: FileEntryWithStats[];
    try {
      throwIfAborted(opts?.signal);
      items = await s.call<FileEntryWithStats[]>((d) => s.sftp.readdir(this.abs(s, dir), d));
    } catch (e) {
      throw classify(e, dir);
    }
    items.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
    for (const item of items) {
      if (item.filename === '.' || item.filename === '..') continue;
      throwIfAborted(opts?.signal);
      const path = joinPath(dir, item.filename);
      let attrs: Attributes = item.attrs;
      if (isLinkMode(attrs.mode)) {
        try {
          attrs = await this.attrsOf(s, this.abs(s, path));
        } catch (e) {
          if (hasStatus(e, STATUS.NO_SUCH_FILE)) continue; // a dangling link holds nothing to back up
          throw classify(e, path);
        }
      }
      yield this.entry(path, attrs);
    }
  }

  async stat(path: string, opts?: CallOptions): Promise<Entry> {
    try {
      throwIfAborted(opts?.signal);
      const s = await this.session();
      return this.entry(path, await this.attrsOf(s, this.abs(s, path)));
    } catch (e) {
      throw classify(e, path);
    }
  }

  async read(path: string, opts?: ReadOptions): Promise<Readable> {
    const s = await this.session();
    let handle: Buffer | undefined;
    let size: number;
    try {
      throwIfAborted(opts?.signal);
      handle = await s.call<Buffer>((d) => s.sftp.open(this.abs(s, path), 'r', d));
      const h = handle;
      const attrs = await s.call<Attributes>((d) => s.sftp.fstat(h, d));
      if (isDirMode(attrs.mode)) throw new ConnectorError('is_directory', `${path} is a folder.`);
      size = attrs.size;
    } catch (e) {
      if (handle) await this.closeHandle(s, handle);
      throw classify(e, path);
    }
    const start = opts?.range?.start ?? 0;
    const end = Math.max(start, Math.min(opts?.range?.end ?? Infinity, size));
    const h = handle;
    const stream = readRange(s.sftp, s.call, h, start, end, () => this.closeHandle(s, h), (e) => classify(e, path));
    return opts?.signal ? addAbortSignal(opts.signal, stream) : stream;
  }

  private async closeHandle(s: Session, handle: Buffer): Promise<void> {
    await this.done(s, (cb) => s.sftp.close(handle, cb)).catch(() => undefined);
  }

  async write(path: string, body: Readable, info: WriteInfo, opts?: CallOptions): Promise<Entry> {
    if (checkPath(path) === '') throw new ConnectorError('invalid_name', 'A file needs a name.');
    const signal = opts?.signal;
    const cancel = () => body.destroy(cancelled());
    let s: Session | undefined;
    let temp = '';
    let handle: Buffer | undefined;
    try {
      throwIfAborted(signal);
      signal?.addEventListener('abort', cancel, { once: true });
      s = await this.session();
      const session = s;
      temp = this.abs(s, tempPathFor(path));
      handle = await this.openForWrite(s, temp);
      const h = handle;
      // Sent right behind the last write: the server handles one handle's requests in order, so
      // the size read is the written file's, and neither the stat nor the close waits a round
      // trip of its own. A failed write still fails the upload: its error comes from writeBody.
      let finishing: Promise<Attributes> | undefined;
      const finish = () => {
        const t = info.modifiedAt ? Math.floor(info.modifiedAt.getTime() / 1000) : null;
        const stamped = t === null ? Promise.resolve() : this.done(session, (cb) => session.sftp.futimes(h, t, t, cb));
        const attrs = session.call<Attributes>((d) => session.sftp.fstat(h, d));
        const closed = this.done(session, (cb) => session.sftp.close(h, cb)).then(() => { handle = undefined; });
        finishing = Promise.all([stamped, attrs, closed]).then(([, a]) => a);
        finishing.catch(() => undefined);
      };
      const sent = await writeBody(s.sftp, s.call, h, body, finish);
      if (!finishing) finish(); // an empty body sends no write
      const attrs = await finishing!;
      throwIfAborted(signal);
      if (attrs.size !== info.size || sent !== info.size) {
        throw new ConnectorError('transient', `Wrote ${attrs.size} bytes to ${path} but expected ${info.size}.`);
      }
      await this.rename(s, temp, this.abs(s, path));
      return this.entry(path, attrs);
    } catch (e) {
      body.destroy();
      let free: number | null = null;
      if (s && !s.closed) {
        const session = s;
        if (handle) await this.closeHandle(s, handle);
        if (temp) await this.done(s, (cb) => session.sftp.unlink(temp, cb)).catch(() => undefined);
        // Measured after the partial file is gone, so "free" is what the whole file could use.
        if (hasStatus(e, STATUS.FAILURE)) free = await this.quota().then((q) => q.free, () => null);
      }
      throw classify(e, path, { op: 'write', free, size: info.size });
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  private async openForWrite(s: Session, abs: string): Promise<Buffer> {
    const open = () => s.call<Buffer>((d) => s.sftp.open(abs, 'w', d));
    try {
      return await open();
    } catch (e) {
      if (!hasStatus(e, STATUS.NO_SUCH_FILE)) throw e;
      await this.mkdirs(s, posix.dirname(abs));
      return open();
    }
  }

  /** Replaces `to` atomically with posix-rename; plain SFTP rename refuses an existing target. */
  private async rename(s: Session, from: string, to: string): Promise<void> {
    try {
      await this.done(s, (cb) => s.sftp.ext_openssh_rename(from, to, cb));
      return;
    } catch (e) {
      // ssh2 throws this synchronously when the server did not announce the extension.
      if (!/does not support/i.test((e as Error).message)) throw e;
    }
    await this.done(s, (cb) => s.sftp.unlink(to, cb)).catch((e: unknown) => {
      if (!hasStatus(e, STATUS.NO_SUCH_FILE)) throw e;
    });
    await this.done(s, (cb) => s.sftp.rename(from, to, cb));
  }

  /** mkdir for each missing level, deepest first; "already exists" as a folder is fine. */
  private async mkdirs(s: Session, abs: string, climb = true): Promise<void> {
    try {
      await this.done(s, (cb) => s.sftp.mkdir(abs, cb));
    } catch (e) {
      const parent = posix.dirname(abs);
      if (climb && hasStatus(e, STATUS.NO_SUCH_FILE) && parent !== abs) {
        await this.mkdirs(s, parent);
        return this.mkdirs(s, abs, false);
      }
      const existing = await this.attrsOf(s, abs).catch(() => undefined);
      if (existing && isDirMode(existing.mode)) return;
      if (existing) throw new ConnectorError('already_exists', `${abs} exists and is not a folder.`);
      throw e;
    }
  }

  async remove(path: string, opts?: CallOptions): Promise<void> {
    const s = await this.session();
    try {
      throwIfAborted(opts?.signal);
      await this.done(s, (cb) => s.sftp.unlink(this.abs(s, path), cb));
    } catch (e) {
      // Unlinking a folder fails with a bare FAILURE (EISDIR); say what it really was.
      if (hasStatus(e, STATUS.FAILURE) || hasStatus(e, STATUS.PERMISSION_DENIED)) {
        const attrs = await this.attrsOf(s, this.abs(s, path), false).catch(() => undefined);
        if (attrs && isDirMode(attrs.mode)) throw new ConnectorError('is_directory', `${path} is a folder.`);
      }
      throw classify(e, path);
    }
  }

  async mkdir(path: string, opts?: CallOptions): Promise<void> {
    try {
      throwIfAborted(opts?.signal);
      const s = await this.session();
      await this.mkdirs(s, this.abs(s, path));
    } catch (e) {
      throw classify(e, path);
    }
  }

  async rmdir(path: string, opts?: CallOptions): Promise<void> {
    if (checkPath(path) === '') throw new ConnectorError('permission_denied', 'The root folder cannot be removed.');
    try {
      const s = await this.session();
      const attrs = await this.attrsOf(s, this.abs(s, path), false);
      if (!isDirMode(attrs.mode)) throw new ConnectorError('not_found', `${path} is not a folder.`);
      await this.removeTree(s, this.abs(s, path), opts?.signal);
    } catch (e) {
      throw classify(e, path);
    }
  }

  private async removeTree(s: Session, abs: string, signal?: AbortSignal): Promise<void> {
    const items = await s.call<FileEntryWithStats[]>((d) => s.sftp.readdir(abs, d));
    await eachLimit(items.filter((i) => i.filename !== '.' && i.filename !== '..'), 16, async (item) => {
      throwIfAborted(signal);
      const child = posix.join(abs, item.filename);
      if (isDirMode(item.attrs.mode)) await this.removeTree(s, child, signal);
      else await this.done(s, (cb) => s.sftp.unlink(child, cb));
    });
    await this.done(s, (cb) => s.sftp.rmdir(abs, cb));
  }

  async move(from: string, to: string, opts?: CallOptions): Promise<Entry> {
    if (checkPath(to) === '') throw new ConnectorError('invalid_name', 'A file needs a name.');
    try {
      throwIfAborted(opts?.signal);
      const s = await this.session();
      await this.attrsOf(s, this.abs(s, from), false);
      await this.mkdirs(s, posix.dirname(this.abs(s, to)));
      await this.rename(s, this.abs(s, from), this.abs(s, to));
      return this.entry(to, await this.attrsOf(s, this.abs(s, to)));
    } catch (e) {
      throw classify(e, from);
    }
  }

  async hashMany(paths: string[], type: HashType, opts?: HashManyOptions): Promise<Map<string, string>> {
    if (type !== 'sha256') throw new ConnectorError('fatal', `The SFTP connector computes sha256 only, not ${type}.`);
    // A few small files (the ten invoices of a continuous pass) come back over the open SFTP
    // channel in a few milliseconds; an exec channel costs a shell's start on the server first.
    if (opts?.expectedBytes !== undefined && opts.expectedBytes <= READ_BACK_MAX_BYTES) {
      return this.readBack(paths, opts.signal).catch((e: unknown) => { throw classify(e, ''); });
    }
    // One exec channel at a time: OpenSSH allows only 10 channels per connection by default.
    const run = this.hashQueue.then(() => this.hashAll(paths, opts?.signal)).catch((e: unknown) => { throw classify(e, ''); });
    this.hashQueue = run.catch(() => undefined);
    return run;
  }

  private async hashAll(paths: string[], signal?: AbortSignal): Promise<Map<string, string>> {
    const s = await this.session();
    const byAbs = new Map(paths.map((p) => [this.abs(s, p), p] as const));
    const out = new Map<string, string>();
    for (const batch of batches([...byAbs.keys()], this.options.maxCommandBytes ?? MAX_COMMAND_BYTES)) {
      throwIfAborted(signal);
      const hashes = this.execHashing === false ? null : await execSha256(s.client, batch, signal);
      if (s.closed) throw lost();
      // The first answer decides; a later refusal (say, a channel limit) only costs that batch.
      this.execHashing ??= hashes !== null;
      if (hashes) {
        for (const [abs, hash] of hashes) { const rel = byAbs.get(abs); if (rel !== undefined) out.set(rel, hash); }
        continue;
      }
      for (const [rel, hash] of await this.readBack(batch.map((abs) => byAbs.get(abs)!), signal)) out.set(rel, hash);
    }
    return out;
  }

  /** SHA-256 of each file, read back here; missing files are absent from the result. */
  private async readBack(paths: string[], signal?: AbortSignal): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    await eachLimit(paths, 4, async (rel) => {
      try {
        out.set(rel, (await sha256Of(await this.read(rel, { signal }))).sha256);
      } catch (e) {
        const err = classify(e, rel);
        if (err.kind !== 'not_found' && err.kind !== 'is_directory') throw err;
      }
    });
    return out;
  }

  async quota(opts?: CallOptions): Promise<Quota> {
    try {
      throwIfAborted(opts?.signal);
      const s = await this.session();
      const statvfs = () => s.call<Record<string, number>>((d) => s.sftp.ext_openssh_statvfs(s.root, d));
      let v: Record<string, number>;
      try {
        v = await statvfs();
      } catch (e) {
        if (/does not support/i.test((e as Error).message)) return { total: null, used: null, free: null };
        if (!hasStatus(e, STATUS.NO_SUCH_FILE)) throw e;
        await this.mkdirs(s, s.root); // like a first write would
        v = await statvfs();
      }
      const n = (k: string) => Number(v[k] ?? 0);
      const total = n('f_blocks') * n('f_frsize');
      return { total, free: n('f_bavail') * n('f_frsize'), used: total - n('f_bfree') * n('f_frsize') };
    } catch (e) {
      throw classify(e, '');
    }
  }

  async close(): Promise<void> {
    const s = this.live ?? (await this.connecting?.catch(() => undefined));
    this.live = undefined;
    if (!s || s.closed) return;
    const closed = new Promise<void>((resolve) => s.client.once('close', () => resolve()));
    s.client.end();
    await closed;
  }
}
