/**
 * A Drive v3 failure (docs/providers/google-drive.md, "Errors and throttling"): HTTP status plus
 * the one `errors[]` entry whose `reason` clients branch on. Handlers throw it; the server turns it
 * into Drive's body shape.
 */
export class DriveError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly domain: string = 'global',
    readonly headers: Record<string, string> = {},
    /** Where the fault lies, as Drive says for auth and parameter errors. */
    readonly location?: { locationType: string; location: string },
  ) {
    super(message);
    this.name = 'DriveError';
  }
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 502: 'UNAVAILABLE', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED',
};

/** `{"error":{"code","message","errors":[{"domain","reason","message",...}],"status"}}`. */
export function errorBody(e: DriveError): string {
  return JSON.stringify({
    error: {
      code: e.status,
      message: e.message,
      errors: [{ domain: e.domain, reason: e.reason, message: e.message, ...e.location }],
      status: STATUS_NAMES[e.status] ?? 'UNKNOWN',
    },
  });
}

export const notFound = (fileId: string) =>
  new DriveError(404, 'notFound', `File not found: ${fileId}.`, 'global', {}, { locationType: 'parameter', location: 'fileId' });
export const badRequest = (message: string) => new DriveError(400, 'badRequest', message);
/** A parameter Drive cannot read: reason "invalid", naming the parameter. */
export const invalidParameter = (location: string, message = 'Invalid Value') =>
  new DriveError(400, 'invalid', message, 'global', {}, { locationType: 'parameter', location });
export const authError = (message = 'Invalid Credentials') =>
  new DriveError(401, 'authError', message, 'global', { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    { locationType: 'header', location: 'Authorization' });
export const storageQuotaExceeded = () =>
  new DriveError(403, 'storageQuotaExceeded', "The user's Drive storage quota has been exceeded.", 'usageLimits');
export const userRateLimitExceeded = () => new DriveError(403, 'userRateLimitExceeded', 'User rate limit exceeded.', 'usageLimits');
export const rateLimitExceeded = (status: 403 | 429) => new DriveError(status, 'rateLimitExceeded', 'Rate limit exceeded.', 'usageLimits');
export const backendError = (status = 500) => new DriveError(status, 'backendError', 'Backend Error');
