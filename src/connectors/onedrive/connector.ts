import { Readable } from 'node:stream';
import {
  checkPath, ConnectorError, isConnectorError, joinPath, splitPath,
  type AccountInfo, type CallOptions, type Capabilities, type ChangePage, type Entry, type HashType, type Quota, type ReadOptions,
  type StorageConnector, type TokenSource, type WriteInfo,
} from '../connector.js';
import type { NameRules } from '../../domain/names.js';
import { throwIfAborted } from '../kit/abort.js';
import { PathIdCache } from '../kit/path-cache.js';
import { colonPath, encodeSegment, GraphClient } from './client.js';
import { classify } from './errors.js';
import { graphFeedSource, probeMode } from './feed.js';
import { toEntry, type DriveItem, type DriveItemPage } from './items.js';
import { ByteReader } from '../kit/byte-reader.js';
import { bodyOf, discard, emptyBody } from '../kit/response-body.js';
import { treeFeedPage } from '../kit/tree-feed.js';
import { FRAGMENT_BYTES, FRAGMENT_MULTIPLE, uploadInSession } from './upload.js';

export const ONEDRIVE_NAMES: NameRules = { set: 'windows', caseInsensitive: true, maxComponentBytes: 255 };
/** Older Graph docs and rclone cap simple uploads at 4 MiB; larger files go through a session. */
export const SIMPLE_UPLOAD_MAX = 4 * 1024 * 1024;
const LIST_PAGE = 1000;
const HASH_PARALLEL = 4;

export interface OneDriveOptions {
  baseUrl: string;
  /** Default: the signed-in user's drive (/me/drive). */
  driveId?: string;
  /** The drive's root, or the app folder (/special/approot) that Files.ReadWrite.AppFolder reaches. */
  location: 'drive' | 'approot';
  /** Folder below that location, "/"-separated; created on first write. */
  root: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
  /** Fragment size of upload sessions; a multiple of 320 KiB. */
  fragmentBytes?: number;
  /** $top of children listings; Graph's default is 200, rclone asks for 1000. */
  listPageSize?: number;
  /** $top of the change feed's delta pages and listings; default 1000. */
  feedPageSize?: number;
}


/** OneDrive (Personal and Business) through Microsoft Graph, addressed by item id and colon paths. */
export class OneDriveConnector implements StorageConnector {
  readonly kind = 'onedrive';
  readonly capabilities: Capabilities = {
    hashes: ['quickxor'], names: ONEDRIVE_NAMES, serverSideMove: true,
    maxSimpleUpload: SIMPLE_UPLOAD_MAX, chunk: { multipleOf: FRAGMENT_MULTIPLE, maxBytes: FRAGMENT_BYTES }, changeFeed: true,
  };
  private readonly graph: GraphClient;
  private readonly rootSegments: string[];
  /** Folder ids by path relative to the location ("" is the location itself, not our root). */
  private readonly folders = new PathIdCache(true);
  private base: Promise<{ driveId: string; baseId: string }> | null = null;
  private readonly staleSessions = new Map<string, string>();

  constructor(private readonly opts: OneDriveOptions) {
    if (opts.fragmentBytes !== undefined && (opts.fragmentBytes <= 0 || opts.fragmentBytes % FRAGMENT_MULTIPLE !== 0)) {
      throw new ConnectorError('fatal', 'The OneDrive fragment size must be a positive multiple of 320 KiB.');
    }
    this.graph = new GraphClient({ baseUrl: opts.baseUrl, tokens: opts.tokens, fetch: opts.fetch });
    this.rootSegments = opts.root.split('/').filter((s) => s !== '');
  }

  /** The drive id and the id of the location, looked up once. */
  private locate(signal?: AbortSignal): Promise<{ driveId: string; baseId: string }> {
    this.base ??= (async () => {
      const driveId = this.opts.driveId
        ?? (await this.graph.json<{ id: string }>('GET', '/me/drive', { path: '', signal, expect: [200] })).id;
      const where = this.opts.location === 'approot' ? 'special/approot' : 'root';
      const base = await this.graph.json<DriveItem>('GET', `/drives/${encodeSegment(driveId)}/${where}`, { path: '', signal, expect: [200] });
      return { driveId, baseId: base.id };
    })();
    return this.base.catch((e) => { this.base = null; throw e; });
  }

  /** Path below the location, root folder included. */
  private full(path: string): string {
    return joinPath(...this.rootSegments, ...(path ? path.split('/') : []));
  }

