import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { changesPage, pageSizeOf, startPageToken } from './changes.js';
import { badRequest, DriveError, invalidParameter } from './errors.js';
import { fieldsOf, project } from './fields.js';
import { readJson, sendContent, sendJson } from './http.js';
import { applyUpdate, forCreate, parseMetadata } from './metadata.js';
import { parseQuery } from './query.js';
import type { DriveStore } from './store.js';
import { commit, readMultipart, type ResumableSessions } from './uploads.js';

/** What the routes need from the emulator around them. */
export interface RouteContext {
  store: DriveStore;
  /** Absolute origin, for session URIs. */
  origin: string;
  /** Default pageSize of files.list and changes.list; Drive's is 100. */
  pageSize: number;
  sessions: ResumableSessions;
}

/** What Drive returns when a request names no `fields`. */
const DEFAULT_FILE = 'kind,id,name,mimeType';
const DEFAULT_LIST = `kind,nextPageToken,incompleteSearch,files(${DEFAULT_FILE})`;
const DEFAULT_CHANGES = `kind,nextPageToken,newStartPageToken,changes(kind,changeType,time,removed,fileId,file(${DEFAULT_FILE}))`;

function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidParameter('fileId');
  }
}

/** The /drive/v3 metadata API: files, about and changes. */
export async function routeApi(ctx: RouteContext, rest: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { store } = ctx;
  const method = req.method ?? 'GET';
  const file = /^\/files\/([^/]+)$/.exec(rest);
  switch (file ? `${method} /files/{id}` : `${method} ${rest}`) {
    case 'GET /files':
      return sendJson(res, 200, project(listFiles(ctx, url), fieldsOf(url, DEFAULT_LIST)));
    case 'POST /files': {
      // Metadata only: a folder, or an empty file. Content goes through /upload.
      const created = store.create(forCreate(parseMetadata(await readJson(req))), null);
      return sendJson(res, 200, project(store.toJson(created), fieldsOf(url, DEFAULT_FILE)));
    }
    case 'GET /files/{id}': {
      const f = store.get(decodeId(file![1]!));
      if (url.searchParams.get('alt') !== 'media') return sendJson(res, 200, project(store.toJson(f), fieldsOf(url, DEFAULT_FILE)));
      if (!f.content) throw new DriveError(403, 'fileNotDownloadable', 'Only files with binary content can be downloaded. Use Export with Docs Editors files.');
      return sendContent(res, f.content, req.headers.range, f.mimeType);
    }
    case 'PATCH /files/{id}': {
      const f = applyUpdate(store, store.get(decodeId(file![1]!)), parseMetadata(await readJson(req)), url);
      return sendJson(res, 200, project(store.toJson(f), fieldsOf(url, DEFAULT_FILE)));
    }
    case 'DELETE /files/{id}':
      store.delete(store.get(decodeId(file![1]!)));
      res.writeHead(204).end();
      return;
    case 'GET /about':
      return sendJson(res, 200, project(about(store), requiredFields(url)));
    case 'GET /changes/startPageToken':
      return sendJson(res, 200, { kind: 'drive#startPageToken', startPageToken: startPageToken(store) });
    case 'GET /changes':
      return sendJson(res, 200, project(changesPage(store, url, ctx.pageSize), fieldsOf(url, DEFAULT_CHANGES)));
    default:
      throw new DriveError(404, 'notFound', `${method} ${rest} is not a Drive v3 method the emulator knows.`);
  }
}

/** about.get answers 400 without `fields`, as Drive does. */
function requiredFields(url: URL) {
  if (!url.searchParams.get('fields')) throw new DriveError(400, 'required', "The 'fields' parameter is required for this method.", 'global', {}, { locationType: 'parameter', location: 'fields' });
  return fieldsOf(url, '');
}

function about(store: DriveStore): Record<string, unknown> {
  const { usage, trash } = store.usage();
  const storageQuota: Record<string, string> = { usage: String(usage), usageInDrive: String(usage), usageInDriveTrash: String(trash) };
  if (store.quotaBytes !== null) storageQuota.limit = String(store.quotaBytes);
  const permissionId = createHash('sha256').update(store.owner).digest('hex').slice(0, 20);
  return {
    kind: 'drive#about',
    user: { kind: 'drive#user', displayName: store.owner, emailAddress: `${store.owner}@example.com`, permissionId, me: true },
    storageQuota,
  };
}

/** files.list: the `q` subset, oldest first; the page token is the last creation number sent. */
function listFiles(ctx: RouteContext, url: URL): Record<string, unknown> {
  const { store } = ctx;
  // Creation order is createdTime order here (the store's clock never repeats), Drive's orderBy=createdTime.
  const orderBy = url.searchParams.get('orderBy');
  if (orderBy !== null && orderBy !== 'createdTime') throw invalidParameter('orderBy', 'The emulator sorts by createdTime only.');
  const matches = parseQuery(url.searchParams.get('q'), store.rootId);
  const size = pageSizeOf(url, ctx.pageSize);
  const token = url.searchParams.get('pageToken');
  const after = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(after) || after < 0) throw invalidParameter('pageToken');
  const all = [...store.files.values()].filter((f) => f.id !== store.rootId && f.ordinal > after && matches(f)).sort((a, b) => a.ordinal - b.ordinal);
  const page = all.slice(0, size);
  const out: Record<string, unknown> = { kind: 'drive#fileList', incompleteSearch: false, files: page.map((f) => store.toJson(f)) };
  if (all.length > size) out.nextPageToken = Buffer.from(String(page.at(-1)!.ordinal)).toString('base64url');
  return out;
}

/** /upload/drive/v3/files[/{id}]: multipart uploads and the start of resumable ones (docs/providers/google-drive.md, "Uploads"). */
export async function routeUpload(ctx: RouteContext, rest: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const m = /^\/files(?:\/([^/]+))?$/.exec(rest);
  if (!m) throw new DriveError(404, 'notFound', `${rest} is not an upload address.`);
  const fileId = m[1] ? decodeId(m[1]) : undefined;
  const method = req.method ?? 'POST';
  if (method !== (fileId ? 'PATCH' : 'POST')) throw badRequest(fileId ? 'Updates of content use PATCH.' : 'New files are uploaded with POST.');
  const fields = fieldsOf(url, DEFAULT_FILE);
  switch (url.searchParams.get('uploadType')) {
    case 'multipart': {
      const parts = await readMultipart(req);
      if (!parts) return; // the client went away; a multipart upload is all or nothing
      const { file } = commit(ctx.store, { fileId, meta: parts.meta, url }, parts.media);
      return sendJson(res, 200, project(ctx.store.toJson(file), fields));
    }
    case 'resumable': {
      const meta = parseMetadata(await readJson(req));
      const id = ctx.sessions.start(ctx.store, { fileId, meta, url }, req, fields);
      const session = new URL(`${ctx.origin}/upload/drive/v3/files${fileId ? `/${encodeURIComponent(fileId)}` : ''}`);
      session.searchParams.set('uploadType', 'resumable');
      session.searchParams.set('upload_id', id);
      res.writeHead(200, { Location: session.toString(), 'Content-Length': 0 }).end();
      return;
    }
    default:
      throw invalidParameter('uploadType', 'The emulator takes uploadType=multipart or uploadType=resumable.');
  }
}
