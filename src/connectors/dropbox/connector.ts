import { Readable } from 'node:stream';
import {
  checkPath, ConnectorError, isConnectorError, joinPath, splitPath,
  type AccountInfo, type CallOptions, type Capabilities, type ChangePage, type Entry, type HashType, type Quota, type ReadOptions,
  type StorageConnector, type TokenSource, type WriteInfo,
} from '../connector.js';
import type { NameRules } from '../../domain/names.js';
import { throwIfAborted } from '../kit/abort.js';
import { ByteReader } from '../kit/byte-reader.js';
import { bodyOf, discard, emptyBody } from '../kit/response-body.js';
import { DROPBOX_BLOCK_BYTES } from '../kit/dropbox-content-hash.js';
import { DropboxClient } from './client.js';
import { classify, failureOf } from './errors.js';
import { dropboxFeedPage } from './feed.js';
import { toEntry, type DropboxMetadata, type ListFolderResult } from './items.js';
import { hashesOf } from './hashes.js';
import { MAX_REQUEST_BYTES, uploadInSession, uploadSimple } from './upload.js';

export const DROPBOX_NAMES: NameRules = { set: 'dropbox', caseInsensitive: true, maxComponentBytes: 255 };
/** 16 MiB: one request (one write operation) for nearly every document; see docs/providers/dropbox.md. */
export const SIMPLE_UPLOAD_MAX = 16 * 1024 * 1024;
/** 16 MiB chunks, four content_hash blocks: one chunk is the memory an upload holds. */
export const CHUNK_BYTES = 4 * DROPBOX_BLOCK_BYTES;
export const WRITE_CONCURRENCY = 4;
const LIST_LIMIT = 2000;

export interface DropboxOptions {
  apiUrl: string;
  contentUrl: string;
  /** Folder below the token's root (the app folder, or the whole Dropbox), "/"-separated. */
  root: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
  simpleUploadMax?: number;
  chunkBytes?: number;
  writeConcurrency?: number;
  /** `limit` of list_folder; Dropbox allows up to 2000 (approximately). */
  listLimit?: number;
  /** `limit` of the change feed's recursive list_folder; default 2000. */
  feedPageSize?: number;
}


/** Dropbox through API v2, path-addressed, over plain fetch. */
export class DropboxConnector implements StorageConnector {
  readonly kind = 'dropbox';
  readonly capabilities: Capabilities;
  readonly client: DropboxClient;
  private readonly rootSegments: string[];
  private readonly chunkBytes: number;
  private readonly simpleMax: number;

  constructor(private readonly opts: DropboxOptions) {
    this.chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
    this.simpleMax = opts.simpleUploadMax ?? SIMPLE_UPLOAD_MAX;
    for (const [what, n] of [['chunk size', this.chunkBytes], ['simple upload limit', this.simpleMax]] as const) {
      if (!Number.isInteger(n) || n <= 0 || n > MAX_REQUEST_BYTES) throw new ConnectorError('fatal', `The Dropbox ${what} must be between 1 byte and 150 MiB.`);
    }
    this.client = new DropboxClient({ apiUrl: opts.apiUrl, contentUrl: opts.contentUrl, tokens: opts.tokens, fetch: opts.fetch, writeConcurrency: opts.writeConcurrency ?? WRITE_CONCURRENCY });
    this.rootSegments = opts.root.split('/').filter((s) => s !== '');
    this.capabilities = {
      hashes: ['dropbox'], names: DROPBOX_NAMES, serverSideMove: true,
      maxSimpleUpload: this.simpleMax, chunk: { multipleOf: DROPBOX_BLOCK_BYTES, maxBytes: this.chunkBytes }, changeFeed: true,
    };
  }

  /** The Dropbox path of a connector path: "/Root/a/b.pdf", or "" for the token's own root. */
  dropboxPath(path: string): string {
    const full = joinPath(...this.rootSegments, ...(path ? path.split('/') : []));
    return full ? `/${full}` : '';
  }

  private metadata(path: string, signal?: AbortSignal): Promise<DropboxMetadata> {
    return this.client.json<DropboxMetadata>('files/get_metadata', { path, signal, arg: { path: this.dropboxPath(path) } });
  }

  private async folderPage(dir: string, page: { cursor?: string; limit?: number }, signal?: AbortSignal): Promise<ListFolderResult> {
    try {
      if (page.cursor) return await this.client.json<ListFolderResult>('files/list_folder/continue', { path: dir, signal, arg: { cursor: page.cursor } });
      return await this.client.json<ListFolderResult>('files/list_folder', {
        path: dir, signal, arg: { path: this.dropboxPath(dir), recursive: false, limit: page.limit ?? this.opts.listLimit ?? LIST_LIMIT, include_deleted: false },
      });
    } catch (e) {
      if (failureOf(e)?.has('not_folder')) throw new ConnectorError('not_found', `${dir} is a file, not a folder.`, undefined, { cause: e });
      throw e;
    }
  }