  private async itemUrl(path: string, signal?: AbortSignal): Promise<string> {
    const { driveId, baseId } = await this.locate(signal);
    const full = this.full(path);
    return `/drives/${encodeSegment(driveId)}/items/${encodeSegment(baseId)}${colonPath(full ? full.split('/') : [])}`;
  }

  private async item(path: string, signal?: AbortSignal): Promise<DriveItem> {
    return this.graph.json<DriveItem>('GET', await this.itemUrl(path, signal), { path, signal, expect: [200] });
  }

  /** Creates `dir` and every missing folder above it (our root included); returns its id. */
  private async ensureDir(dir: string, signal?: AbortSignal): Promise<string> {
    const { driveId, baseId } = await this.locate(signal);
    const drive = `/drives/${encodeSegment(driveId)}`;
    return this.folders.ensure(this.full(dir), baseId, async (parentId, name, level) => {
      try {
        // "fail", then look it up on 409: never "replace" (it would empty an existing folder) nor "rename".
        const made = await this.graph.json<DriveItem>('POST', `${drive}/items/${encodeSegment(parentId)}/children`, {
          path: level, expect: [200, 201], json: { name, folder: {}, '@microsoft.graph.conflictBehavior': 'fail' },
        });
        return made.id;
      } catch (e) {
        if (!isConnectorError(e, 'already_exists')) {
          if (isConnectorError(e, 'not_found')) this.folders.forget(level);
          throw isConnectorError(e, 'not_found') ? new ConnectorError('transient', `A folder above ${level} disappeared; try again`, undefined, { cause: e }) : e;
        }
        const found = await this.graph.json<DriveItem>('GET', `${drive}/items/${encodeSegment(parentId)}${colonPath([name])}`, { path: level, expect: [200] });
        if (!found.folder) throw new ConnectorError('already_exists', `${level} is a file, so no folder can be created there.`);
        return found.id;
      }
    }, signal);
  }

  async *list(dir: string, opts?: CallOptions): AsyncIterable<Entry> {
    checkPath(dir);
    const signal = opts?.signal;
    throwIfAborted(signal);
    const folder = await this.item(dir, signal);
    if (!folder.folder) throw new ConnectorError('not_found', `${dir || 'The root folder'} is not a folder.`);
    this.folders.set(this.full(dir), folder.id);
    const { driveId } = await this.locate(signal);
    let next: string | undefined = `/drives/${encodeSegment(driveId)}/items/${encodeSegment(folder.id)}/children?$top=${this.opts.listPageSize ?? LIST_PAGE}`;
    while (next) {
      throwIfAborted(signal);
      const page: DriveItemPage = await this.graph.json<DriveItemPage>('GET', next, { path: dir, signal, expect: [200] });
      for (const item of page.value) if (!item.package) yield toEntry(item, joinPath(dir, item.name));
      // Followed verbatim, as Graph asks.
      next = page['@odata.nextLink'];
    }
  }

  /** One page of a folder for folder browsers; the token is Graph's nextLink, accepted only on Graph's own address. */
  async listPage(dir: string, page: { pageToken?: string; pageSize?: number }, opts?: CallOptions): Promise<{ entries: Entry[]; nextPageToken: string | null }> {
    checkPath(dir);
    const signal = opts?.signal;
    let url: string;
    if (page.pageToken) {
      // A token that points elsewhere would carry our bearer token there.
      if (!page.pageToken.startsWith(this.graph.url('/'))) throw new ConnectorError('invalid_name', 'This page token does not belong to this folder listing; list the folder again.');
      url = page.pageToken;
    } else {
      const folder = await this.item(dir, signal);
      if (!folder.folder) throw new ConnectorError('not_found', `${dir || 'The root folder'} is not a folder.`);
      const { driveId } = await this.locate(signal);
      const top = Math.min(Math.max(page.pageSize ?? 200, 1), LIST_PAGE);
      url = `/drives/${encodeSegment(driveId)}/items/${encodeSegment(folder.id)}/children?$top=${top}`;
    }
    const got = await this.graph.json<DriveItemPage>('GET', url, { path: dir, signal, expect: [200] });
    return {
      entries: got.value.filter((item) => !item.package).map((item) => toEntry(item, joinPath(dir, item.name))),
      nextPageToken: got['@odata.nextLink'] ?? null,
    };
  }

