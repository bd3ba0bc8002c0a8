import { ConnectorError, type TokenSource } from '../connector.js';
import { pause } from '../kit/abort.js';
import { SharedBearer } from '../kit/bearer.js';
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

/** Routes that change the namespace: they take a write slot (research/providers.md 3.8, too_many_write_operations). */
export const COMMIT_ROUTES: ReadonlySet<string> = new Set(['files/upload', 'files/upload_session/finish', 'files/create_folder_v2', 'files/move_v2', 'files/delete_v2']);
const CONTENT = new Set(['files/upload', 'files/upload_session/start', 'files/upload_session/append_v2', 'files/upload_session/finish', 'files/download']);
/** Longest pause a Retry-After may impose on every request of the connector. */
const MAX_PAUSE_MS = 300_000;

/** JSON for an HTTP header: every code point from U+007F up as \uXXXX (research/providers.md 3.2). */
export const headerSafeJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A counting semaphore: at most `size` holders at once, the others queue in order. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) { this.free = size; }
  async take(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); else this.free++;
    };
  }
}

/**
 * Dropbox API v2 over fetch: RPC routes with JSON bodies, content routes with the argument in
 * Dropbox-API-Arg. Bearer tokens come from the TokenSource (one refresh on 401). A 429 pauses
 * every request of this client for the Retry-After, since Dropbox throttles the whole account.
 */
export class DropboxClient {
  private readonly fetchFn: typeof fetch;
  private readonly bearer: SharedBearer;
  private pausedUntil = 0;
  private readonly writes: Slots;

  constructor(private readonly opts: DropboxClientOptions) {
    this.fetchFn = opts.fetch ?? fetch;
    this.writes = new Slots(opts.writeConcurrency);
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
    let token = await this.bearer.get(null, c.signal);
    for (let attempt = 0; ; attempt++) {
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
      const release = COMMIT_ROUTES.has(route) ? await this.writes.take() : () => undefined;
      let res: Response;
      try {
        res = await this.fetchFn(url, { method: 'POST', headers, body: body as BodyInit | undefined, signal: c.signal });
      } catch (e) {
        throw classify(e, c.path, c.signal);
      } finally {
        release();
      }
      if (res.status === 200 || c.expect?.includes(res.status)) return res;
      const text = await res.text().catch(() => '');
      if (res.status === 401 && attempt === 0) {
        token = await this.bearer.get(token, c.signal);
        continue;
      }
      const failure = parseFailure(res.status, route, text, res.headers.get('retry-after'));
      if (failure.waitMs() && (res.status === 429 || res.status === 503)) {
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + Math.min(failure.waitMs()!, MAX_PAUSE_MS));
      }
      throw classify(failure, c.path, c.signal);
    }
  }

  async json<T>(route: string, c: DropboxCall): Promise<T> {
    const res = await this.call(route, c);
    try {
      return (await res.json()) as T;
    } catch (e) {
      throw classify(e, c.path, c.signal);
    }
  }
}

export function requireTokens(tokens: TokenSource | undefined): TokenSource {
  if (!tokens) throw new ConnectorError('auth_expired', 'The Dropbox connection has no sign-in yet: connect it under Destinations');
  return tokens;
}
