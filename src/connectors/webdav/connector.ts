import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  checkPath, ConnectorError, isConnectorError, joinPath, splitPath,
  type CallOptions, type Capabilities, type ConnectorContext, type Entry, type HashType, type Quota, type ReadOptions,
  type StorageConnector, type WriteInfo,
} from '../connector.js';
import type { NameRules } from '../../domain/names.js';
import { throwIfAborted } from '../kit/abort.js';
import { tempPathFor } from '../kit/temp-name.js';
import { bodyOf, discard, emptyBody } from '../kit/response-body.js';
import { DavClient, type DavClientOptions } from './client.js';
import { HttpFailure } from '../kit/http-failure.js';
import { classify } from './errors.js';
import { FolderMaker } from './folders.js';
import { bytesOf, nonEmpty } from './streams.js';
import { ENTRY_PROPS, QUOTA_PROPS, splitListing, type DavResource } from './multistatus.js';

export type WebdavOptions = DavClientOptions;

export const WEBDAV_NAMES: NameRules = { set: 'webdav', caseInsensitive: false, maxComponentBytes: 255 };

const DONE = [200, 201, 204];
const CLEANUP_TIMEOUT_MS = 30_000;


function toEntry(r: DavResource, path: string): Entry {
  const entry: Entry = { path, name: splitPath(path)[1], isDir: r.isDir, size: r.size, modifiedAt: r.modifiedAt };
  if (r.fileId) entry.id = r.fileId;
  if (Object.keys(r.checksums).length) entry.hashes = { ...r.checksums };
  return entry;
}

/** A WebDAV server (Nextcloud, ownCloud, rclone, ...) reached over HTTP(S) with Basic auth. */
export class WebdavConnector implements StorageConnector {
  readonly kind = 'webdav';
  readonly capabilities: Capabilities = {
    // Few servers report sha256 themselves, but hashMany always answers it (reading back if it must).
    hashes: ['sha256'],
    names: WEBDAV_NAMES,
    serverSideMove: true,
  };
  private readonly dav: DavClient;
  private readonly folders: FolderMaker;

  constructor(opts: WebdavOptions, context: ConnectorContext = {}) {
    this.dav = new DavClient(opts, context.egress);
    this.folders = new FolderMaker(this.dav);
  }

  /** Creates `dir` (relative to the root) and every missing folder above it, root included. */
  private ensureDir(dir: string, signal?: AbortSignal): Promise<void> {
    return this.folders.ensure(this.dav.segmentsOf(dir), signal);
  }

