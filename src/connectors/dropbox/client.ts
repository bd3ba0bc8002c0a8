import pLimit, { type LimitFunction } from 'p-limit';
import { ConnectorError, type TokenSource } from '../connector.js';
import { pause } from '../kit/abort.js';
import { SharedBearer } from '../kit/bearer.js';
import { jsonOf } from '../kit/response-body.js';
import { classify, parseFailure } from './errors.js';

export interface DropboxClientOptions {
  /** https://api.dropboxapi.com/2, or the sandbox. */
  apiUrl: string;
  /** https://content.dropboxapi.com/2, or the sandbox. */
  contentUrl: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
  /** Commits (upload, finish, create, move, delete) in flight at once. */
  writeConcurrency: number;
}

export interface DropboxCall {
  /** The connector path the call is about, for error messages. */
  path: string;
  /** The route's argument; undefined for void routes (sent without a body). */
  arg?: unknown;
  /** Content routes: the request body. Buffers, so a call can be repeated after a token refresh. */
  data?: Buffer;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Statuses besides 200 the caller handles itself (206 and 416 on downloads). */
  expect?: number[];
}

/** Routes that change the namespace: they take a write slot (docs/providers/dropbox.md, "Errors and throttling", too_many_write_operations). */
export const COMMIT_ROUTES: ReadonlySet<string> = new Set(['files/upload', 'files/upload_session/finish', 'files/create_folder_v2', 'files/move_v2', 'files/delete_v2']);
const CONTENT = new Set(['files/upload', 'files/upload_session/start', 'files/upload_session/append_v2', 'files/upload_session/finish', 'files/download']);
/** Longest pause a Retry-After may impose on every request of the connector. */
const MAX_PAUSE_MS = 300_000;

/** JSON for an HTTP header: every code point from U+007F up as \uXXXX (docs/providers/dropbox.md, "Transport"). */
export const headerSafeJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Dropbox API v2 over fetch: RPC routes with JSON bodies, content routes with the argument in
 * Dropbox-API-Arg. Bearer tokens come from the TokenSource (one refresh on 401). A 429 pauses
 * every request of this client for the Retry-After, since Dropbox throttles the whole account.
 */
export class DropboxClient {
  private readonly fetchFn: typeof fetch;
  private readonly bearer: SharedBearer;
  private pausedUntil = 0;
  /** Commits in flight at once: Dropbox answers too_many_write_operations to more. */
  private readonly writes: LimitFunction;

  constructor(private readonly opts: DropboxClientOptions) {
    this.fetchFn = opts.fetch ?? fetch;
    this.writes = pLimit(opts.writeConcurrency);
    this.bearer = new SharedBearer(opts.tokens);
  }

  private async pause(signal?: AbortSignal): Promise<void> {
    const wait = this.pausedUntil - Date.now();
    if (wait > 0) await pause(wait, signal);
  }

  /** One call; anything but 200 (or `expect`) throws a classified ConnectorError. */
  async call(route: string, c: DropboxCall): Promise<Response> {
    const content = CONTENT.has(route);
    const url = `${(content ? this.opts.contentUrl : this.opts.apiUrl).replace(/\/+$/, '')}/${route}`;
    const send = async (token: string): Promise<Response> => {
      await this.pause(c.signal);
      const headers: Record<string, string> = { Authorization: `Bearer ${token}`, ...c.headers };
      let body: Uint8Array | string | undefined;
      if (content) {
        headers['Dropbox-API-Arg'] = headerSafeJson(c.arg ?? {});
        if (c.data) {
          headers['Content-Type'] = 'application/octet-stream';
          body = new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength);
        }
      } else if (c.arg !== undefined) {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(c.arg);
      }
      const post = () => this.fetchFn(url, { method: 'POST', headers, body: body as BodyInit | undefined, signal: c.signal });
      try {
        return await (COMMIT_ROUTES.has(route) ? this.writes(post) : post());
      } catch (e) {
        throw classify(e, c.path, c.signal);
      }
    };
    const res = await this.bearer.send(c.signal, send);
    if (res.status === 200 || c.expect?.includes(res.status)) return res;
    const text = await res.text().catch(() => '');
    const failure = parseFailure(res.status, route, text, res.headers.get('retry-after'));
    const wait = failure.waitMs();
    if (wait && (res.status === 429 || res.status === 503)) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + Math.min(wait, MAX_PAUSE_MS));
    throw classify(failure, c.path, c.signal);
  }

  async json<T>(route: string, c: DropboxCall): Promise<T> {
    return jsonOf<T>(await this.call(route, c), (e) => classify(e, c.path, c.signal));
  }
}

export function requireTokens(tokens: TokenSource | undefined): TokenSource {
  if (!tokens) throw new ConnectorError('auth_expired', 'The Dropbox connection has no sign-in yet: connect it under Destinations');
  return tokens;
}
