/**
 * Dropbox's error shapes (docs/providers/dropbox.md, "Errors and throttling"): 409 endpoint errors carry a Stone union
 * in `error` and a human `error_summary` built from its tags; 400 and 5xx answer plain text.
 */
export type Union = { '.tag': string; [field: string]: unknown };

/**
 * A union value: `u('not_found')` is `{".tag":"not_found"}`; a union payload nests under the tag
 * (`{".tag":"path","path":{...}}`); a struct payload is flattened (`{".tag":"incorrect_offset","correct_offset":5}`).
 */
export function u(tag: string, payload?: Record<string, unknown>): Union {
  if (!payload) return { '.tag': tag };
  if (typeof payload['.tag'] === 'string') return { '.tag': tag, [tag]: payload };
  return { '.tag': tag, ...payload };
}

export class DropboxError extends Error {
  constructor(
    readonly status: number,
    /** The `error` member of the JSON body; null for the plain-text answers (400, 5xx). */
    readonly error: Record<string, unknown> | null,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DropboxError';
  }
}

/** "path/conflict/file/..": every tag from the outside in, then Dropbox's varying suffix. */
export function summaryOf(error: Record<string, unknown>): string {
  const tags: string[] = [];
  let at: unknown = error;
  for (let depth = 0; at && typeof at === 'object' && depth < 8; depth++) {
    const e = at as Record<string, unknown>;
    const tag = typeof e['.tag'] === 'string' ? e['.tag'] : undefined;
    if (tag) tags.push(tag);
    at = tag && typeof e[tag] === 'object' ? e[tag] : Object.values(e).find((v) => v && typeof v === 'object' && '.tag' in (v as object));
  }
  // The suffix varies in the real service, so that nobody parses the summary instead of `error`.
  return `${tags.join('/')}/${'.'.repeat(2 + (tags.length % 2))}`;
}

export function errorText(e: DropboxError): string {
  if (!e.error) return e.message;
  return JSON.stringify({ error_summary: summaryOf(e.error), error: e.error });
}

/** A 409 endpoint error. */
export const endpoint = (error: Union, message = 'endpoint error') => new DropboxError(409, error, message);
/** 400 with a plain-text body, as Dropbox answers malformed calls. */
export const badRequest = (route: string, why: string) => new DropboxError(400, null, `Error in call to API function "${route}": ${why}`);

/**
 * A LookupError or WriteError raised deep inside the namespace; each route wraps it in its own
 * error union (`path`, `path_lookup`, `from_lookup`, `to`, ...), as the real routes do.
 */
export class NamespaceError extends Error {
  constructor(readonly kind: 'lookup' | 'write', readonly reason: Union) {
    super(`${kind} error ${reason['.tag']}`);
    this.name = 'NamespaceError';
  }
}

export const lookupError = (tag: 'not_found' | 'not_file' | 'not_folder' | 'malformed_path' | 'restricted_content') => new NamespaceError('lookup', u(tag));
export const writeError = (reason: Union) => new NamespaceError('write', reason);
export const conflict = (what: 'file' | 'folder' | 'file_ancestor') => writeError(u('conflict', u(what)));
export const insufficientSpace = () => writeError(u('insufficient_space'));

/** 429 with Retry-After and the RateLimitError body (a struct: no tag of its own). */
export function rateLimited(seconds: number, reason: 'too_many_requests' | 'too_many_write_operations'): DropboxError {
  return new DropboxError(429, { reason: u(reason), retry_after: seconds }, 'rate limited', { 'Retry-After': String(seconds) });
}

/** 401 AuthError: expired_access_token, invalid_access_token, ... */
export const authError = (tag: string) => new DropboxError(401, u(tag), tag);
