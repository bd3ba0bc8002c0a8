import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  bearerOf, EmulatorStateBase, type EmulatorOptionsBase, IssuedTokens, logRequest, serveOnLoopback, serveRequest, tokenSourceOver, type EmulatorTokenSource, type RequestRecordOf,
} from '../kit/emulator.js';
import { drain, readLimited, resetAfter } from '../kit/http.js';
import { authError, badRequest, DropboxError, endpoint, errorText, rateLimited, u, type Union } from './errors.js';
import { longpoll } from './longpoll.js';
import { Namespace } from './namespace.js';
import { CONTENT_ROUTES, knownRoute, runRoute, VOID_ROUTES, WRITE_ROUTES } from './routes.js';
import { Faults, type Area, type FiredFault } from './faults.js';
import { SESSION_LIFETIME_MS, Sessions } from './sessions.js';

export type Access = 'app_folder' | 'full';

export interface DropboxEmulatorOptions extends EmulatorOptionsBase {
  /** What tokens see by default: the app folder Apps/{appName} as "" (the default), or the whole Dropbox. */
  access?: Access;
  appName?: string;
  /** The account's allocation; 2 GiB, like a Basic account. */
  quotaBytes?: number;
  /** get_space_usage answers with the team allocation shape. */
  team?: boolean;
  /** Default `limit` of list_folder. */
  pageSize?: number;
  sessionLifetimeMs?: number;
  /** Short-lived tokens last about 4 h (docs/providers/dropbox.md, "Sign-in and scopes"). */
  tokenLifetimeMs?: number;
  /** Longest a longpoll waits before it says "no changes"; tests shorten it. Default: its `timeout`. */
  longpollMaxMs?: number;
  /** Per-request body limit of the content routes: 150 MiB. */
  maxRequestBytes?: number;
}

/** area: api (RPC host), upload (content host, uploads), download (content host, files/download); path: /2/{route}. */
export type RequestRecord = RequestRecordOf<Area>;

export class DropboxState extends EmulatorStateBase<Area> {
  readonly namespaces = new Map<string, Namespace>();
  /** What each issued token sees: the app folder or the whole Dropbox. */
  readonly access = new Map<string, Access>();

  constructor(private readonly quotaBytes: number, readonly sessions: Sessions, tokens: IssuedTokens) {
    super(tokens);
  }

  namespace(user: string): Namespace {
    let ns = this.namespaces.get(user);
    if (!ns) {
      ns = new Namespace(user, this.quotaBytes);
      this.namespaces.set(user, ns);
    }
    return ns;
  }

  /** Every list_folder cursor of the user answers 409 reset from now on. */
  resetCursors(user: string): void {
    this.namespace(user).epoch++;
  }
}

export interface DropboxEmulator {
  /** The RPC base, like https://api.dropboxapi.com/2. */
  url: string;
  /** The content base, like https://content.dropboxapi.com/2. */
  contentUrl: string;
  /** The notify base (longpoll), like https://notify.dropboxapi.com/2. */
  notifyUrl: string;
  tokenFor(user: string, opts?: { access?: Access }): string;
  /** A TokenSource over tokens this emulator issues: one token until asked to refresh. */
  tokenSource(user: string, opts?: { access?: Access }): EmulatorTokenSource;
  stop(): Promise<void>;
  state: DropboxState;
  faults: Faults;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

const MAX_JSON = 1024 * 1024;
const MAX_ARG = 8192;

function sendError(res: ServerResponse, e: DropboxError): void {
  const text = errorText(e);
  const type = e.error ? 'application/json' : 'text/plain; charset=utf-8';
  res.writeHead(e.status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text), ...e.headers }).end(text);
}

/** The Dropbox-API-Arg header: ASCII-only JSON (docs/providers/dropbox.md, "Transport"). */
function headerArg(req: IncomingMessage, route: string): Record<string, unknown> {
  const raw = req.headers['dropbox-api-arg'];
  if (typeof raw !== 'string') throw badRequest(route, 'Missing "Dropbox-API-Arg" header');
  // Node hands header bytes over as latin1: anything above 0x7e means the client did not escape.
  if (raw.length > MAX_ARG || /[^\x20-\x7e]/.test(raw)) throw badRequest(route, 'HTTP header "Dropbox-API-Arg": could not decode input as JSON (non-ASCII characters must be \\u-escaped)');
  return jsonObject(raw, route, 'HTTP header "Dropbox-API-Arg"');
}

