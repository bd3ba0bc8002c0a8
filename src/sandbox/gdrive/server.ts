import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  bearerOf, EmulatorStateBase, type EmulatorOptionsBase, IssuedTokens, logRequest, serveOnLoopback, serveRequest, tokenSourceOver, type EmulatorTokenSource, type RequestRecordOf,
} from '../kit/emulator.js';
import { authError, backendError, DriveError, rateLimitExceeded, storageQuotaExceeded, userRateLimitExceeded } from './errors.js';
import { Faults, type Area, type FiredFault } from './faults.js';
import { drain, resetAfter, sendError } from './http.js';
import { routeApi, routeUpload } from './routes.js';
import { DriveStore } from './store.js';
import { ResumableSessions } from './uploads.js';

export interface GdriveEmulatorOptions extends EmulatorOptionsBase {
  /** Bytes per user; null for an unlimited account (storageQuota without limit). Default 15 GiB, the free tier. */
  quotaBytes?: number | null;
  /** Default pageSize of files.list and changes.list; Drive's is 100. */
  pageSize?: number;
  /** About a week on Drive (unconfirmed, docs/providers/google-drive.md, "Uploads"). */
  sessionLifetimeMs?: number;
  /** Access tokens last about an hour. */
  tokenLifetimeMs?: number;
}

export type RequestRecord = RequestRecordOf<Area>;

export class EmulatorState extends EmulatorStateBase<Area> {
  readonly stores = new Map<string, DriveStore>();

  constructor(private readonly quotaBytes: number | null, readonly sessions: ResumableSessions, tokens: IssuedTokens) {
    super(tokens);
  }

  /** Every page token the user holds now is refused from here on (400 invalid, location pageToken). */
  expireChangeTokens(user: string): void {
    const store = this.store(user);
    // A number no change takes, so that even a token for "now" is in the past.
    store.tokenFloor = ++store.seq + 1;
  }

  /** The user's My Drive, made on first use. */
  store(user: string): DriveStore {
    let s = this.stores.get(user);
    if (!s) {
      s = new DriveStore(user, this.quotaBytes);
      this.stores.set(user, s);
    }
    return s;
  }
}

export interface GdriveEmulator {
  /** The API origin, like https://www.googleapis.com: /drive/v3/… and /upload/drive/v3/… hang from it. */
  url: string;
  tokenFor(user: string): string;
  /** A token source over tokens this emulator issues; see tokenSourceOver. */
  tokenSource(user: string): EmulatorTokenSource;
  stop(): Promise<void>;
  state: EmulatorState;
  faults: Faults;
  /** The request handler, for mounting in another server. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

const WEEK_MS = 7 * 24 * 3_600_000;

/** Builds the emulator's handler; startGdriveEmulator() serves it on a loopback port. */
export function createGdriveEmulator(opts: GdriveEmulatorOptions, origin: () => string): Omit<GdriveEmulator, 'url' | 'stop'> {
  const sessions = new ResumableSessions(opts.sessionLifetimeMs ?? WEEK_MS);
  const tokens = new IssuedTokens('ya29.', opts.tokenLifetimeMs ?? 3_600_000);
  const state = new EmulatorState(opts.quotaBytes === undefined ? 15 * 1024 ** 3 : opts.quotaBytes, sessions, tokens);
  const faults = new Faults(opts.seed);

  const tokenFor = (user: string) => {
    state.store(user);
    return tokens.issue(user);
  };

  /** The user behind the bearer token; 401 authError without one, or with one that is dead or not ours. */
  const authenticate = (req: IncomingMessage): string => {
    const token = bearerOf(req);
    if (!token) throw authError('Request is missing required authentication credential. Expected OAuth 2 access token.');
    const t = tokens.check(token);
    if (!t || t === 'dead') throw authError();
    return t.user;
  };

  /** Applies an injected failure; true when it answered (or cut) the request itself. */
  const inject = async (f: FiredFault, area: Area, req: IncomingMessage, res: ServerResponse, url: URL, cut: { after?: number }): Promise<boolean> => {
    const answer = async (e: DriveError) => { await drain(req); sendError(res, e); return true; };
    switch (f.kind) {
      case 'throttle': {
        const e = rateLimitExceeded(429);
        if (f.rule.retryAfterSeconds !== undefined) e.headers['Retry-After'] = String(f.rule.retryAfterSeconds);
        return answer(e);
      }
      case 'userRateLimit': return answer(userRateLimitExceeded());
      case 'rateLimit': return answer(rateLimitExceeded(403));
      case 'error': return answer(backendError(f.rule.status ?? 500));
      case 'reset': {
        const after = f.rule.resetAfterBytes ?? Math.floor(Number(req.headers['content-length'] ?? 0) / 2);
        // A chunk cut off midway is the session's business: it keeps the whole blocks it got.
        if (url.searchParams.get('upload_id') && req.headers['content-range'] && !/^bytes \*/.test(req.headers['content-range'])) {
          cut.after = after;
          return false;
        }
        await resetAfter(req, after);
        return true;
      }
      case 'expireSession': {
        const id = url.searchParams.get('upload_id');
        if (id) sessions.expire(id);
        return false;
      }
      case 'expireToken': {
        if (!tokens.kill(bearerOf(req) ?? '')) return false;
        return answer(authError());
      }
      case 'quotaFull':
        if (area !== 'upload' || req.method === 'GET') return false;
        return answer(storageQuotaExceeded());
      default:
        return false;
    }
  };

  const route = async (path: string, url: URL, req: IncomingMessage, res: ServerResponse, cutAfter?: number) => {
    // The session URI is the credential of a resumable upload: no bearer token is needed there.
    const uploadId = path.startsWith('/upload/') ? url.searchParams.get('upload_id') : null;
    if (uploadId) return sessions.handle(uploadId, req, res, cutAfter);
    const store = state.store(authenticate(req));
    const ctx = { store, origin: origin(), pageSize: opts.pageSize ?? 100, sessions };
    if (path.startsWith('/upload/drive/v3/')) return routeUpload(ctx, path.slice('/upload/drive/v3'.length), url, req, res);
    if (path.startsWith('/drive/v3/')) return routeApi(ctx, path.slice('/drive/v3'.length), url, req, res);
    throw new DriveError(404, 'notFound', `${path} is not part of the Drive v3 API.`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname;
    const area: Area = path.startsWith('/upload/') ? 'upload' : url.searchParams.get('alt') === 'media' ? 'download' : 'api';
    const cut: { after?: number } = {};
    await serveRequest({
      req, res, faults, record: logRequest(state.requests, req, res, path, area),
      inject: (f) => inject(f, area, req, res, url, cut),
      route: () => route(path, url, req, res, cut.after),
      fail: (e) => {
        if (e instanceof DriveError) return sendError(res, e);
        opts.log?.error({ err: e }, 'drive emulator failure');
        sendError(res, backendError());
      },
    });
  };

  const tokenSource = (user: string) => tokenSourceOver(() => tokenFor(user));

  return { tokenFor, tokenSource, state, faults, handle };
}

/** Serves the emulator on a free loopback port. */
export async function startGdriveEmulator(opts: GdriveEmulatorOptions = {}): Promise<GdriveEmulator> {
  let origin = opts.publicOrigin ?? '';
  const emu = createGdriveEmulator(opts, () => origin);
  const served = await serveOnLoopback(emu.handle);
  origin ||= served.origin;
  return { ...emu, url: origin, stop: served.stop };
}