  /** Graph delta over the tree below `dir` (feed.ts): folder delta where the drive has it, else filtered root delta. */
  async changes(dir: string, cursor: string | null, opts?: CallOptions): Promise<ChangePage> {
    checkPath(dir);
    const signal = opts?.signal;
    return treeFeedPage({
      kind: this.kind, dir, cursor,
      open: async (known) => {
        const { driveId } = await this.locate(signal);
        const deps = { graph: this.graph, driveId, pageSize: this.opts.feedPageSize ?? LIST_PAGE };
        if (known) return graphFeedSource(deps, known.rootId, known.mode === 'folder' ? 'folder' : 'root', dir);
        const folder = await this.item(dir, signal);
        if (!folder.folder) throw new ConnectorError('not_found', `${dir || 'The root folder'} is not a folder.`);
        return graphFeedSource(deps, folder.id, await probeMode(deps, folder, dir, signal), dir);
      },
    }, opts);
  }

  /** The drive's owner, from /me/drive: Files.ReadWrite suffices, no User.Read scope needed. */
  async account(opts?: CallOptions): Promise<AccountInfo> {
    const drive = await this.graph.json<{ owner?: { user?: { id?: string; displayName?: string; email?: string } } }>(
      'GET', '/me/drive', { path: '', signal: opts?.signal, expect: [200] });
    const user = drive.owner?.user;
    return { name: user?.displayName ?? user?.email ?? 'OneDrive account', ...(user?.email && { email: user.email }), ...(user?.id && { id: user.id }) };
  }

  async stat(path: string, opts?: CallOptions): Promise<Entry> {
    checkPath(path);
    throwIfAborted(opts?.signal);
    return toEntry(await this.item(path, opts?.signal), path);
  }

  async read(path: string, opts?: ReadOptions): Promise<Readable> {
    checkPath(path);
    const signal = opts?.signal;
    throwIfAborted(signal);
    const start = opts?.range?.start ?? 0;
    const end = opts?.range?.end;
    const file = async () => {
      const e = await this.stat(path, { signal });
      if (e.isDir) throw new ConnectorError('is_directory', `${path} is a folder.`);
      return e;
    };
    if (end !== undefined && end <= start) { await file(); return emptyBody(); }
    let res: Response;
    try {
      res = await this.graph.request('GET', `${await this.itemUrl(path, signal)}/content`, { path, signal, expect: [200, 302] });
    } catch (e) {
      if (isConnectorError(e, 'not_found')) await file(); // a folder says so; a missing file stays not_found
      throw e;
    }
    const headers: Record<string, string> = {};
    if (opts?.range) headers.Range = `bytes=${start}-${end !== undefined ? end - 1 : ''}`;
    if (res.status === 302) {
      const location = res.headers.get('location');
      await discard(res);
      if (!location) throw new ConnectorError('transient', `OneDrive gave no download address for ${path}; try again`);
      // The download URL is pre-authenticated: no bearer token goes there.
      res = await this.graph.request('GET', location, { path, signal, auth: false, headers, expect: [200, 206, 416] });
    } else if (opts?.range) {
      await discard(res);
      res = await this.graph.request('GET', `${await this.itemUrl(path, signal)}/content`, { path, signal, headers, expect: [200, 206, 416] });
    }
    if (res.status === 416) {
      await discard(res);
      if (start >= (await file()).size) return emptyBody();
      throw new ConnectorError('transient', `OneDrive refused bytes ${start}-${end ?? ''} of ${path}; try again`);
    }
    // A server that ignores Range answers 200 with everything: skip and trim here instead.
    const skip = res.status === 200 ? start : 0;
    return bodyOf(res, skip, end !== undefined ? end - start : Infinity, (e) => classify(e, path, signal));
  }

  async write(path: string, body: Readable, info: WriteInfo, opts?: CallOptions): Promise<Entry> {
    checkPath(path);
    if (path === '') throw new ConnectorError('invalid_name', 'Cannot write a file over the root folder.');
    const signal = opts?.signal;
    const [dir, name] = splitPath(path);
    try {
      throwIfAborted(signal);
      const parentId = await this.ensureDir(dir, signal);
      const { driveId } = await this.locate(signal);
      const at = `/drives/${encodeSegment(driveId)}/items/${encodeSegment(parentId)}${colonPath([name])}`;
      const reader = new ByteReader(body, path, signal);
      let item: DriveItem;
      if (info.size <= SIMPLE_UPLOAD_MAX) {
        // Read whole (at most 4 MiB) so a 401 can be answered by refreshing and sending again.
        const data = await reader.exactly(info.size);
        // A simple PUT always replaces and is atomic: a failed one leaves nothing.
        item = await this.graph.json<DriveItem>('PUT', `${at}/content`, {
          path, signal, body: data, expect: [200, 201], headers: { 'Content-Type': 'application/octet-stream' },
        });
      } else {
        item = await uploadInSession({
          client: this.graph, createUrl: `${at}/createUploadSession`, path, size: info.size, modifiedAt: info.modifiedAt,
          reader, signal, fragmentBytes: this.opts.fragmentBytes, stale: this.staleSessions, staleKey: `${parentId}/${name.toLowerCase()}`,
        });
      }
      return toEntry(item, path);
    } catch (e) {
      body.destroy();
      const err = classify(e, path, signal);
      if (err.kind === 'not_found') {
        // Our cached parent vanished behind our back: forget it, and the retry recreates it.
        this.folders.forget(this.full(dir));
        throw new ConnectorError('transient', `The folder of ${path} disappeared during the write; try again`, undefined, { cause: e });
      }
      throw err;
    }
  }