  async *list(dir: string, opts?: CallOptions): AsyncIterable<Entry> {
    checkPath(dir);
    const signal = opts?.signal;
    let cursor: string | undefined;
    do {
      throwIfAborted(signal);
      const page = await this.folderPage(dir, { cursor }, signal);
      for (const m of page.entries) if (m['.tag'] !== 'deleted') yield toEntry(m, joinPath(dir, m.name));
      cursor = page.has_more ? page.cursor : undefined;
    } while (cursor);
  }

  /** The page token is Dropbox's own cursor, which keeps the page size of the first page. */
  async listPage(dir: string, page: { pageToken?: string; pageSize?: number }, opts?: CallOptions): Promise<{ entries: Entry[]; nextPageToken: string | null }> {
    checkPath(dir);
    const limit = Math.min(Math.max(page.pageSize ?? LIST_LIMIT, 1), LIST_LIMIT);
    const result = await this.folderPage(dir, { cursor: page.pageToken, limit }, opts?.signal);
    const entries = result.entries.filter((m) => m['.tag'] !== 'deleted').map((m) => toEntry(m, joinPath(dir, m.name)));
    return { entries, nextPageToken: result.has_more ? result.cursor : null };
  }

  /** list_folder (recursive) and list_folder/continue over the tree below `dir` (feed.ts). */
  async changes(dir: string, cursor: string | null, opts?: CallOptions): Promise<ChangePage> {
    checkPath(dir);
    return dropboxFeedPage({ client: this.client, base: this.dropboxPath(dir), limit: this.opts.feedPageSize ?? LIST_LIMIT }, dir, cursor, opts);
  }

  async stat(path: string, opts?: CallOptions): Promise<Entry> {
    checkPath(path);
    throwIfAborted(opts?.signal);
    // get_metadata refuses the root; it always exists and is a folder.
    if (this.dropboxPath(path) === '') return { path, name: '', isDir: true, size: 0, modifiedAt: null };
    return toEntry(await this.metadata(path, opts?.signal), path);
  }

  async read(path: string, opts?: ReadOptions): Promise<Readable> {
    checkPath(path);
    const signal = opts?.signal;
    throwIfAborted(signal);
    const start = opts?.range?.start ?? 0;
    const end = opts?.range?.end;
    if (end !== undefined && end <= start) {
      if ((await this.stat(path, { signal })).isDir) throw new ConnectorError('is_directory', `${path} is a folder.`);
      return emptyBody();
    }
    const headers: Record<string, string> = {};
    if (opts?.range) headers.Range = `bytes=${start}-${end !== undefined ? end - 1 : ''}`;
    const res = await this.client.call('files/download', { path, signal, headers, arg: { path: this.dropboxPath(path) }, expect: [206, 416] });
    if (res.status === 416) {
      await discard(res);
      if (start >= (await this.stat(path, { signal })).size) return emptyBody();
      throw new ConnectorError('transient', `Dropbox refused bytes ${start}-${end ?? ''} of ${path}; try again`);
    }
    // Dropbox honours Range with 206; a 200 to a range that is not the whole file would hand out wrong bytes.
    if (opts?.range && res.status === 200 && (start > 0 || end !== undefined)) {
      await discard(res);
      throw new ConnectorError('transient', `Dropbox ignored the byte range asked for ${path}; try again`);
    }
    return bodyOf(res, 0, Infinity, (e) => classify(e, path, signal));
  }

  async write(path: string, body: Readable, info: WriteInfo, opts?: CallOptions): Promise<Entry> {
    checkPath(path);
    if (path === '') throw new ConnectorError('invalid_name', 'Cannot write a file over the root folder.');
    const signal = opts?.signal;
    try {
      throwIfAborted(signal);
      // No folder calls: upload and finish create missing parents themselves.
      const upload = { client: this.client, path, target: this.dropboxPath(path), info, source: new ByteReader(body, path, signal), chunkBytes: this.chunkBytes, signal };
      const meta = info.size <= this.simpleMax ? await uploadSimple(upload) : await uploadInSession(upload);
      return toEntry(meta, path);
    } catch (e) {
      body.destroy();
      throw classify(e, path, signal);
    }
  }

