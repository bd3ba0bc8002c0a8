import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseRange, sendJsonBody as sendJson } from '../kit/http.js';
import { badRequest, endpoint, NamespaceError, u, type Union } from './errors.js';
import { decodeCursor, encodeCursor, folderAt, listPage, type CursorState } from './listing.js';
import type { Commit, Namespace, Node, WriteMode } from './namespace.js';
import { contentHash } from './content-hash.js';
import type { Sessions } from './sessions.js';

/** One authenticated call, its argument decoded (JSON body, or the Dropbox-API-Arg header). */
export interface Call {
  route: string;
  user: string;
  ns: Namespace;
  /** The root this token sees: the app folder or the whole Dropbox. */
  base: Node;
  view: string;
  arg: Record<string, unknown>;
  /** Content routes: the request body. */
  data: Buffer;
  sessions: Sessions;
  pageSize: number;
  team: boolean;
  /** The quotaFull fault: this request finds the account full. */
  full: boolean;
  req: IncomingMessage;
  res: ServerResponse;
}

/** How each route wraps the namespace's LookupError / WriteError in its own error union. */
const WRAP: Record<string, (e: NamespaceError) => Union> = {
  'files/get_metadata': (e) => u('path', e.reason),
  'files/list_folder': (e) => u('path', e.reason),
  'files/list_folder/get_latest_cursor': (e) => u('path', e.reason),
  'files/download': (e) => u('path', e.reason),
  'files/create_folder_v2': (e) => u('path', e.reason),
  'files/upload': (e) => u('path', { reason: e.reason, upload_session_id: '' }),
  'files/upload_session/finish': (e) => u('path', e.reason),
  'files/delete_v2': (e) => u(e.kind === 'lookup' ? 'path_lookup' : 'path_write', e.reason),
  'files/move_v2': (e) => (e.reason['.tag'] === 'cant_move_folder_into_itself' ? e.reason : u(e.kind === 'lookup' ? 'from_lookup' : 'to', e.reason)),
};

const PATH = /^(\/[\s\S]*|id:.+)?$/;

function pathArg(c: Call, field = 'path'): string {
  const raw = c.arg[field];
  if (typeof raw !== 'string' || !PATH.test(raw)) {
    throw badRequest(c.route, `request body: ${field}: '${String(raw)}' did not match pattern '(/(.|[\\r\\n])*)?|id:.*'`);
  }
  return raw;
}

/** "/a/b" -> ["a","b"]; "" -> []; an empty component ("//", trailing "/") is malformed. */
function segmentsOf(raw: string, kind: 'lookup' | 'write'): string[] {
  if (raw === '') return [];
  if (raw.startsWith('id:')) throw new NamespaceError(kind, u('malformed_path'));
  const parts = raw.slice(1).split('/');
  if (parts.some((p) => p === '')) throw new NamespaceError(kind, u('malformed_path'));
  return parts;
}

function lookup(c: Call, raw: string): Node {
  return raw.startsWith('id:') ? c.ns.findId(c.base, raw) : c.ns.find(c.base, segmentsOf(raw, 'lookup'));
}

