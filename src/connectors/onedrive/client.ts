import { ConnectorError, type TokenSource } from '../connector.js';
import { BearerToken } from '../kit/bearer.js';
import { classify, GraphFailure, parseErrorBody } from './errors.js';

export interface GraphClientOptions {
  /** https://graph.microsoft.com/v1.0, or a national cloud or the sandbox. */
  baseUrl: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
}

export interface GraphRequest {
  /** Relative path the request is about, for error messages. */
  path: string;
  json?: unknown;
  /** Raw bytes: uploads are sent as buffers so a request can be repeated after a token refresh. */
  body?: Buffer;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Statuses the caller handles itself; anything else throws a classified ConnectorError. */
  expect: number[];
  /** false for pre-authorised URLs (uploadUrl, download URL), which must not get a bearer token. */
  auth?: boolean;
}

/** Percent-encodes one path segment on its own (research/providers.md 1.2): never the whole URL. */
export const encodeSegment = (s: string) => encodeURIComponent(s);

/** The colon form `:/a/b%20c.pdf:` of a path below an item, or "" for the item itself. */
export function colonPath(segments: string[]): string {
  return segments.length ? `:/${segments.map(encodeSegment).join('/')}:` : '';
}

// Graph asks ISVs to decorate the User-Agent; throttling is kinder to identified traffic.
const USER_AGENT = 'ISV|Dossier|Dossier/0.1';

/** Microsoft Graph over fetch (a 401 refreshes the token once, see BearerToken): bearer tokens from the TokenSource, one refresh on 401, Graph errors classified. */
export class GraphClient {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;
  private readonly bearer: BearerToken;

  constructor(private readonly opts: GraphClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? fetch;
    this.bearer = new BearerToken(opts.tokens);
  }

  url(path: string): string {
    return /^https?:\/\//.test(path) ? path : this.base + path;
  }

  async request(method: string, target: string, req: GraphRequest): Promise<Response> {
    const auth = req.auth ?? true;
    let token = auth ? await this.bearer.get(null, req.signal) : null;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { 'User-Agent': USER_AGENT, ...req.headers };
      if (token) headers.Authorization = `Bearer ${token}`;
      let body: Uint8Array | string | undefined = req.body ? new Uint8Array(req.body.buffer, req.body.byteOffset, req.body.byteLength) : undefined;
      if (req.json !== undefined) {
        body = JSON.stringify(req.json);
        headers['Content-Type'] = 'application/json';
      }
      let res: Response;
      try {
        // Redirects are handled by the caller: a download redirect must not carry the token.
        res = await this.fetchFn(this.url(target), { method, headers, body: body as BodyInit | undefined, signal: req.signal, redirect: 'manual' });
      } catch (e) {
        throw classify(e, req.path, req.signal);
      }
      if (req.expect.includes(res.status)) return res;
      const text = await res.text().catch(() => '');
      if (res.status === 401 && token && attempt === 0) {
        token = await this.bearer.get(token, req.signal);
        continue;
      }
      const { codes, message } = parseErrorBody(text);
      throw classify(new GraphFailure(res.status, method, codes, res.headers.get('retry-after'), message), req.path, req.signal);
    }
  }

  async json<T>(method: string, target: string, req: GraphRequest): Promise<T> {
    const res = await this.request(method, target, req);
    try {
      return (await res.json()) as T;
    } catch (e) {
      throw classify(e, req.path, req.signal);
    }
  }
}

/** Frees the connection of a response whose body we do not need. */
export async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

export function requireTokens(tokens: TokenSource | undefined): TokenSource {
  if (!tokens) throw new ConnectorError('auth_expired', 'The OneDrive connection has no sign-in yet: connect it under Destinations');
  return tokens;
}