  async remove(path: string, opts?: CallOptions): Promise<void> {
    checkPath(path);
    const e = await this.stat(path, opts);
    if (e.isDir) throw new ConnectorError('is_directory', `${path} is a folder.`);
    await this.delete(path, opts?.signal);
  }

  async rmdir(path: string, opts?: CallOptions): Promise<void> {
    checkPath(path);
    if (this.dropboxPath(path) === '') throw new ConnectorError('permission_denied', 'The root folder cannot be removed.');
    const e = await this.stat(path, opts);
    if (!e.isDir) throw new ConnectorError('fatal', `${path} is a file, not a folder.`);
    await this.delete(path, opts?.signal);
  }

  private async delete(path: string, signal?: AbortSignal): Promise<void> {
    await discard(await this.client.call('files/delete_v2', { path, signal, arg: { path: this.dropboxPath(path) } }));
  }

  async mkdir(path: string, opts?: CallOptions): Promise<void> {
    checkPath(path);
    if (this.dropboxPath(path) === '') return;
    try {
      await discard(await this.client.call('files/create_folder_v2', { path, signal: opts?.signal, arg: { path: this.dropboxPath(path), autorename: false } }));
    } catch (e) {
      const f = failureOf(e);
      if (f?.has('conflict') && f.has('folder')) return; // there already: mkdir succeeds
      if (f?.has('conflict')) throw new ConnectorError('already_exists', `${path} (or a folder above it) is a file, so no folder can be created there.`, undefined, { cause: e });
      throw e;
    }
  }

  /** move_v2 keeps the id and moves no bytes; it never replaces, so a file in the way goes first. */
  async move(from: string, to: string, opts?: CallOptions): Promise<Entry> {
    checkPath(from);
    checkPath(to);
    if (this.dropboxPath(from) === '' || this.dropboxPath(to) === '') throw new ConnectorError('invalid_name', 'The root folder cannot be moved or replaced.');
    const signal = opts?.signal;
    const arg = { from_path: this.dropboxPath(from), to_path: this.dropboxPath(to), autorename: false, allow_ownership_transfer: false };
    for (let attempt = 0; ; attempt++) {
      try {
        const { metadata } = await this.client.json<{ metadata: DropboxMetadata }>('files/move_v2', { path: to, signal, arg });
        return toEntry(metadata, to);
      } catch (e) {
        const f = failureOf(e);
        if (f?.has('from_lookup') && f.has('not_found')) throw new ConnectorError('not_found', `${from} does not exist on Dropbox`, undefined, { cause: e });
        if (attempt > 0 || !(f?.has('to') && f.has('conflict') && f.has('file'))) throw e;
        await this.delete(to, signal);
      }
    }
  }

  /** The content_hash Dropbox reports, from listings where many files share a folder. */
  hashMany(paths: string[], type: HashType, opts?: CallOptions): Promise<Map<string, string>> {
    if (type !== 'dropbox') throw new ConnectorError('fatal', `Dropbox reports its own content_hash only, not ${type}.`);
    return hashesOf(this, paths, opts?.signal);
  }

  async quota(opts?: CallOptions): Promise<Quota> {
    const u = await this.client.json<SpaceUsage>('users/get_space_usage', { path: '', signal: opts?.signal });
    const a = u.allocation;
    if (a['.tag'] === 'individual') return { total: a.allocated ?? null, used: u.used, free: a.allocated !== undefined ? Math.max(0, a.allocated - u.used) : null };
    if (a['.tag'] === 'team') {
      // The team's pool, narrowed by a per-member limit when the admin set one.
      let free = Math.max(0, (a.allocated ?? 0) - (a.used ?? u.used));
      const own = a.user_within_team_space_allocated ?? 0;
      if (own > 0) free = Math.min(free, Math.max(0, own - (a.user_within_team_space_used_cached ?? u.used)));
      return { total: a.allocated ?? null, used: u.used, free };
    }
    return { total: null, used: u.used, free: null };
  }

  async account(opts?: CallOptions): Promise<AccountInfo> {
    const a = await this.client.json<{ account_id: string; email?: string; name?: { display_name?: string } }>('users/get_current_account', { path: '', signal: opts?.signal });
    return { name: a.name?.display_name ?? a.email ?? a.account_id, email: a.email, id: a.account_id };
  }

  async close(): Promise<void> {
    // Nothing held: no folder cache, no open sessions (an unfinished one expires on Dropbox's side).
  }
}

interface SpaceUsage {
  used: number;
  allocation: {
    '.tag': 'individual' | 'team' | string; allocated?: number; used?: number;
    user_within_team_space_allocated?: number; user_within_team_space_used_cached?: number;
  };
}
