import type { ConnectorError, ConnectorErrorKind } from '../connector.js';
import type { HttpFailure } from '../kit/http-failure.js';
import { classifyHttp } from '../kit/classify-http.js';

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

const NAME_CODES = ['nameContainsInvalidCharacters', 'invalidPath', 'pathIsTooLong', 'pathTooDeep'];

/** docs/providers/onedrive.md, "Errors and throttling": codes first (they are stable), then the status. */
function kindOf(f: HttpFailure): ConnectorErrorKind {
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

function message(kind: ConnectorErrorKind, f: HttpFailure, where: string): string {
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
  return classifyHttp(err, path, signal, { provider: 'OneDrive', kindOf, message });
}
