import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  bearerOf, EmulatorStateBase, type EmulatorOptionsBase, IssuedTokens, logRequest, serveOnLoopback, serveRequest, tokenSourceOver, type RequestRecordOf,
} from '../kit/emulator.js';
import { Drive, newId, type DriveType } from './drive.js';
import { GraphError, notFound } from './errors.js';
import { Faults, type Area, type FiredFault } from './faults.js';
import { drain, resetAfter, sendContent, sendError, sendJson } from './http.js';
import { routeItems } from './routes.js';
import { Sessions } from './sessions.js';

export interface GraphEmulatorOptions extends EmulatorOptionsBase {
  /** Business (the default) is the stricter flavour: root-only delta, one session per path, no leading "~". */
  driveType?: DriveType;
  quotaBytes?: number;
  /** The app folder becomes Apps/{appName}. */
  appName?: string;
  /** Default page size of children and delta; Graph's is 200. */
  pageSize?: number;
  sessionLifetimeMs?: number;
  tokenLifetimeMs?: number;
  /** Older docs and rclone cap simple uploads at 4 MiB; the emulator holds clients to that. */
  maxSimpleUploadBytes?: number;
}

export type RequestRecord = RequestRecordOf<Area>;

export class EmulatorState extends EmulatorStateBase<Area> {
  readonly drives = new Map<string, Drive>();

  constructor(private readonly opts: Required<Pick<GraphEmulatorOptions, 'driveType' | 'quotaBytes'>>, readonly sessions: Sessions, tokens: IssuedTokens) {
    super(tokens);
  }

  /** The user's drive, made on first use. */
  drive(user: string): Drive {
    let d = this.drives.get(user);
    if (!d) {
      d = new Drive(`b!${newId()}`, this.opts.driveType, user, this.opts.quotaBytes);
      this.drives.set(user, d);
    }
    return d;
  }

  driveById(id: string): Drive | undefined {
    return [...this.drives.values()].find((d) => d.id === id);
  }

  /** Makes every delta token of the user's drive answer 410 Gone. */
  invalidateDelta(user: string): void {
    this.drive(user).epoch++;
  }
}

