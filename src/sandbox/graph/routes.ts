import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { ConflictBehavior, Drive, Item } from './drive.js';
import { deltaPage } from './delta.js';
import { GraphError, invalidRequest, notFound } from './errors.js';
import { readBody, readJson, sendJson } from './http.js';
import type { Sessions } from './sessions.js';

/** What the item routes need from the emulator around them. */
export interface RouteContext {
  drive: Drive;
  /** Absolute Graph base, e.g. http://127.0.0.1:PORT/v1.0, for nextLink and deltaLink. */
  apiBase: string;
  /** Absolute origin for uploadUrl and download URLs. */
  origin: string;
  appName: string;
  pageSize: number;
  maxSimpleUpload: number;
  sessions: Sessions;
  downloads: Map<string, { content: Buffer; expiresAt: number }>;
}

const BEHAVIORS = ['fail', 'replace', 'rename'];
const MAX_TOP = 1000;
const DOWNLOAD_LIFETIME_MS = 60 * 60 * 1000;

function behaviorOf(value: unknown, fallback: ConflictBehavior): ConflictBehavior {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !BEHAVIORS.includes(value)) throw invalidRequest(`"${String(value)}" is not a conflict behaviour (fail, replace or rename).`);
  return value as ConflictBehavior;
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidRequest(`"${raw}" is not a valid percent-encoded path segment.`, 'invalidPath');
  }
}

function topOf(url: URL, fallback: number): number {
  const raw = url.searchParams.get('$top');
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw invalidRequest('$top must be a positive integer.');
  return Math.min(n, MAX_TOP);
}

/**
 * Item routes below a drive: `rest` is what follows /drives/{d} (still percent-encoded), with
 * the base item (root, items/{id}, special/approot), an optional `:/path:` and a sub-resource.
 */
export async function routeItems(ctx: RouteContext, rest: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const m = /^\/(root|items\/([^/:]+)|special\/approot)(.*)$/.exec(rest);
  if (!m) throw invalidRequest(`Unsupported resource: ${rest}`);
  const { drive } = ctx;
  // items/root is Graph's alias of the root item.
  const id = m[2] ? decodeSegment(m[2]) : undefined;
  const base = m[1] === 'root' || id === 'root' ? drive.get(drive.rootId) : id ? drive.get(id) : drive.approot(ctx.appName);
  let after = m[3]!;
  let segments: string[] = [];
  if (after.startsWith(':')) {
    const close = after.indexOf(':', 1);
    const raw = close < 0 ? after.slice(1) : after.slice(1, close);
    segments = raw.split('/').filter((s) => s !== '').map(decodeSegment);
    after = close < 0 ? '' : after.slice(close + 1);
  }
  const method = req.method ?? 'GET';
  const resolve = () => drive.resolve(base, segments);
  /** The parent and name a path-addressed upload goes to; the parent must exist already. */
  const target = (): { parent: Item; name: string } => {
    if (segments.length === 0) {
      if (base.folder) throw invalidRequest('Upload to a folder needs a file name.');
      return { parent: drive.get(base.parentId!), name: base.name };
    }
    const parent = drive.resolve(base, segments.slice(0, -1));
    if (!parent.folder) throw notFound();
    return { parent, name: segments.at(-1)! };
  };

  switch (`${method} ${after}`) {
    case 'GET ':
      return sendJson(res, 200, drive.toJson(resolve()));
    case 'DELETE ':
      drive.remove(resolve());
      res.writeHead(204).end();
      return;
    case 'PATCH ':
      return patch(ctx, resolve(), await readJson(req), url, res);
    case 'GET /children':
      return children(ctx, resolve(), url, res);
    case 'POST /children': {
      const parent = resolve();
      const body = await readJson(req);
      if (typeof body.name !== 'string' || !body.folder) throw invalidRequest('A folder needs a "name" and a "folder" facet.');
      const folder = drive.createFolder(parent, body.name, behaviorOf(body['@microsoft.graph.conflictBehavior'], 'replace'));
      return sendJson(res, 201, drive.toJson(folder));
    }
    case 'GET /content': {
      const item = resolve();
      if (item.folder) throw notFound('A folder has no content to download.');
      // Like the service: a redirect to a short-lived, pre-authenticated URL that takes no token.
      const token = randomBytes(24).toString('base64url');
      ctx.downloads.set(token, { content: item.content, expiresAt: Date.now() + DOWNLOAD_LIFETIME_MS });
      res.writeHead(302, { Location: `${ctx.origin}/download/${token}`, 'Content-Length': 0 }).end();
      return;
    }
    case 'PUT /content': {
      const { parent, name } = target();
      const body = await readBody(req, ctx.maxSimpleUpload);
      if (!body) return; // the client went away; a simple upload is all or nothing
      // A simple PUT always replaces (docs/providers/onedrive.md, "Uploads"), whatever the query says.
      const { item } = drive.putFile(parent, name, body, 'replace');
      return sendJson(res, 201, drive.toJson(item));
    }
    case 'POST /createUploadSession': {
      const { parent, name } = target();
      const body = await readJson(req);
      return sendJson(res, 200, ctx.sessions.create(drive, parent, name, body, `${ctx.origin}/upload`));
    }
    case 'GET /delta': {
      const folder = resolve();
      const isRoot = folder.id === drive.rootId;
      if (drive.business && !isRoot) throw new GraphError(501, 'notSupported', 'view.delta can only be called on the root.');
      const self = isRoot ? `${ctx.apiBase}/drives/${drive.id}/root/delta` : `${ctx.apiBase}/drives/${drive.id}/items/${folder.id}/delta`;
      const top = url.searchParams.has('$top') ? topOf(url, ctx.pageSize) : null;
      const page = deltaPage(drive, folder, url.searchParams.get('token'), top, ctx.pageSize, self);
      const out: Record<string, unknown> = { value: page.value };
      if (page.nextLink) out['@odata.nextLink'] = page.nextLink;
      if (page.deltaLink) out['@odata.deltaLink'] = page.deltaLink;
      return sendJson(res, 200, out);
    }
    default:
      throw invalidRequest(`${method} is not supported on ${after || 'an item'}.`);
  }
}

