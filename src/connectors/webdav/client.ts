import { isIP } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import { ConnectorError } from '../connector.js';
import { discard } from '../kit/response-body.js';
import { HttpFailure } from '../kit/http-failure.js';
import { PUBLIC_ONLY, type EgressPolicy } from '../kit/egress.js';
import { classify, type Op } from './errors.js';
import { decodeSegment, decodeXmlText, parseMultistatus, type DavResource } from './multistatus.js';

export interface DavClientOptions {
  /** The server's WebDAV base URL, e.g. https://cloud.example.com/remote.php/dav/files/alice/. */
  url: string;
  username: string;
  password: string;
  /** Folder below the base URL, as plain names ("Dossier/Backups"), "" for the base itself. */
  root: string;
  /** For tests that count requests; it bypasses the egress policy, so never set from settings. */
  fetch?: typeof fetch;
}

/** How many same-server redirects a GET follows (a server moving a file behind a new URL). */
const MAX_REDIRECTS = 5;

export interface DavRequest {
  /** Relative path the request is about, for error messages. */
  path: string;
  op?: Op;
  headers?: Record<string, string>;
  body?: string | AsyncIterable<Uint8Array>;
  signal?: AbortSignal;
  /** Statuses the caller handles itself; anything else throws a classified ConnectorError. */
  expect: number[];
}

/** Percent-encodes one path segment: spaces, "#", "%", "?", "&", "+" and non-ASCII all escaped. */
export function encodeSegment(segment: string): string {
  return encodeURIComponent(segment);
}

/** Splits a root setting into folder names, ignoring stray slashes. */
export function rootSegments(root: string): string[] {
  return root.split('/').filter((s) => s !== '');
}

/** HTTP plumbing for one WebDAV account: URLs, Basic auth, and turning statuses into errors. */
export class DavClient {
  /** Decoded segments of the base URL's path, as hrefs in a multistatus start with them. */
  readonly baseSegments: string[];
  readonly rootSegments: string[];
  private readonly origin: string;
  private readonly basePath: string;
  private readonly authorization: string;
  private readonly fetchFn: typeof fetch;
  private readonly agent: Agent | null = null;
  private readonly egress: EgressPolicy;

  constructor(opts: DavClientOptions, egress: EgressPolicy = PUBLIC_ONLY) {
    const base = URL.canParse(opts.url) ? new URL(opts.url) : null;
    if (base?.protocol !== 'http:' && base?.protocol !== 'https:') {
      throw new ConnectorError('fatal', `The WebDAV address must be an http:// or https:// URL, not "${opts.url}"`);
    }
    this.origin = base.origin;
    this.basePath = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    this.baseSegments = this.basePath.split('/').filter((s) => s !== '').map(decodeSegment);
    this.rootSegments = rootSegments(opts.root);
    this.authorization = 'Basic ' + Buffer.from(`${opts.username}:${opts.password}`, 'utf8').toString('base64');
    this.egress = egress;
    if (opts.fetch) {
      this.fetchFn = opts.fetch;
    } else {
      // Every socket goes to an address the policy checked when it resolved the name, once;
      // TLS still verifies the certificate for the name itself.
      const agent = new Agent({ connect: { lookup: egress.lookup } });
      this.agent = agent;
      this.fetchFn = ((url: string, init: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
    }
  }

  /** Frees the connections this client keeps open. */
  async close(): Promise<void> {
    await this.agent?.close().catch(() => undefined);
  }

  /** A server given by address is checked here: no name lookup happens for it. */
  private async checkAddress(url: string): Promise<void> {
    const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host)) await this.egress.resolve(host);
  }

  /** Segments from the base URL down to `path` (relative to the root). */
  segmentsOf(path: string): string[] {
    return [...this.rootSegments, ...(path ? path.split('/') : [])];
  }