export interface GraphEmulator {
  /** The Graph base URL, like https://graph.microsoft.com/v1.0. */
  url: string;
  tokenFor(user: string): string;
  /**
   * A token source (the connectors' TokenSource shape) over tokens this emulator issues: one
   * token until asked to refresh, as the real token vault behaves. `refreshes` counts refreshes.
   */
  tokenSource(user: string): { accessToken(opts?: { refresh?: boolean }): Promise<string>; refreshes: number };
  stop(): Promise<void>;
  state: EmulatorState;
  faults: Faults;
  /** The request handler, for mounting in another server. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** Builds the emulator's handler; startGraphEmulator() serves it on a loopback port. */
export function createGraphEmulator(opts: GraphEmulatorOptions, origin: () => string): Omit<GraphEmulator, 'url' | 'stop'> {
  const sessions = new Sessions(opts.sessionLifetimeMs ?? 15 * 60_000);
  const tokens = new IssuedTokens('eyJ0eXAi.', opts.tokenLifetimeMs ?? 3_600_000);
  const state = new EmulatorState({ driveType: opts.driveType ?? 'business', quotaBytes: opts.quotaBytes ?? 5 * 1024 ** 3 }, sessions, tokens);
  const faults = new Faults(opts.seed);
  const downloads = new Map<string, { content: Buffer; expiresAt: number }>();

  const tokenFor = (user: string) => {
    state.drive(user);
    return tokens.issue(user);
  };

  const expired = () => new GraphError(401, 'unauthenticated', 'Access token has expired or is not yet valid.', 'unauthenticated', {
    'WWW-Authenticate': 'Bearer error="invalid_token", error_description="expired_token: the access token has expired"',
  });

  /** The user behind the bearer token; 401 without one, or with one we did not issue. */
  const authenticate = (req: IncomingMessage): { user: string; token: string } => {
    const token = bearerOf(req);
    if (!token) throw new GraphError(401, 'unauthenticated', 'Access token is empty.');
    const t = tokens.check(token);
    if (!t) throw new GraphError(401, 'unauthenticated', 'Access token validation failure. Invalid audience.');
    if (t === 'dead') throw expired();
    return { user: t.user, token };
  };

  /** Applies an injected failure; true when it answered (or cut) the request itself. */
  const inject = async (f: FiredFault, area: Area, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    const wait = String(f.rule.retryAfterSeconds ?? 1);
    const answer = async (e: GraphError) => { await drain(req); sendError(res, e); return true; };
    switch (f.kind) {
      case 'throttle':
        return answer(new GraphError(429, 'activityLimitReached', 'The request has been throttled', 'throttledRequest', { 'Retry-After': wait }));
      case 'unavailable':
        return answer(new GraphError(503, 'serviceNotAvailable', 'The service is temporarily unavailable.', 'serviceNotAvailable', { 'Retry-After': wait }));
      case 'error':
        return answer(new GraphError(f.rule.status ?? 500, 'generalException', 'An unspecified error occurred.'));
      case 'reset':
        await resetAfter(req, f.rule.resetAfterBytes ?? Math.floor(Number(req.headers['content-length'] ?? 0) / 2));
        return true;
      case 'expireSession':
        if (area === 'upload') sessions.expire(path.slice('/upload/'.length));
        return false;
      case 'expireToken': {
        if (area !== 'api') return false;
        tokens.kill(bearerOf(req) ?? '');
        return answer(expired());
      }
      case 'quotaFull':
        if (!['PUT', 'POST'].includes(req.method ?? '')) return false;
        return answer(new GraphError(507, 'quotaLimitReached', 'Insufficient Space Available'));
      default:
        return false;
    }
  };

  const download = (token: string, req: IncomingMessage, res: ServerResponse) => {
    const d = downloads.get(token);
    if (!d || d.expiresAt <= Date.now()) throw notFound('The download URL has expired.');
    // Pre-authenticated: a bearer token here is refused, as SharePoint download URLs do.
    if (req.headers.authorization) throw new GraphError(401, 'unauthenticated', 'Do not send Authorization to a download URL.');
    sendContent(res, d.content, req.headers.range);
  };

  const api = async (path: string, url: URL, req: IncomingMessage, res: ServerResponse) => {
    const { user } = authenticate(req);
    if (!path.startsWith('/v1.0/')) throw notFound();
    const rest = path.slice('/v1.0'.length);
    if (rest === '/me') return sendJson(res, 200, { id: user, displayName: user, userPrincipalName: `${user}@example.com` });
    const m = /^\/(?:me\/drive|drives\/([^/:]+))(.*)$/.exec(rest);
    if (rest === '/me/drives') return sendJson(res, 200, { value: [driveJson(state.drive(user))] });
    if (!m) throw notFound();
    const drive = m[1] ? state.driveById(decodeURIComponent(m[1])) : state.drive(user);
    if (!drive || drive.owner !== user) throw notFound('The drive could not be found.');
    if (m[2] === '') {
      if (req.method !== 'GET') throw new GraphError(405, 'invalidRequest', 'Only GET is allowed on a drive.');
      return sendJson(res, 200, driveJson(drive));
    }
    return routeItems({
      drive, apiBase: `${origin()}/v1.0`, origin: origin(), appName: opts.appName ?? 'Dossier', pageSize: opts.pageSize ?? 200,
      maxSimpleUpload: opts.maxSimpleUploadBytes ?? 4 * 1024 * 1024, sessions, downloads,
    }, m[2]!, url, req, res);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname;
    const area: Area = path.startsWith('/upload/') ? 'upload' : path.startsWith('/download/') ? 'download' : 'api';
    await serveRequest({
      req, res, faults, record: logRequest(state.requests, req, res, path, area),
      inject: (f) => inject(f, area, req, res, path),
      route: async () => {
        if (area === 'upload') return sessions.handle(path.slice('/upload/'.length), req, res);
        if (area === 'download') return download(path.slice('/download/'.length), req, res);
        return api(path, url, req, res);
      },
      fail: (e) => {
        if (e instanceof GraphError) return sendError(res, e);
        opts.log?.error({ err: e }, 'graph emulator failure');
        sendError(res, new GraphError(500, 'generalException', (e as Error).message));
      },
    });
  };

  const tokenSource = (user: string) => tokenSourceOver(() => tokenFor(user));

  return { tokenFor, tokenSource, state, faults, handle };
}

function driveJson(d: Drive) {
  return { id: d.id, driveType: d.type, name: 'OneDrive', owner: { user: { id: d.owner, displayName: d.owner } }, quota: d.quota() };
}

/** Serves the emulator on a free loopback port. */
export async function startGraphEmulator(opts: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  let origin = opts.publicOrigin ?? '';
  const emu = createGraphEmulator(opts, () => origin);
  const served = await serveOnLoopback(emu.handle);
  origin ||= served.origin;
  return { ...emu, url: `${origin}/v1.0`, stop: served.stop };
}
