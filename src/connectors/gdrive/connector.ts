import { Readable } from 'node:stream';
import {
  checkPath, ConnectorError, joinPath, splitPath,
  type AccountInfo, type CallOptions, type Capabilities, type ChangePage, type Entry, type HashType, type Quota, type ReadOptions,
  type StorageConnector, type TokenSource, type WriteInfo,
} from '../connector.js';
import type { NameRules } from '../../domain/names.js';
import { throwIfAborted } from '../kit/abort.js';
import { ByteReader } from '../kit/byte-reader.js';
import { Pacer, type PacerOptions } from '../kit/pacer.js';
import type { RetryPolicy } from '../kit/retry.js';
import { bodyOf, discard, emptyBody } from '../kit/response-body.js';
import { treeFeedPage } from '../kit/tree-feed.js';
import { DriveClient, qLiteral } from './client.js';
import { classify } from './errors.js';
import { driveFeedSource } from './feed.js';
import { DriveFolders } from './folders.js';
import { FILE_FIELDS, isFolder, isNative, toEntry, type DriveFile } from './items.js';
import { CHUNK_BYTES, CHUNK_MULTIPLE, multipartUpload, resumableUpload, SIMPLE_UPLOAD_MAX, type UploadTarget } from './upload.js';

/** Drive takes nearly any name (docs/providers/google-drive.md, "Names and limits"); the maximum length is unconfirmed, so 255 bytes. */
export const GDRIVE_NAMES: NameRules = { set: 'gdrive', caseInsensitive: false, maxComponentBytes: 255 };
/** rclone's Drive pacer: 10 calls a second after a burst of 100, well inside the per-user quota. */
export const DRIVE_PACING: PacerOptions = { perSecond: 10, burst: 100 };
const LIST_PAGE = 1000;
const HASH_PARALLEL = 4;

export interface GdriveOptions {
  /** https://www.googleapis.com, or the sandbox. */
  baseUrl: string;
  /** A folder the user picked (Google Picker grants drive.file access to it); default My Drive. */
  folderId?: string;
  /** Folder below that, "/"-separated; created on first write. */
  root: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
  /** Chunk size of resumable uploads; a multiple of 256 KiB. */
  chunkBytes?: number;
  listPageSize?: number;
  /** pageSize of the change feed's changes.list and files.list calls; default 1000. */
  feedPageSize?: number;
  pacing?: PacerOptions;
  /** How metadata reads are retried inside the connector; default READ_RETRY, null for never. */
  readRetry?: RetryPolicy | null;
}

const fileUrl = (id: string, query = `fields=${FILE_FIELDS}`) => `/drive/v3/files/${encodeURIComponent(id)}?${query}`;

