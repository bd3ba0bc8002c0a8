import type { ConnectorError, ConnectorErrorKind } from '../connector.js';
import { classifyHttp } from '../kit/classify-http.js';
import { HttpFailure } from '../kit/http-failure.js';

/** A Dropbox answer with a status the caller did not expect; classify() turns it into a ConnectorError. */
export class DropboxFailure extends HttpFailure {
  constructor(
    status: number,
    /** The route, where other providers name the method. */
    readonly route: string,
    /** Every `.tag` of the error union, outside in: ["path", "conflict", "file"]. */
    tags: string[],
    retryAfter: string | null,
    /** The body's error.retry_after, for when Retry-After is missing. */
    private readonly bodyWaitMs: number | undefined,
    detail: string,
    /** incorrect_offset: where the session really stands. */
    readonly correctOffset?: number,
  ) {
    super(status, route, tags, retryAfter, detail);
    this.name = 'DropboxFailure';
  }

  override waitMs(): number | undefined {
    return super.waitMs() ?? this.bodyWaitMs;
  }
}

/** The Dropbox failure behind a ConnectorError made by classify(), if any. */
export const failureOf = (e: unknown): DropboxFailure | undefined => {
  const cause = (e as { cause?: unknown })?.cause;
  return e instanceof DropboxFailure ? e : cause instanceof DropboxFailure ? cause : undefined;
};

/**
 * Reads an error body (docs/providers/dropbox.md, "Errors and throttling"): JSON
 * `{"error_summary","error":{...}}` on 401, 409 and 429, whose `error` union is what we branch on
 * (never the summary); plain text on 400 and 5xx.
 */
export function parseFailure(status: number, route: string, text: string, retryAfter: string | null): DropboxFailure {
  const tags: string[] = [];
  let detail = '';
  let bodyWait: number | undefined;
  let correctOffset: number | undefined;
  try {
    const body = JSON.parse(text) as { error_summary?: unknown; user_message?: { text?: unknown }; error?: unknown };
    detail = typeof body.user_message?.text === 'string' ? body.user_message.text : typeof body.error_summary === 'string' ? body.error_summary : '';
    const walk = (v: unknown, depth: number) => {
      if (!v || typeof v !== 'object' || depth > 8) return;
      const o = v as Record<string, unknown>;
      if (typeof o['.tag'] === 'string') tags.push(o['.tag']);
      if (typeof o.retry_after === 'number') bodyWait = o.retry_after * 1000;
      if (typeof o.correct_offset === 'number') correctOffset = o.correct_offset;
      for (const [k, child] of Object.entries(o)) if (k !== '.tag') walk(child, depth + 1);
    };
    walk(body.error, 0);
  } catch {
    detail = text.slice(0, 300);
  }
  return new DropboxFailure(status, route, tags, retryAfter, bodyWait, detail, correctOffset);
}

export const AUTH_MESSAGE = 'The Dropbox connection expired or was revoked: reconnect it under Destinations';

const NAME_TAGS = ['malformed_path', 'disallowed_name'];

/** docs/providers/dropbox.md, "Errors and throttling": tags first (they are stable), then the status. */
function kindOf(f: DropboxFailure): ConnectorErrorKind {
  if (f.status === 401) return f.has('missing_scope') ? 'permission_denied' : 'auth_expired';
  if (f.status === 403) return 'permission_denied';
  if (f.status === 429 || f.has('too_many_write_operations') || f.has('too_many_requests')) return 'rate_limited';
  if (f.status >= 500) return f.status === 503 && f.waitMs() !== undefined ? 'rate_limited' : 'transient';
  if (f.status !== 409) return 'fatal';
  if (f.has('insufficient_space')) return 'quota_exceeded';
  if (NAME_TAGS.some((t) => f.has(t))) return 'invalid_name';
  if (f.has('no_write_permission')) return 'permission_denied';
  if (f.has('not_file')) return 'is_directory';
  if (f.has('not_found') || f.has('not_folder')) return 'not_found';
  if (f.has('conflict')) return 'already_exists';
  // A cursor reset, an offset the service moved past, a hash garbled on the way: trying again helps.
  if (['reset', 'incorrect_offset', 'content_hash_mismatch', 'internal_error'].some((t) => f.has(t))) return 'transient';
  return 'fatal';
}

function message(kind: ConnectorErrorKind, f: DropboxFailure, where: string): string {
  switch (kind) {
    case 'auth_expired': return AUTH_MESSAGE;
    case 'permission_denied': return f.has('missing_scope')
      ? 'The Dropbox connection lacks a permission Dossier needs: reconnect it under Destinations and allow every permission asked'
      : `Dropbox does not allow this on ${where}: check that Dossier may still write there (${f.detail})`;
    case 'quota_exceeded': return `The Dropbox is full (${where}): free some space or upgrade the Dropbox plan`;
    case 'not_found': return `${where} does not exist on Dropbox`;
    case 'is_directory': return `${where} is a folder on Dropbox`;
    case 'already_exists': return `${where} already exists on Dropbox`;
    case 'invalid_name': return `Dropbox refused the name ${where} (${f.codes.join('/')})`;
    case 'rate_limited': return `Dropbox asks us to slow down (${where})`;
    case 'transient': return `Dropbox had a temporary problem with ${where} (${f.detail || f.codes.join('/') || `HTTP ${f.status}`})`;
    default: return `Dropbox rejected ${f.route} for ${where} (${f.detail || f.codes.join('/') || `HTTP ${f.status}`})`;
  }
}

/** Maps any Dropbox failure to a ConnectorError; the one place Dropbox failures are classified. */
export function classify(err: unknown, path: string, signal?: AbortSignal): ConnectorError {
  return classifyHttp(err, path, signal, { provider: 'Dropbox', kindOf, message });
}
