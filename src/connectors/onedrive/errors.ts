import { ConnectorError, type ConnectorErrorKind } from '../connector.js';
import { detailOf, networkFailure, retryAfterMs } from '../kit/network.js';

/** A Graph answer with a status the caller did not expect; classify() turns it into a ConnectorError. */
export class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    /** error.code, then every nested innerError.code. */
    readonly codes: string[],
    readonly retryAfter: string | null,
    readonly detail: string,
  ) {
    super(`${method} answered HTTP ${status}${codes.length ? ` ${codes.join('/')}` : ''}${detail ? `: ${detail}` : ''}`);
    this.name = 'GraphFailure';
  }

  has(code: string): boolean {
    return this.codes.includes(code);
  }
}

/** Reads Graph's error body: {"error":{"code","message","innerError":{"code",...}}}; the codes are what we branch on. */
export function parseErrorBody(text: string): { codes: string[]; message: string } {
  const codes: string[] = [];
  let message = '';
  try {
    let e = (JSON.parse(text) as { error?: Record<string, unknown> }).error;
    message = typeof e?.message === 'string' ? e.message : '';
    for (let depth = 0; e && depth < 5; depth++) {
      if (typeof e.code === 'string' && !codes.includes(e.code)) codes.push(e.code);
      e = e.innerError as Record<string, unknown> | undefined;
    }
  } catch {
    message = text.slice(0, 200);
  }
  return { codes, message };
}

export const AUTH_MESSAGE = 'The OneDrive connection expired or was revoked: reconnect it under Destinations';

export { retryAfterMs };

const NAME_CODES = ['nameContainsInvalidCharacters', 'invalidPath', 'pathIsTooLong', 'pathTooDeep'];

/** research/providers.md 1.7: codes first (they are stable), then the status. */
function kindOf(f: GraphFailure): ConnectorErrorKind {
  if (f.status === 507 || f.has('quotaLimitReached')) return 'quota_exceeded';
  if (f.status === 429 || f.has('activityLimitReached') || f.has('throttledRequest')) return 'rate_limited';
  if (f.status === 503) return f.retryAfter ? 'rate_limited' : 'transient';
  if (NAME_CODES.some((c) => f.has(c))) return 'invalid_name';
  if (f.has('nameAlreadyExists')) return 'already_exists';
  switch (f.status) {
    case 401: return 'auth_expired';
    case 403: return 'permission_denied';
    case 404: return 'not_found';
    case 409: return 'already_exists';
    case 408: case 412: case 423: case 500: case 502: case 504: case 509: return 'transient';
    default: return f.status > 500 ? 'transient' : 'fatal';
  }
}

function message(kind: ConnectorErrorKind, f: GraphFailure, where: string): string {
  switch (kind) {
    case 'auth_expired': return AUTH_MESSAGE;
    case 'permission_denied': return `OneDrive does not allow this on ${where}: check that Dossier may still write there (${f.message})`;
    case 'quota_exceeded': return `The OneDrive is full (${where}): free some space or raise its quota`;
    case 'not_found': return `${where} does not exist on OneDrive`;
    case 'already_exists': return `${where} already exists on OneDrive`;
    case 'invalid_name': return `OneDrive refused the name ${where} (${f.message})`;
    case 'rate_limited': return `OneDrive asks us to slow down (${where})`;
    case 'transient': return `OneDrive had a temporary problem with ${where} (${f.message})`;
    default: return `OneDrive rejected the request for ${where} (${f.message})`;
  }
}

/** Maps any OneDrive failure to a ConnectorError; the one place Graph failures are classified. */
export function classify(err: unknown, path: string, signal?: AbortSignal): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const where = path || 'the root folder';
  if (signal?.aborted || (err as Error)?.name === 'AbortError') {
    return new ConnectorError('cancelled', 'The operation was cancelled.', undefined, { cause: err });
  }
  if (err instanceof GraphFailure) {
    const kind = kindOf(err);
    const wait = kind === 'rate_limited' ? retryAfterMs(err.retryAfter) : undefined;
    return new ConnectorError(kind, message(kind, err, where), wait, { cause: err });
  }
  const network = networkFailure(err);
  if (network !== null) return new ConnectorError('transient', `Could not reach OneDrive for ${where} (${network})`, undefined, { cause: err });
  const detail = detailOf(err);
  return new ConnectorError('fatal', `${detail} (${where})`, undefined, { cause: err });
}