function bool(c: Call, field: string, fallback = false): boolean {
  const v = c.arg[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw badRequest(c.route, `request body: ${field}: expected a boolean`);
  return v;
}

/** WriteMode: "add" | "overwrite" as bare strings or tagged objects, {".tag":"update","update":rev}. */
function modeOf(c: Call, raw: unknown): WriteMode {
  const tag = typeof raw === 'string' ? raw : (raw as Union | undefined)?.['.tag'] ?? 'add';
  if (tag === 'add' || tag === 'overwrite') return { tag };
  if (tag === 'update' && typeof (raw as Union).update === 'string') return { tag, rev: (raw as Union).update as string };
  throw badRequest(c.route, `request body: mode: unknown tag '${String(tag)}'`);
}

const CLIENT_MODIFIED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

function commitOf(c: Call, info: Record<string, unknown>): { segments: string[]; commit: Commit } {
  const cm = info.client_modified;
  if (cm !== undefined && (typeof cm !== 'string' || !CLIENT_MODIFIED.test(cm))) {
    throw badRequest(c.route, 'client_modified must be UTC to the second, like 2024-03-14T10:20:30Z');
  }
  const raw = pathArg({ ...c, arg: info });
  return {
    segments: segmentsOf(raw, 'write'),
    commit: {
      mode: modeOf(c, info.mode), autorename: bool({ ...c, arg: info }, 'autorename'), clientModified: cm as string | undefined,
      strictConflict: bool({ ...c, arg: info }, 'strict_conflict'), full: c.full,
    },
  };
}

/** The optional content_hash of this request's data. */
function checkHash(c: Call, wrap: (e: Union) => Union = (e) => e): void {
  const want = c.arg.content_hash;
  if (want !== undefined && want !== contentHash(c.data)) throw endpoint(wrap(u('content_hash_mismatch')), 'content_hash mismatch');
}

/** Header JSON must be ASCII: everything from U+007F up is sent as \uXXXX (docs/providers/dropbox.md, "Transport"). */
export const headerJson = (value: unknown) => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

const ROUTES: Record<string, (c: Call) => unknown> = {
  'files/get_metadata': (c) => {
    const raw = pathArg(c);
    if (raw === '') throw badRequest(c.route, 'request body: path: The root folder is unsupported.');
    return c.ns.metadata(lookup(c, raw), c.base);
  },
  'files/list_folder': (c) => {
    const limit = c.arg.limit ?? c.pageSize;
    if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > 2000) throw badRequest(c.route, 'request body: limit: must be 1..2000');
    const raw = pathArg(c);
    const folder = raw.startsWith('id:') ? c.ns.findId(c.base, raw) : folderAt(c.ns, c.base, segmentsOf(raw, 'lookup'));
    if (!folder.folder) throw new NamespaceError('lookup', u('not_folder'));
    const state: CursorState = {
      user: c.user, view: c.view, path: c.ns.metadata(folder, c.base).path_lower as string, recursive: bool(c, 'recursive'),
      limit: limit as number, seq: 0, floor: bool(c, 'include_deleted') ? 0 : c.ns.seq, epoch: c.ns.epoch,
    };
    return listPage(c.ns, c.base, state);
  },
  'files/list_folder/continue': (c) => listPage(c.ns, c.base, decodeCursor(c.arg.cursor, c.route, c.user, c.view)),
  'files/list_folder/get_latest_cursor': (c) => {
    const raw = pathArg(c);
    const folder = folderAt(c.ns, c.base, segmentsOf(raw, 'lookup'));
    const path = c.ns.metadata(folder, c.base).path_lower as string;
    return { cursor: encodeCursor({ user: c.user, view: c.view, path, recursive: bool(c, 'recursive'), limit: c.pageSize, seq: c.ns.seq, floor: c.ns.seq, epoch: c.ns.epoch }) };
  },
  'files/create_folder_v2': (c) => ({ metadata: c.ns.metadata(c.ns.createFolder(c.base, segmentsOf(pathArg(c), 'write'), bool(c, 'autorename')), c.base) }),
  'files/delete_v2': (c) => {
    const raw = pathArg(c);
    if (raw === '') throw new NamespaceError('lookup', u('not_found'));
    const n = lookup(c, raw);
    const metadata = c.ns.metadata(n, c.base);
    c.ns.remove(n);
    return { metadata };
  },
  'files/move_v2': (c) => {
    const from = pathArg(c, 'from_path');
    const to = pathArg(c, 'to_path');
    if (from === '') throw new NamespaceError('lookup', u('not_found'));
    return { metadata: c.ns.metadata(c.ns.move(c.base, lookup(c, from), segmentsOf(to, 'write'), bool(c, 'autorename')), c.base) };
  },
  'users/get_current_account': (c) => account(c.user),
  'users/get_space_usage': (c) => {
    const allocated = c.ns.quotaBytes;
    if (!c.team) return { used: c.ns.used, allocation: { '.tag': 'individual', allocated } };
    return {
      used: c.ns.used,
      allocation: {
        '.tag': 'team', used: c.ns.used, allocated, user_within_team_space_allocated: 0,
        user_within_team_space_limit_type: { '.tag': 'off' }, user_within_team_space_used_cached: c.ns.used,
      },
    };
  },
  'files/upload': (c) => {
    checkHash(c);
    const { segments, commit } = commitOf(c, c.arg);
    return c.ns.metadata(c.ns.commit(c.base, segments, c.data, commit), c.base);
  },
  'files/upload_session/start': (c) => {
    checkHash(c);
    return c.sessions.start(c.user, c.arg, c.data);
  },
  'files/upload_session/append_v2': (c) => {
    const s = c.sessions.lookup(c.user, c.arg.cursor, (e) => e, c.data.length);
    checkHash(c);
    c.sessions.add(s, c.data);
    if (c.arg.close === true) s.closed = true;
    return null;
  },
  'files/upload_session/finish': (c) => {
    const wrap = (e: Union) => u('lookup_failed', e);
    const s = c.sessions.lookup(c.user, c.arg.cursor, wrap, c.data.length);
    checkHash(c);
    const { segments, commit } = commitOf(c, (c.arg.commit ?? {}) as Record<string, unknown>);
    const content = Buffer.concat([c.sessions.content(s), c.data]);
    // A conflict at commit keeps the session, so that the client can finish it elsewhere.
    const node = c.ns.commit(c.base, segments, content, commit);
    c.sessions.expire(s.id);
    return c.ns.metadata(node, c.base);
  },
};

