import type { ConnectorError, ConnectorErrorKind } from '../connector.js';
import type { HttpFailure } from '../kit/http-failure.js';
import { classifyHttp } from '../kit/classify-http.js';

/**
 * Reads {"error":{"code","message","errors":[{"domain","reason","message","locationType","location"}]}}.
 * `codes` are the errors[].reason values, in order: what Drive's clients branch on
 * (docs/providers/google-drive.md, "Errors and throttling"), then "param:<name>" for each parameter
 * Drive blames (a refused pageToken says "param:pageToken").
 */
export function parseErrorBody(text: string): { codes: string[]; message: string } {
  try {
    const e = (JSON.parse(text) as { error?: { message?: unknown; errors?: Array<{ reason?: unknown; locationType?: unknown; location?: unknown }> } }).error;
    const errors = (Array.isArray(e?.errors) ? e.errors : []).slice(0, 10);
    const reasons = errors.map((x) => x?.reason).filter((r): r is string => typeof r === 'string');
    const params = errors.filter((x) => x?.locationType === 'parameter' && typeof x.location === 'string').map((x) => `param:${String(x.location)}`);
    return { codes: [...reasons, ...params], message: typeof e?.message === 'string' ? e.message.slice(0, 300) : '' };
  } catch {
    return { codes: [], message: text.slice(0, 200) };
  }
}

export const AUTH_MESSAGE = 'The Google Drive connection expired or was revoked: reconnect it under Destinations';

/** Slow-down answers: rclone retries exactly these, with exponential backoff. */
const RATE_REASONS = ['userRateLimitExceeded', 'rateLimitExceeded', 'sharingRateLimitExceeded'];
/** The daily upload cap (about 750 GB per user) and the project's daily quota: waiting minutes does not help. */
const DAILY_REASONS = ['dailyLimitExceeded', 'uploadLimitExceeded'];
const FULL_REASONS = ['storageQuotaExceeded', 'quotaExceeded', 'teamDriveFileLimitExceeded'];
const DENIED_REASONS = ['insufficientFilePermissions', 'appNotAuthorizedToFile', 'domainPolicy', 'forbidden', 'insufficientPermissions'];

/** docs/providers/google-drive.md, "Errors and throttling": reasons first (403 means many things), then the status. */
function kindOf(f: HttpFailure): ConnectorErrorKind {
  if (FULL_REASONS.some((r) => f.has(r)) || DAILY_REASONS.some((r) => f.has(r))) return 'quota_exceeded';
  if (f.status === 429 || RATE_REASONS.some((r) => f.has(r))) return 'rate_limited';
  if (f.status === 401 || f.has('authError')) return 'auth_expired';
  if (DENIED_REASONS.some((r) => f.has(r))) return 'permission_denied';
  switch (f.status) {
    case 403: return 'permission_denied';
    case 404: return 'not_found';
    case 408: return 'transient';
    default: return f.status >= 500 ? 'transient' : 'fatal';
  }
}

function message(kind: ConnectorErrorKind, f: HttpFailure, where: string): string {
  switch (kind) {
    case 'auth_expired': return AUTH_MESSAGE;
    case 'permission_denied': return `Google Drive does not allow this on ${where}: check that Dossier may still write there (${f.message})`;
    case 'quota_exceeded':
      return DAILY_REASONS.some((r) => f.has(r))
        ? `Google Drive's daily upload limit was reached (${where}): the backup goes on by itself tomorrow`
        : `The Google Drive is full (${where}): free some space (empty the trash too) or buy more storage`;
    case 'not_found': return `${where} does not exist on Google Drive`;
    case 'rate_limited': return `Google Drive asks us to slow down (${where})`;
    case 'transient': return `Google Drive had a temporary problem with ${where} (${f.message})`;
    default: return `Google Drive rejected the request for ${where} (${f.message})`;
  }
}

/** Maps any Google Drive failure to a ConnectorError; the one place Drive failures are classified. Drive does not promise a Retry-After; without one the caller's exponential backoff applies. */
export function classify(err: unknown, path: string, signal?: AbortSignal): ConnectorError {
  return classifyHttp(err, path, signal, { provider: 'Google Drive', kindOf, message });
}