/** Children sorted by name; $skiptoken holds the last name sent, so paging survives changes. */
function children(ctx: RouteContext, folder: Item, url: URL, res: ServerResponse): void {
  const { drive } = ctx;
  if (!folder.folder) return sendJson(res, 200, { value: [] });
  const top = topOf(url, ctx.pageSize);
  const after = url.searchParams.get('$skiptoken');
  const from = after ? Buffer.from(after, 'base64url').toString('utf8') : null;
  const keys = [...folder.children.keys()].sort().filter((k) => from === null || k > from);
  const page = keys.slice(0, top);
  const body: Record<string, unknown> = { value: page.map((k) => drive.toJson(drive.items.get(folder.children.get(k)!)!)) };
  if (keys.length > top) {
    const token = Buffer.from(page.at(-1)!, 'utf8').toString('base64url');
    body['@odata.nextLink'] = `${ctx.apiBase}/drives/${drive.id}/items/${folder.id}/children?$top=${top}&$skiptoken=${token}`;
  }
  sendJson(res, 200, body);
}

/** Rename, move (parentReference.id) and fileSystemInfo; conflicts fail unless told otherwise. */
function patch(ctx: RouteContext, item: Item, body: Record<string, unknown>, url: URL, res: ServerResponse): void {
  const { drive } = ctx;
  const behavior = behaviorOf(body['@microsoft.graph.conflictBehavior'] ?? url.searchParams.get('@microsoft.graph.conflictBehavior') ?? undefined, 'fail');
  const ref = body.parentReference as { id?: string } | undefined;
  const parent = ref?.id ? drive.get(ref.id) : item.parentId ? drive.get(item.parentId) : item;
  const name = typeof body.name === 'string' ? body.name : item.name;
  if (ref?.id || name !== item.name) {
    if (!parent.folder) throw invalidRequest('The new parent is not a folder.');
    drive.move(item, parent, name, behavior);
  }
  const fs = body.fileSystemInfo as { lastModifiedDateTime?: string } | undefined;
  if (fs?.lastModifiedDateTime) {
    item.fsModifiedAt = fs.lastModifiedDateTime;
    drive.touch(item);
  }
  sendJson(res, 200, drive.toJson(item));
}