export const CONTENT_ROUTES = new Set(['files/upload', 'files/upload_session/start', 'files/upload_session/append_v2', 'files/upload_session/finish', 'files/download']);
/** Routes that write to the namespace, whose throttling says too_many_write_operations. */
export const WRITE_ROUTES = new Set(['files/upload', 'files/upload_session/finish', 'files/create_folder_v2', 'files/delete_v2', 'files/move_v2']);
export const VOID_ROUTES = new Set(['users/get_current_account', 'users/get_space_usage']);
export const knownRoute = (route: string) => route in ROUTES || route === 'files/download';

function account(user: string) {
  const id = createHash('sha256').update(user).digest('base64url').slice(0, 32);
  const given = user.charAt(0).toUpperCase() + user.slice(1);
  return {
    account_id: `dbid:${id}`, name: { given_name: given, surname: 'Example', familiar_name: given, display_name: `${given} Example`, abbreviated_name: `${given[0] ?? ''}E` },
    email: `${user}@example.com`, email_verified: true, disabled: false, locale: 'en', country: 'BE', is_paired: false,
    account_type: { '.tag': 'basic' }, root_info: { '.tag': 'user', root_namespace_id: id.slice(0, 10), home_namespace_id: id.slice(0, 10) },
  };
}

/** files/download: the bytes, the metadata in Dropbox-API-Result, Range honoured. */
function download(c: Call): void {
  const raw = pathArg(c);
  const n = lookup(c, raw);
  if (n.folder) throw new NamespaceError('lookup', u('not_file'));
  const size = n.content.length;
  const range = parseRange(c.req.headers.range, size);
  const result = headerJson(c.ns.metadata(n, c.base));
  if (range === 'unsatisfiable') {
    c.res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': 0 }).end();
    return;
  }
  const part = range ? n.content.subarray(range.start, range.end + 1) : n.content;
  const headers: Record<string, string | number> = { 'Content-Type': 'application/octet-stream', 'Content-Length': part.length, 'Dropbox-API-Result': result };
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
  c.res.writeHead(range ? 206 : 200, headers).end(part);
}

/** Runs a route; namespace errors become the route's own 409 union. */
export function runRoute(c: Call): void {
  try {
    if (c.route === 'files/download') return download(c);
    const handler = ROUTES[c.route];
    if (!handler) throw badRequest(c.route, 'Unknown API function');
    const out = handler(c);
    sendJson(c.res, 200, out ?? null);
  } catch (e) {
    if (e instanceof NamespaceError) throw endpoint(WRAP[c.route]?.(e) ?? e.reason);
    throw e;
  }
}