  /** Absolute URL of segments below the base URL; folders get the trailing slash WebDAV expects. */
  urlOf(segments: string[], folder = false): string {
    const tail = segments.map(encodeSegment).join('/');
    return this.origin + this.basePath + tail + (folder && tail ? '/' : '');
  }

  /** Absolute URL of a path relative to the connector root. */
  url(path: string, folder = false): string {
    return this.urlOf(this.segmentsOf(path), folder);
  }

  /** Decoded href segments of `path`, to recognise it in a multistatus. */
  hrefOf(path: string): string[] {
    return [...this.baseSegments, ...this.segmentsOf(path)];
  }

  async request(method: string, url: string, req: DavRequest): Promise<Response> {
    const op = req.op ?? 'read';
    const streamed = req.body !== undefined && typeof req.body !== 'string';
    let res: Response;
    let target = url;
    for (let hops = 0; ; hops++) {
      try {
        await this.checkAddress(target);
        res = await this.fetchFn(target, {
          method,
          headers: { Authorization: this.authorization, ...req.headers },
          // Node's fetch streams an async iterable body; duplex 'half' is required for that.
          body: req.body as BodyInit | undefined,
          ...(streamed ? { duplex: 'half' } : {}),
          signal: req.signal,
          // Redirects are looked at here, never followed blindly: one to another server could
          // hand back an internal service's answer as a file, or send it our password.
          // A streamed body would be kept in memory to replay it: uploads refuse redirects outright.
          redirect: streamed ? 'error' : 'manual',
        } as RequestInit);
      } catch (e) {
        throw classify(e, req.path, op, req.signal);
      }
      const next = method === 'GET' && hops < MAX_REDIRECTS ? this.sameServer(res, target) : null;
      if (!next) break;
      await discard(res);
      target = next;
    }
    if (req.expect.includes(res.status)) return res;
    const redirect = res.status >= 300 && res.status < 400;
    if (redirect) await discard(res);
    const detail = redirect ? `to ${res.headers.get('location') ?? 'an address it does not name'}` : await serverMessage(res);
    throw classify(new HttpFailure(res.status, method, [], res.headers.get('retry-after'), detail), req.path, op, req.signal);
  }

  /** Where a redirect leads, when it stays on the same server (scheme, host and port); else null. */
  private sameServer(res: Response, from: string): string | null {
    if (![301, 302, 303, 307, 308].includes(res.status)) return null;
    const location = res.headers.get('location');
    if (!location || !URL.canParse(location, from)) return null;
    const to = new URL(location, from);
    return to.origin === this.origin ? to.toString() : null;
  }

  /** Reads a response body, classifying a connection that drops halfway. */
  async text(res: Response, path: string, signal?: AbortSignal): Promise<string> {
    try {
      return await res.text();
    } catch (e) {
      throw classify(e, path, 'read', signal);
    }
  }

  /** PROPFIND with the given depth and property request; 404 becomes not_found. */
  async propfind(url: string, depth: 0 | 1, props: string, path: string, signal?: AbortSignal): Promise<DavResource[]> {
    const res = await this.request('PROPFIND', url, {
      path, signal, body: props, expect: [207],
      headers: { Depth: String(depth), 'Content-Type': 'application/xml; charset=utf-8' },
    });
    const xml = await this.text(res, path, signal);
    try {
      return parseMultistatus(xml, url);
    } catch (e) {
      throw classify(e, path, 'read', signal);
    }
  }
}

/** The human part of an error answer: Sabre's <s:message>, else the start of a plain-text body. */
async function serverMessage(res: Response): Promise<string> {
  let body = '';
  try {
    body = await res.text();
  } catch {
    return '';
  }
  const sabre = /<(?:[\w-]+:)?message>([\s\S]*?)<\/(?:[\w-]+:)?message>/.exec(body);
  if (sabre) return decodeXmlText(sabre[1]!).trim().slice(0, 300);
  const type = res.headers.get('content-type') ?? '';
  return type.startsWith('text/plain') ? body.trim().slice(0, 300) : '';
}
