import { ConnectorError } from '../connector.js';
import { discard } from '../kit/response-body.js';
import { HttpFailure } from '../kit/http-failure.js';
import { classify, type Op } from './errors.js';
import { decodeSegment, decodeXmlText, parseMultistatus, type DavResource } from './multistatus.js';

export interface DavClientOptions {
  /** The server's WebDAV base URL, e.g. https://cloud.example.com/remote.php/dav/files/alice/. */
  url: string;
  username: string;
  password: string;
  /** Folder below the base URL, as plain names ("Dossier/Backups"), "" for the base itself. */
  root: string;
  fetch?: typeof fetch;
}

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

  constructor(opts: DavClientOptions) {
    const base = URL.canParse(opts.url) ? new URL(opts.url) : null;
    if (base?.protocol !== 'http:' && base?.protocol !== 'https:') {
      throw new ConnectorError('fatal', `The WebDAV address must be an http:// or https:// URL, not "${opts.url}"`);
    }
    this.origin = base.origin;
    this.basePath = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    this.baseSegments = this.basePath.split('/').filter((s) => s !== '').map(decodeSegment);
    this.rootSegments = rootSegments(opts.root);
    this.authorization = 'Basic ' + Buffer.from(`${opts.username}:${opts.password}`, 'utf8').toString('base64');
    this.fetchFn = opts.fetch ?? fetch;
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
    try {
      res = await this.fetchFn(url, {
        method,
        headers: { Authorization: this.authorization, ...req.headers },
        // Node's fetch streams an async iterable body; duplex 'half' is required for that.
        body: req.body as BodyInit | undefined,
        ...(streamed ? { duplex: 'half' } : {}),
        signal: req.signal,
        // Node 20's fetch keeps every byte of a streamed body in memory to replay it on a redirect,
        // unless redirects are refused. Other WebDAV methods must not be silently redirected
        // either; a redirect means the address in the settings is not the real one.
        redirect: streamed ? 'error' : method === 'GET' ? 'follow' : 'manual',
      } as RequestInit);
    } catch (e) {
      throw classify(e, req.path, op, req.signal);
    }
    if (req.expect.includes(res.status)) return res;
    const redirect = res.status >= 300 && res.status < 400;
    if (redirect) await discard(res);
    const detail = redirect ? `to ${res.headers.get('location') ?? 'an address it does not name'}` : await serverMessage(res);
    throw classify(new HttpFailure(res.status, method, [], res.headers.get('retry-after'), detail), req.path, op, req.signal);
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
