import type { ConnectorError, TokenSource } from '../connector.js';
import { SharedBearer } from './bearer.js';
import { HttpFailure } from './http-failure.js';
import { jsonOf } from './response-body.js';

export interface BearerRequest {
  /** Relative path the request is about, for error messages. */
  path: string;
  json?: unknown;
  /** Raw bytes: uploads are sent as buffers so a request can be repeated after a token refresh. */
  body?: Buffer;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Statuses the caller handles itself; anything else throws a classified ConnectorError. */
  expect: number[];
  /** false for pre-authorised URLs (upload and download URLs), which must not get a bearer token. */
  auth?: boolean;
}

export interface BearerClientOptions {
  baseUrl: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
  /** Sent with every request (a User-Agent, say). */
  headers?: Record<string, string>;
  /** The provider's error body: its codes and message. */
  parseError(text: string): { codes: string[]; message: string };
  /** The connector's one classify(). */
  classify(err: unknown, path: string, signal?: AbortSignal): ConnectorError;
}

/** A provider API over fetch: bearer tokens from the TokenSource, one refresh on 401, failures classified. */
export class BearerHttpClient {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;
  private readonly bearer: SharedBearer;

  constructor(private readonly opts: BearerClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? fetch;
    this.bearer = new SharedBearer(opts.tokens);
  }

  url(path: string): string {
    return /^https?:\/\//.test(path) ? path : this.base + path;
  }

  async request(method: string, target: string, req: BearerRequest): Promise<Response> {
    const send = async (token: string | null): Promise<Response> => {
      const headers: Record<string, string> = { ...this.opts.headers, ...req.headers };
      if (token) headers.Authorization = `Bearer ${token}`;
      let body: Uint8Array | string | undefined = req.body ? new Uint8Array(req.body.buffer, req.body.byteOffset, req.body.byteLength) : undefined;
      if (req.json !== undefined) {
        body = JSON.stringify(req.json);
        headers['Content-Type'] = 'application/json; charset=UTF-8';
      }
      try {
        // Redirects and 308 Resume Incomplete are the caller's: a download redirect must not carry the token.
        return await this.fetchFn(this.url(target), { method, headers, body: body as BodyInit | undefined, signal: req.signal, redirect: 'manual' });
      } catch (e) {
        throw this.opts.classify(e, req.path, req.signal);
      }
    };
    const res = (req.auth ?? true) ? await this.bearer.send(req.signal, send) : await send(null);
    if (req.expect.includes(res.status)) return res;
    const text = await res.text().catch(() => '');
    const { codes, message } = this.opts.parseError(text);
    throw this.opts.classify(new HttpFailure(res.status, method, codes, res.headers.get('retry-after'), message), req.path, req.signal);
  }

  async json<T>(method: string, target: string, req: BearerRequest): Promise<T> {
    return jsonOf<T>(await this.request(method, target, req), (e) => this.opts.classify(e, req.path, req.signal));
  }
}