function jsonObject(text: string, route: string, where: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw badRequest(route, `${where}: could not decode input as JSON`);
}

/** The request body, with Dropbox's answer for one over the limit; null when the client went away midway. */
async function body(req: IncomingMessage, max: number, route: string): Promise<Buffer | null> {
  const tooLarge = () => {
    const e = u('payload_too_large');
    return endpoint(route === 'files/upload_session/finish' ? u('lookup_failed', e) : e, `A request body may carry at most ${max} bytes.`);
  };
  // Refused from the announced length when there is one, so the answer reaches the client
  // before the body is read (cutting a read short would reset the connection).
  if (Number(req.headers['content-length'] ?? 0) > max) throw tooLarge();
  const read = await readLimited(req, max);
  if (read === 'too-large') throw tooLarge();
  return Buffer.isBuffer(read) ? read : null;
}

/** too_many_write_operations as each route nests it (docs/providers/dropbox.md, "Errors and throttling"). */
function contention(route: string): Union {
  const tag = u('too_many_write_operations');
  if (route === 'files/upload') return u('path', { reason: tag, upload_session_id: '' });
  if (route === 'files/create_folder_v2' || route === 'files/move_v2') return u(route === 'files/move_v2' ? 'to' : 'path', tag);
  return tag;
}

/** Builds the emulator's handler; startDropboxEmulator() serves it on a loopback port. */
export function createDropboxEmulator(opts: DropboxEmulatorOptions = {}): Omit<DropboxEmulator, 'url' | 'contentUrl' | 'notifyUrl' | 'stop'> {
  const sessions = new Sessions(opts.sessionLifetimeMs ?? SESSION_LIFETIME_MS);
  const state = new DropboxState(opts.quotaBytes ?? 2 * 1024 ** 3, sessions, new IssuedTokens('sl.', opts.tokenLifetimeMs ?? 4 * 3600_000));
  const faults = new Faults(opts.seed);
  const appName = opts.appName ?? 'Dossier';

  const tokenFor = (user: string, o?: { access?: Access }) => {
    state.namespace(user);
    const token = state.tokens.issue(user);
    state.access.set(token, o?.access ?? opts.access ?? 'app_folder');
    return token;
  };

  const authenticate = (req: IncomingMessage, route: string): { user: string; access: Access } => {
    const token = bearerOf(req);
    if (!token) throw badRequest(route, 'Must provide HTTP header "Authorization" or URL parameter "authorization".');
    const t = state.tokens.check(token);
    if (!t) throw authError('invalid_access_token');
    if (t === 'dead') throw authError('expired_access_token');
    return { user: t.user, access: state.access.get(token)! };
  };

  /** Applies an injected failure: 'answered' when it answered (or cut) the request itself. */
  const inject = async (f: FiredFault, route: string, req: IncomingMessage, res: ServerResponse): Promise<'answered' | 'full' | 'go on'> => {
    const wait = f.rule.retryAfterSeconds ?? 1;
    const answer = async (e: DropboxError) => { await drain(req); sendError(res, e); return 'answered' as const; };
    switch (f.kind) {
      case 'throttle':
        return answer(rateLimited(wait, WRITE_ROUTES.has(route) ? 'too_many_write_operations' : 'too_many_requests'));
      case 'unavailable':
        return answer(new DropboxError(503, null, 'Service Unavailable', { 'Retry-After': String(wait) }));
      case 'error':
        // A 409 a healthy request can get is namespace contention, as a route's own error tag.
        if (f.rule.status === 409) return answer(endpoint(contention(route), 'too many write operations'));
        return answer(new DropboxError(f.rule.status ?? 500, null, 'Internal Server Error'));
      case 'reset':
        await resetAfter(req, f.rule.resetAfterBytes ?? Math.floor(Number(req.headers['content-length'] ?? 0) / 2));
        return 'answered';
      case 'expireSession': {
        const arg = /"session_id"\s*:\s*"([^"]+)"/.exec(String(req.headers['dropbox-api-arg'] ?? ''));
        if (arg) sessions.expire(arg[1]!);
        return 'go on';
      }
      case 'expireToken':
        state.tokens.kill(bearerOf(req) ?? '');
        return answer(authError('expired_access_token'));
      case 'quotaFull':
        return 'full';
      default:
        return 'go on';
    }
  };

  /** The argument of the call and, on content routes, its body; null when the client went away. */
  const readCall = async (route: string, req: IncomingMessage): Promise<{ arg: Record<string, unknown>; data: Buffer } | null> => {
    if (CONTENT_ROUTES.has(route)) {
      const arg = headerArg(req, route);
      if (route === 'files/download') { await drain(req); return { arg, data: Buffer.alloc(0) }; }
      if (!/^application\/octet-stream\b/.test(req.headers['content-type'] ?? '')) throw badRequest(route, 'Bad HTTP "Content-Type" header. Expecting "application/octet-stream".');
      const data = await body(req, opts.maxRequestBytes ?? 150 * 1024 * 1024, route);
      return data && { arg, data };
    }
    const raw = await body(req, MAX_JSON, route);
    if (!raw) return null;
    const text = raw.toString('utf8').trim();
    if (VOID_ROUTES.has(route) && (text === '' || text === 'null')) return { arg: {}, data: Buffer.alloc(0) };
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw badRequest(route, 'Bad HTTP "Content-Type" header. Expecting "application/json".');
    return { arg: jsonObject(text, route, 'request body'), data: Buffer.alloc(0) };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    const m = /^\/(api|content|notify)\/2\/(.+)$/.exec(path);
    const route = m?.[2] ?? path;
    const area: Area = m?.[1] !== 'content' ? 'api' : route === 'files/download' ? 'download' : 'upload';
    let full = false;
    await serveRequest({
      req, res, faults, record: logRequest(state.requests, req, res, m ? `/2/${route}` : path, area),
      check: () => {
        if (!m || !(knownRoute(route) || route === 'files/list_folder/longpoll')) throw new DropboxError(404, null, `Unknown API function: "${route}"`);
        if (req.method !== 'POST') throw badRequest(route, 'Only POST is supported.');
        if ((m[1] === 'notify') !== (route === 'files/list_folder/longpoll')) throw badRequest(route, 'The longpoll, and only it, is served by the notify host.');
        // RPC routes live on the api host, uploads and downloads on the content host.
        if (m[1] !== 'notify' && (m[1] === 'content') !== CONTENT_ROUTES.has(route)) throw badRequest(route, `This route is served by the ${m[1] === 'content' ? 'api' : 'content'} host.`);
      },
      inject: async (f) => {
        const fired = await inject(f, route, req, res);
        full = fired === 'full';
        return fired === 'answered';
      },
      route: async () => {
        if (m![1] === 'notify') return notify(route, req, res);
        const token = authenticate(req, route);
        const call = await readCall(route, req);
        if (!call) return; // the client went away midway: nothing was applied
        const { ns, base } = place(token.user, token.access);
        runRoute({
          route, user: token.user, ns, base, view: token.access, ...call, sessions, pageSize: opts.pageSize ?? 2000,
          team: opts.team ?? false, full, req, res,
        });
      },
      fail: (e) => {
        if (e instanceof DropboxError) return sendError(res, e);
        opts.log?.error({ err: e }, 'dropbox emulator failure');
        sendError(res, new DropboxError(500, null, 'Internal Server Error'));
      },
    });
  };

  const place = (user: string, view: string) => {
    const ns = state.namespace(user);
    return { ns, base: view === 'full' ? ns.root : ns.appFolder(appName) };
  };

  /** The longpoll: no token, the cursor says whose folder. */
  const notify = async (route: string, req: IncomingMessage, res: ServerResponse) => {
    const raw = await body(req, MAX_JSON, route);
    if (!raw) return;
    await longpoll(jsonObject(raw.toString('utf8'), route, 'request body'), place, opts.longpollMaxMs ?? Infinity, req, res);
  };

  const tokenSource = (user: string, o?: { access?: Access }) => tokenSourceOver(() => tokenFor(user, o));

  return { tokenFor, tokenSource, state, faults, handle };
}

/** Serves the emulator on a free loopback port: RPC under /api/2, content under /content/2. */
export async function startDropboxEmulator(opts: DropboxEmulatorOptions = {}): Promise<DropboxEmulator> {
  const emu = createDropboxEmulator(opts);
  const served = await serveOnLoopback(emu.handle);
  const origin = opts.publicOrigin ?? served.origin;
  return { ...emu, url: `${origin}/api/2`, contentUrl: `${origin}/content/2`, notifyUrl: `${origin}/notify/2`, stop: served.stop };
}