  async remove(path: string, opts?: CallOptions): Promise<void> {
    checkPath(path);
    const item = await this.item(path, opts?.signal);
    if (item.folder) throw new ConnectorError('is_directory', `${path} is a folder.`);
    await this.deleteItem(item.id, path, opts?.signal);
  }

  async rmdir(path: string, opts?: CallOptions): Promise<void> {
    checkPath(path);
    if (path === '') throw new ConnectorError('permission_denied', 'The root folder cannot be removed.');
    const item = await this.item(path, opts?.signal);
    if (!item.folder) throw new ConnectorError('fatal', `${path} is a file, not a folder.`);
    this.folders.forget(this.full(path));
    await this.deleteItem(item.id, path, opts?.signal);
  }

  private async deleteItem(id: string, path: string, signal?: AbortSignal): Promise<void> {
    const { driveId } = await this.locate(signal);
    await discard(await this.graph.request('DELETE', `/drives/${encodeSegment(driveId)}/items/${encodeSegment(id)}`, { path, signal, expect: [204] }));
  }

  async mkdir(path: string, opts?: CallOptions): Promise<void> {
    checkPath(path);
    await this.ensureDir(path, opts?.signal);
  }

  /** PATCH of parentReference and name; the id stays, no bytes move. */
  async move(from: string, to: string, opts?: CallOptions): Promise<Entry> {
    checkPath(from);
    checkPath(to);
    if (from === '' || to === '') throw new ConnectorError('invalid_name', 'The root folder cannot be moved or replaced.');
    const signal = opts?.signal;
    const source = await this.item(from, signal);
    const [dir, name] = splitPath(to);
    const parentId = await this.ensureDir(dir, signal);
    const { driveId } = await this.locate(signal);
    if (source.folder) this.folders.forget(this.full(from));
    const moved = await this.graph.json<DriveItem>('PATCH', `/drives/${encodeSegment(driveId)}/items/${encodeSegment(source.id)}?@microsoft.graph.conflictBehavior=replace`, {
      path: to, signal, expect: [200], json: { parentReference: { id: parentId }, name },
    });
    return toEntry(moved, to);
  }

  /** The quickXorHash OneDrive itself reports for each file; missing files and folders are left out. */
  async hashMany(paths: string[], type: HashType, opts?: CallOptions): Promise<Map<string, string>> {
    if (type !== 'quickxor') throw new ConnectorError('fatal', `OneDrive reports quickxor hashes only, not ${type}.`);
    const out = new Map<string, string>();
    let next = 0;
    const worker = async () => {
      while (next < paths.length) {
        const path = paths[next++]!;
        throwIfAborted(opts?.signal);
        let item: DriveItem;
        try {
          item = await this.item(path, opts?.signal);
        } catch (e) {
          if (isConnectorError(e, 'not_found')) continue;
          throw e;
        }
        if (item.folder) continue;
        const hash = item.file?.hashes?.quickXorHash;
        // Hashes can show up some time after the upload (docs/providers/onedrive.md, "Hashes").
        if (!hash) throw new ConnectorError('transient', `OneDrive has not computed the hash of ${path} yet; try again`);
        out.set(path, hash);
      }
    };
    await Promise.all(Array.from({ length: Math.min(HASH_PARALLEL, paths.length) }, worker));
    return out;
  }

  async quota(opts?: CallOptions): Promise<Quota> {
    const { driveId } = await this.locate(opts?.signal);
    const drive = await this.graph.json<{ quota?: { total?: number; used?: number; remaining?: number } }>(
      'GET', `/drives/${encodeSegment(driveId)}`, { path: '', signal: opts?.signal, expect: [200] });
    const q = drive.quota;
    // Some SharePoint libraries report all zeros: that means unknown, not full.
    if (!q || (!q.total && !q.used && !q.remaining)) return { total: null, used: null, free: null };
    return { total: q.total ?? null, used: q.used ?? null, free: q.remaining ?? null };
  }

  async close(): Promise<void> {
    this.folders.clear();
  }
}