  async *list(dir: string, opts?: CallOptions): AsyncIterable<Entry> {
    checkPath(dir);
    const signal = opts?.signal;
    throwIfAborted(signal);
    const items = await this.dav.propfind(this.dav.url(dir, true), 1, ENTRY_PROPS, dir, signal);
    const { self, children } = splitListing(items, this.dav.hrefOf(dir));
    if (!self?.isDir) throw new ConnectorError('not_found', `${dir || 'The root folder'} is not a folder.`);
    this.folders.remember(this.dav.segmentsOf(dir));
    const entries = children
      .map((c) => toEntry(c, joinPath(dir, c.segments[c.segments.length - 1]!)))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      throwIfAborted(signal);
      yield entry;
    }
  }

  async stat(path: string, opts?: CallOptions): Promise<Entry> {
    checkPath(path);
    throwIfAborted(opts?.signal);
    const items = await this.dav.propfind(this.dav.url(path), 0, ENTRY_PROPS, path, opts?.signal);
    const item = splitListing(items, this.dav.hrefOf(path)).self;
    if (!item) throw new ConnectorError('not_found', `${path} does not exist on the WebDAV server`);
    return toEntry(item, path);
  }

  private async statFile(path: string, signal?: AbortSignal): Promise<Entry> {
    const entry = await this.stat(path, { signal });
    if (entry.isDir) throw new ConnectorError('is_directory', `${path} is a folder.`);
    return entry;
  }

  private async isFolder(path: string, signal?: AbortSignal): Promise<boolean> {
    return this.stat(path, { signal }).then((e) => e.isDir, () => false);
  }

  async read(path: string, opts?: ReadOptions): Promise<Readable> {
    checkPath(path);
    const signal = opts?.signal;
    throwIfAborted(signal);
    const start = opts?.range?.start ?? 0;
    const end = opts?.range?.end;
    if (end !== undefined && end <= start) {
      await this.statFile(path, signal);
      return emptyBody();
    }
    const headers: Record<string, string> = { 'Accept-Encoding': 'identity' };
    if (opts?.range) headers['Range'] = `bytes=${start}-${end !== undefined ? end - 1 : ''}`;
    let res: Response;
    try {
      res = await this.dav.request('GET', this.dav.url(path), { path, signal, headers, expect: [200, 206, 416] });
    } catch (e) {
      // Servers refuse GET on a folder in their own ways (rclone: 405); say what it really is.
      if (isConnectorError(e) && (e.kind === 'fatal' || e.kind === 'permission_denied') && (await this.isFolder(path, signal))) {
        throw new ConnectorError('is_directory', `${path} is a folder.`);
      }
      throw e;
    }
    if (res.status === 416) {
      await discard(res);
      const entry = await this.statFile(path, signal);
      if (start >= entry.size) return emptyBody(); // a range starting at the end is empty, not an error
      throw new ConnectorError('transient', `The WebDAV server refused bytes ${start}-${end ?? ''} of ${path} (${entry.size} bytes); try again`);
    }
    if (res.status === 200 && (res.headers.get('content-type') ?? '').startsWith('text/html')) {
      // Many servers answer GET on a folder with an HTML listing; only then is a second look worth it.
      if (await this.isFolder(path, signal)) {
        await discard(res);
        throw new ConnectorError('is_directory', `${path} is a folder.`);
      }
    }
    // A server that ignores Range answers 200 with the whole file: skip and trim here instead.
    const skip = res.status === 200 ? start : 0;
    const limit = end !== undefined ? end - start : Infinity;
    return bodyOf(res, skip, limit, (e) => classify(e, path, 'read', signal));
  }

  async write(path: string, body: Readable, info: WriteInfo, opts?: CallOptions): Promise<Entry> {
    checkPath(path);
    if (path === '') throw new ConnectorError('invalid_name', 'Cannot write a file over the root folder.');
    const signal = opts?.signal;
    const temp = tempPathFor(path);
    let stage: 'prepare' | 'upload' | 'uploaded' = 'prepare';
    try {
      throwIfAborted(signal);
      await this.ensureDir(splitPath(path)[0], signal);
      // Content-Length rather than chunked encoding: PHP servers behind some FastCGI setups drop chunked bodies.
      const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(info.size) };
      if (info.modifiedAt) headers['X-OC-Mtime'] = String(Math.floor(info.modifiedAt.getTime() / 1000));
      if (info.sha256) {
        headers['OC-Checksum'] = `SHA256:${info.sha256}`;
        headers['X-Hash'] = 'sha256'; // Nextcloud then answers with the hash of what it actually received
      }
      stage = 'upload';
      const res = await this.dav.request('PUT', this.dav.url(temp), { path, op: 'write', signal, headers, body: nonEmpty(body), expect: DONE });
      stage = 'uploaded';
      await discard(res);
      const received = res.headers.get('x-hash-sha256');
      if (info.sha256 && received && received.toLowerCase() !== info.sha256.toLowerCase()) {
        throw new ConnectorError('transient', `The WebDAV server received different bytes for ${path} than were sent; try again`);
      }
      await this.rawMove(temp, path, false, signal);
      return await this.stat(path, { signal });
    } catch (e) {
      // fetch reports a failing source as a network failure; name the real cause instead.
      const sourceError = body.errored;
      body.destroy();
      if (stage !== 'prepare') {
        // Cut off midway (no HTTP answer), the server may still be finishing the temp file.
        const cutOff = stage === 'upload' && !((e as Error)?.cause instanceof HttpFailure);
        await this.removeTemp(temp, cutOff);
        // If the folder vanished behind our back, the cache would make every retry fail the same way.
        this.folders.forget(this.dav.segmentsOf(splitPath(path)[0]));
      }
      if (sourceError && !signal?.aborted) {
        if (isConnectorError(sourceError)) throw sourceError;
        throw new ConnectorError('transient', `The data to upload as ${path} could not be read (${sourceError.message})`, undefined, { cause: sourceError });
      }
      throw classify(e, path, 'write', signal);
    }
  }

  /**
   * Removes a failed write's temp file. After an upload cut off midway, some servers (rclone's
   * x/net/webdav handler) still commit the partial file when they notice the dropped connection,
   * which can land after our DELETE; so look again a few times and delete what reappeared.
   */
  private async removeTemp(temp: string, cutOff: boolean): Promise<void> {
    await this.deleteQuietly(temp);
    if (!cutOff) return;
    for (let wait = 100; wait <= 800; wait *= 2) {
      await sleep(wait);
      if (!(await this.existsQuietly(temp))) return;
      await this.deleteQuietly(temp);
    }
  }

  private async existsQuietly(path: string): Promise<boolean> {
    try {
      await this.dav.propfind(this.dav.url(path), 0, ENTRY_PROPS, path, AbortSignal.timeout(CLEANUP_TIMEOUT_MS));
      return true;
    } catch {
      return false;
    }
  }

  /** Best effort DELETE after a failed write; its own deadline, since the caller's signal may have fired. */
  private async deleteQuietly(path: string): Promise<void> {
    try {
      const res = await this.dav.request('DELETE', this.dav.url(path), {
        path, op: 'write', signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS), expect: [...DONE, 404],
      });
      await discard(res);
    } catch {
      // A leftover temp name is recognisable (kit/temp-name) and the next write to the path reuses it.
    }
  }

  async remove(path: string, opts?: CallOptions): Promise<void> {
    checkPath(path);
    // DELETE on a folder removes it with everything inside, so make sure this is a file first.
    await this.statFile(path, opts?.signal);
    const res = await this.dav.request('DELETE', this.dav.url(path), { path, signal: opts?.signal, expect: DONE });
    await discard(res);
  }

  async mkdir(path: string, opts?: CallOptions): Promise<void> {
    checkPath(path);
    await this.ensureDir(path, opts?.signal);
  }

  async rmdir(path: string, opts?: CallOptions): Promise<void> {
    checkPath(path);
    if (path === '') throw new ConnectorError('permission_denied', 'The root folder cannot be removed.');
    this.folders.forget(this.dav.segmentsOf(path));
    const res = await this.dav.request('DELETE', this.dav.url(path, true), { path, signal: opts?.signal, expect: DONE });
    await discard(res);
  }

  async move(from: string, to: string, opts?: CallOptions): Promise<Entry> {
    checkPath(from);
    checkPath(to);
    if (from === '' || to === '') throw new ConnectorError('invalid_name', 'The root folder cannot be moved or replaced.');
    const signal = opts?.signal;
    // Check the source first: rclone answers a MOVE of a missing file with 403, not 404.
    const source = await this.stat(from, { signal });
    await this.ensureDir(splitPath(to)[0], signal);
    await this.rawMove(from, to, source.isDir, signal);
    if (source.isDir) this.folders.forget(this.dav.segmentsOf(from));
    return this.stat(to, { signal });
  }

  private async rawMove(from: string, to: string, isDir: boolean, signal?: AbortSignal): Promise<void> {
    const res = await this.dav.request('MOVE', this.dav.url(from, isDir), {
      path: to, op: 'write', signal, expect: [201, 204],
      headers: { Destination: this.dav.url(to, isDir), Overwrite: 'T' },
    });
    await discard(res);
  }

  async hashMany(paths: string[], type: HashType, opts?: CallOptions): Promise<Map<string, string>> {
    if (type !== 'sha256') throw new ConnectorError('fatal', `The WebDAV connector reports sha256 only, not ${type}.`);
    const out = new Map<string, string>();
    for (const path of paths) {
      throwIfAborted(opts?.signal);
      try {
        out.set(path, await this.sha256(path, opts?.signal));
      } catch (e) {
        const err = classify(e, path, 'read', opts?.signal);
        if (err.kind !== 'not_found' && err.kind !== 'is_directory') throw err;
      }
    }
    return out;
  }

  /**
   * The SHA-256 the server computes (X-Hash), else the hash of the bytes read back. Never
   * oc:checksums: Nextcloud stores what the client claimed there without checking it, so it
   * would only echo our own claim back.
   */
  private async sha256(path: string, signal?: AbortSignal): Promise<string> {
    const res = await this.dav.request('GET', this.dav.url(path), {
      path, signal, expect: [200], headers: { 'X-Hash': 'sha256', 'Accept-Encoding': 'identity' },
    });
    const reported = res.headers.get('x-hash-sha256');
    if (reported && /^[0-9a-f]{64}$/i.test(reported)) {
      await discard(res);
      return reported.toLowerCase();
    }
    const hash = createHash('sha256');
    if (res.body) for await (const chunk of bytesOf(res.body, 0, Infinity, (e) => classify(e, path, 'read', signal))) hash.update(chunk);
    return hash.digest('hex');
  }

  async quota(opts?: CallOptions): Promise<Quota> {
    const signal = opts?.signal;
    let items: DavResource[];
    try {
      items = await this.dav.propfind(this.dav.url('', true), 0, QUOTA_PROPS, '', signal);
    } catch (e) {
      if (!isConnectorError(e, 'not_found')) throw e;
      // The root folder is created by the first write; until then the account's base folder tells the same.
      items = await this.dav.propfind(this.dav.urlOf([], true), 0, QUOTA_PROPS, '', signal);
    }
    // Nextcloud uses -1, -2 and -3 for "not computed", "unknown" and "unlimited".
    const known = (v?: number) => (v !== undefined && v >= 0 ? v : null);
    const free = known(items[0]?.quotaAvailable);
    const used = known(items[0]?.quotaUsed);
    return { free, used, total: free !== null && used !== null ? free + used : null };
  }

  async close(): Promise<void> {
    this.folders.clear();
    await this.dav.close();
  }
}