/** Google Drive through the v3 REST API: ids only, so paths are resolved one level at a time. */
export class GoogleDriveConnector implements StorageConnector {
  readonly kind = 'gdrive';
  readonly capabilities: Capabilities = {
    // sha256Checksum comes with every upload's answer: the engine verifies without reading back.
    hashes: ['sha256', 'md5'], names: GDRIVE_NAMES, serverSideMove: true,
    maxSimpleUpload: SIMPLE_UPLOAD_MAX, chunk: { multipleOf: CHUNK_MULTIPLE, maxBytes: CHUNK_BYTES }, changeFeed: true,
  };
  private readonly client: DriveClient;
  private readonly folders: DriveFolders;
  private readonly rootSegments: string[];
  /** Writes to one path from this connector go one at a time, so they update one file, not create two. */
  private readonly writing = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: GdriveOptions) {
    if (opts.chunkBytes !== undefined && (opts.chunkBytes <= 0 || opts.chunkBytes % CHUNK_MULTIPLE !== 0)) {
      throw new ConnectorError('fatal', 'The Google Drive chunk size must be a positive multiple of 256 KiB.');
    }
    const pacer = new Pacer(opts.pacing ?? DRIVE_PACING);
    const base = opts.fetch ?? fetch;
    const paced: typeof fetch = async (input, init) => { await pacer.take(init?.signal ?? undefined); return base(input, init); };
    this.client = new DriveClient({ baseUrl: opts.baseUrl, tokens: opts.tokens, fetch: paced, readRetry: opts.readRetry });
    this.folders = new DriveFolders(this.client, opts.folderId ?? 'root');
    this.rootSegments = opts.root.split('/').filter((s) => s !== '');
  }

  /** Path below the base folder, root folder included. */
  private full(path: string): string {
    return joinPath(...this.rootSegments, ...(path ? path.split('/') : []));
  }

  /** The file or folder at `path`: the oldest of same-named items, as for folders. */
  private async fileAt(path: string, signal?: AbortSignal): Promise<DriveFile> {
    const full = this.full(path);
    if (full === '') return this.client.json<DriveFile>('GET', fileUrl(this.opts.folderId ?? 'root'), { path, signal, expect: [200] });
    const [dir, name] = splitPath(full);
    const parentId = await this.folders.resolve(dir, signal);
    const found = (await this.folders.named(parentId, name, 'any', path, signal)).find((f) => !isNative(f));
    if (!found) throw new ConnectorError('not_found', `${path} does not exist on Google Drive`);
    if (isFolder(found)) this.folders.set(full, found.id);
    return found;
  }

  private async folderAt(dir: string, signal?: AbortSignal): Promise<string> {
    const f = await this.fileAt(dir, signal);
    if (!isFolder(f)) throw new ConnectorError('not_found', `${dir || 'The root folder'} is not a folder.`);
    return f.id;
  }

  async *list(dir: string, opts?: CallOptions): AsyncIterable<Entry> {
    checkPath(dir);
    throwIfAborted(opts?.signal);
    const id = await this.folderAt(dir, opts?.signal);
    const seen = new Set<string>();
    for await (const page of this.folders.pages(this.childrenQuery(id), this.opts.listPageSize ?? LIST_PAGE, dir, opts?.signal)) {
      for (const e of this.entries(page.files, dir, seen)) yield e;
    }
  }

  /** One page, with Drive's own page token. */
  async listPage(dir: string, page: { pageToken?: string; pageSize?: number }, opts?: CallOptions): Promise<{ entries: Entry[]; nextPageToken: string | null }> {
    checkPath(dir);
    const id = await this.folderAt(dir, opts?.signal);
    const size = Math.min(Math.max(page.pageSize ?? 100, 1), LIST_PAGE);
    const got = await this.folders.listPage(this.childrenQuery(id), size, page.pageToken, dir, opts?.signal);
    return { entries: this.entries(got.files, dir, new Set()), nextPageToken: got.nextPageToken ?? null };
  }

  /** Drive's changes feed over the tree below `dir` (feed.ts); the folder ids ride in the cursor. */
  async changes(dir: string, cursor: string | null, opts?: CallOptions): Promise<ChangePage> {
    checkPath(dir);
    const deps = { client: this.client, folders: this.folders, pageSize: this.opts.feedPageSize ?? LIST_PAGE };
    return treeFeedPage({
      kind: this.kind, dir, cursor,
      open: async (known) => driveFeedSource(deps, known?.rootId ?? await this.folderAt(dir, opts?.signal), dir),
    }, opts);
  }

  private childrenQuery(folderId: string): string {
    return `${qLiteral(folderId)} in parents and trashed = false`;
  }

  /** Listed oldest first, so the first of same-named items is the one paths resolve to. */
  private entries(files: DriveFile[], dir: string, seen: Set<string>): Entry[] {
    const out: Entry[] = [];
    for (const f of files) {
      if (isNative(f) || seen.has(f.name)) continue;
      seen.add(f.name);
      out.push(toEntry(f, joinPath(dir, f.name)));
    }
    return out;
  }

  async stat(path: string, opts?: CallOptions): Promise<Entry> {
    checkPath(path);
    throwIfAborted(opts?.signal);
    return toEntry(await this.fileAt(path, opts?.signal), path);
  }

  async read(path: string, opts?: ReadOptions): Promise<Readable> {
    checkPath(path);
    const signal = opts?.signal;
    throwIfAborted(signal);
    const file = await this.fileAt(path, signal);
    if (isFolder(file)) throw new ConnectorError('is_directory', `${path} is a folder.`);
    const start = opts?.range?.start ?? 0;
    const end = opts?.range?.end;
    const size = Number(file.size ?? 0);
    if ((end !== undefined && end <= start) || (start > 0 && start >= size)) return emptyBody();
    const headers: Record<string, string> = {};
    if (opts?.range) headers.Range = `bytes=${start}-${end !== undefined ? end - 1 : ''}`;
    const res = await this.client.request('GET', fileUrl(file.id, 'alt=media'), { path, signal, headers, expect: [200, 206, 416] });
    if (res.status === 416) {
      await discard(res);
      throw new ConnectorError('transient', `Google Drive refused bytes ${start}-${end ?? ''} of ${path}; try again`);
    }
    // A server that ignores Range answers 200 with everything: skip and trim here instead.
    const skip = res.status === 200 ? start : 0;
    return bodyOf(res, skip, end !== undefined ? end - start : Infinity, (e) => classify(e, path, signal));
  }

  /** One write per path at a time from this connector: a second one waits for the first. */
  private serialized<T>(path: string, fn: () => Promise<T>): Promise<T> {
    const before = this.writing.get(path) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(fn);
    const tail = run.catch(() => undefined);
    this.writing.set(path, tail);
    void tail.then(() => { if (this.writing.get(path) === tail) this.writing.delete(path); });
    return run;
  }

  async write(path: string, body: Readable, info: WriteInfo, opts?: CallOptions): Promise<Entry> {
    checkPath(path);
    if (path === '') throw new ConnectorError('invalid_name', 'Cannot write a file over the root folder.');
    return this.serialized(path, () => this.writeNow(path, body, info, opts?.signal));
  }

  private async writeNow(path: string, body: Readable, info: WriteInfo, signal?: AbortSignal): Promise<Entry> {
    const [dir, name] = splitPath(path);
    let parentId: string | undefined;
    try {
      throwIfAborted(signal);
      parentId = await this.folders.ensure(this.full(dir), signal);
      // An existing file gets new content (a new revision, same id): Drive would happily hold two of the same name.
      // In a folder this connection made, only what it wrote there can exist.
      const fresh = this.folders.filesInFresh(parentId);
      const existingId = fresh ? fresh.get(name)
        : (await this.folders.named(parentId, name, 'any', path, signal)).find((f) => !isFolder(f) && !isNative(f))?.id;
      const target: UploadTarget = { existingId, parentId, name, modifiedAt: info.modifiedAt };
      const reader = new ByteReader(body, path, signal);
      const file = info.size <= SIMPLE_UPLOAD_MAX
        // Read whole (at most 4 MiB) so a 401 can be answered by refreshing and sending again.
        ? await multipartUpload(this.client, target, await reader.exactly(info.size), path, signal)
        : await resumableUpload({ client: this.client, target, path, size: info.size, reader, signal, chunkBytes: this.opts.chunkBytes });
      if (info.sha256 && file.sha256Checksum && file.sha256Checksum !== info.sha256) {
        throw new ConnectorError('transient', `Google Drive stored other bytes than sent for ${path}; it is sent again`);
      }
      this.folders.wroteInFresh(parentId, name, file.id);
      return toEntry(file, path);
    } catch (e) {
      body.destroy();
      // A failed upload may still have created the file (an answer lost on the way): look it up next time.
      if (parentId) this.folders.spoil([parentId]);
      const err = classify(e, path, signal);
      if (err.kind === 'not_found') {
        // Our cached parent vanished behind our back: forget it, and the retry recreates it.
        this.folders.forget(this.full(dir));
        throw new ConnectorError('transient', `The folder of ${path} disappeared during the write; try again`, undefined, { cause: e });
      }
      throw err;
    }
  }

  /** Files go to the trash, not away for good: Drive keeps them 30 days, so a mistaken removal can be undone there. */
  private async trash(id: string, path: string, signal?: AbortSignal): Promise<void> {
    await this.client.json('PATCH', fileUrl(id, 'fields=id'), { path, signal, expect: [200], json: { trashed: true } });
  }

  async remove(path: string, opts?: CallOptions): Promise<void> {
    checkPath(path);
    const file = await this.fileAt(path, opts?.signal);
    if (isFolder(file)) throw new ConnectorError('is_directory', `${path} is a folder.`);
    this.folders.spoil(file.parents ?? []);
    await this.trash(file.id, path, opts?.signal);
  }

  async rmdir(path: string, opts?: CallOptions): Promise<void> {
    checkPath(path);
    if (path === '') throw new ConnectorError('permission_denied', 'The root folder cannot be removed.');
    const file = await this.fileAt(path, opts?.signal);
    if (!isFolder(file)) throw new ConnectorError('fatal', `${path} is a file, not a folder.`);
    this.folders.forget(this.full(path));
    this.folders.spoil([file.id, ...(file.parents ?? [])]);
    await this.trash(file.id, path, opts?.signal);
  }

  async mkdir(path: string, opts?: CallOptions): Promise<void> {
    checkPath(path);
    await this.folders.ensure(this.full(path), opts?.signal);
  }

  /** files.update with addParents/removeParents and name: the id stays, no bytes move; what was at `to` goes to the trash. */
  async move(from: string, to: string, opts?: CallOptions): Promise<Entry> {
    checkPath(from);
    checkPath(to);
    if (from === '' || to === '') throw new ConnectorError('invalid_name', 'The root folder cannot be moved or replaced.');
    const signal = opts?.signal;
    const source = await this.fileAt(from, signal);
    const [dir, name] = splitPath(to);
    const parentId = await this.folders.ensure(this.full(dir), signal);
    const replaced = (await this.folders.named(parentId, name, 'any', to, signal)).filter((f) => f.id !== source.id && isFolder(f) === isFolder(source));
    if (isFolder(source)) this.folders.forget(this.full(from));
    const parents = source.parents ?? [];
    this.folders.spoil([parentId, source.id, ...parents]);
    const query = new URLSearchParams({ fields: FILE_FIELDS });
    if (!parents.includes(parentId) || parents.length !== 1) {
      query.set('addParents', parentId);
      const remove = parents.filter((p) => p !== parentId);
      if (remove.length) query.set('removeParents', remove.join(','));
    }
    const moved = await this.client.json<DriveFile>('PATCH', fileUrl(source.id, query.toString()), { path: to, signal, expect: [200], json: { name } });
    for (const old of replaced) await this.trash(old.id, to, signal);
    return toEntry(moved, to);
  }

  /** The checksums Drive reports, one listing per folder rather than one lookup per file. */
  async hashMany(paths: string[], type: HashType, opts?: CallOptions): Promise<Map<string, string>> {
    if (type !== 'sha256' && type !== 'md5' && type !== 'sha1') throw new ConnectorError('fatal', `Google Drive reports md5, sha1 and sha256, not ${type}.`);
    const byDir = new Map<string, string[]>();
    for (const p of paths) {
      const [dir, name] = splitPath(checkPath(p));
      byDir.set(dir, [...(byDir.get(dir) ?? []), name]);
    }
    const out = new Map<string, string>();
    const dirs = [...byDir.keys()];
    let next = 0;
    const worker = async () => {
      while (next < dirs.length) {
        const dir = dirs[next++]!;
        const found = await this.folderHashes(dir, type, opts?.signal);
        // A file without the checksum (old uploads may lack SHA-256) counts as absent: the engine uploads it again.
        for (const name of byDir.get(dir)!) if (found.has(name)) out.set(joinPath(dir, name), found.get(name)!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(HASH_PARALLEL, dirs.length) }, worker));
    return out;
  }

  private async folderHashes(dir: string, type: 'sha256' | 'md5' | 'sha1', signal?: AbortSignal): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    let id: string;
    try {
      id = await this.folderAt(dir, signal);
    } catch (e) {
      if ((e as ConnectorError).kind === 'not_found') return found;
      throw e;
    }
    const field = ({ sha256: 'sha256Checksum', md5: 'md5Checksum', sha1: 'sha1Checksum' } as const)[type];
    const seen = new Set<string>();
    for await (const page of this.folders.pages(this.childrenQuery(id), LIST_PAGE, dir, signal)) {
      for (const f of page.files) {
        if (seen.has(f.name) || isFolder(f) || isNative(f)) continue;
        seen.add(f.name);
        if (f[field]) found.set(f.name, f[field]!);
      }
    }
    return found;
  }

  async quota(opts?: CallOptions): Promise<Quota> {
    const about = await this.client.json<{ storageQuota?: { limit?: string; usage?: string } }>('GET', '/drive/v3/about?fields=storageQuota', { path: '', signal: opts?.signal, expect: [200] });
    const q = about.storageQuota;
    const used = q?.usage !== undefined ? Number(q.usage) : null;
    // No limit: an unlimited account (docs/providers/google-drive.md, "Names and limits").
    const total = q?.limit !== undefined ? Number(q.limit) : null;
    return { total, used, free: total !== null && used !== null ? Math.max(0, total - used) : null };
  }

  async account(opts?: CallOptions): Promise<AccountInfo> {
    const about = await this.client.json<{ user?: { displayName?: string; emailAddress?: string; permissionId?: string } }>(
      'GET', '/drive/v3/about?fields=user(displayName,emailAddress,permissionId)', { path: '', signal: opts?.signal, expect: [200] });
    const u = about.user ?? {};
    return { name: u.displayName ?? u.emailAddress ?? 'Google Drive', email: u.emailAddress, id: u.permissionId };
  }

  async close(): Promise<void> {
    this.folders.clear();
  }
}
