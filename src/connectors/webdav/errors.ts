import { ConnectorError, type ConnectorErrorKind } from '../connector.js';

/** A WebDAV answer with a status the caller did not expect; classify() turns it into a ConnectorError. */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    /** The Retry-After header as sent: delay in seconds or an HTTP date. */
    readonly retryAfter: string | null,
    /** The server's own explanation (Sabre's <s:message>), if it gave one. */
    readonly detail: string,
  ) {
    super(`${method} answered HTTP ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'HttpFailure';
  }
}

/**
 * What the request was for. A 404 or 409 on a read means the item is missing; on a write it
 * means a parent folder vanished behind our back (our folder cache is stale), which a retry fixes.
 */
export type Op = 'read' | 'write';

export const AUTH_MESSAGE = 'The WebDAV server refused the user name or app password: check them under Destinations';

/** Milliseconds to wait according to a Retry-After header (seconds or HTTP date); undefined if unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const when = Date.parse(value);
  return Number.isNaN(when) ? undefined : Math.max(0, when - now);
}

// Connection-level failures that say nothing about the request itself; trying again may work.
const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

// The server's certificate is not trusted: retrying will not help, the user has to act.
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

function statusKind(status: number, op: Op, retryAfter: string | null): ConnectorErrorKind {
  switch (status) {
    case 401: return 'auth_expired';
    case 403: return 'permission_denied';
    case 404: case 409: case 410: return op === 'read' ? 'not_found' : 'transient';
    case 507: return 'quota_exceeded';
    case 429: return 'rate_limited';
    case 503: return retryAfter ? 'rate_limited' : 'transient';
    case 408: case 412: case 423: case 425: case 500: case 502: case 504: case 509: return 'transient';
    // Nextcloud answers 400 for names it refuses (forbidden characters or extensions).
    case 400: case 414: return op === 'write' ? 'invalid_name' : 'fatal';
    default: return status >= 500 ? 'transient' : 'fatal'; // 3xx too: see statusMessage
  }
}

function statusMessage(kind: ConnectorErrorKind, f: HttpFailure, op: Op, where: string): string {
  switch (kind) {
    case 'auth_expired': return AUTH_MESSAGE;
    case 'permission_denied': return `The WebDAV server does not allow this on ${where} (${f.message})`;
    case 'quota_exceeded': return `The WebDAV storage is full (${where})`;
    case 'not_found': return `${where} does not exist on the WebDAV server`;
    case 'rate_limited': return `The WebDAV server asks us to slow down (${where})`;
    case 'transient':
      if (op === 'write' && [404, 409, 410].includes(f.status)) return `A parent folder of ${where} disappeared during the write; try again`;
      return `The WebDAV server had a temporary problem with ${where} (${f.message})`;
    case 'invalid_name': return `The WebDAV server refused the name ${where} (${f.message})`;
    default:
      if (f.status >= 300 && f.status < 400) return `The WebDAV server redirects ${where} elsewhere (${f.message}): enter the address it redirects to under Destinations`;
      if (f.status === 413) return `${where} is larger than the WebDAV server accepts in one upload (${f.message})`;
      return `The WebDAV server rejected the request for ${where} (${f.message})`;
  }
}

/** Maps any WebDAV failure to a ConnectorError; the one place WebDAV failures are classified. */
export function classify(err: unknown, path: string, op: Op = 'read', signal?: AbortSignal): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const where = path || 'the root folder';
  if (signal?.aborted || (err as Error)?.name === 'AbortError') {
    return new ConnectorError('cancelled', 'The operation was cancelled.', undefined, { cause: err });
  }
  if (err instanceof HttpFailure) {
    const kind = statusKind(err.status, op, err.retryAfter);
    const wait = kind === 'rate_limited' ? retryAfterMs(err.retryAfter) : undefined;
    return new ConnectorError(kind, statusMessage(kind, err, op, where), wait, { cause: err });
  }
  // fetch wraps connection failures in a TypeError("fetch failed") whose cause has the code.
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof ConnectorError) return cause; // the egress policy refused the address
  const code = String((cause as NodeJS.ErrnoException)?.code ?? (err as NodeJS.ErrnoException)?.code ?? '');
  const detail = (cause as Error)?.message ?? (err as Error)?.message ?? String(err);
  if (TLS_CODES.test(code)) {
    return new ConnectorError('fatal', `The WebDAV server's certificate is not trusted (${detail})`, undefined, { cause: err });
  }
  if (/unexpected redirect|redirect count exceeded/i.test(detail)) {
    return new ConnectorError('fatal', `The WebDAV server redirects ${where} elsewhere: enter the address it redirects to under Destinations`, undefined, { cause: err });
  }
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
    return new ConnectorError('transient', `The data for ${where} was not as long as announced`, undefined, { cause: err });
  }
  if (NETWORK_CODES.has(code) || (err instanceof TypeError && err.message === 'fetch failed')) {
    return new ConnectorError('transient', `Could not reach the WebDAV server for ${where} (${detail})`, undefined, { cause: err });
  }
  return new ConnectorError('fatal', `${detail} (${where})`, undefined, { cause: err });
}
