import { ConnectorError, type TokenSource } from '../connector.js';
import { BearerHttpClient, type BearerRequest } from '../kit/bearer-client.js';
import { withRetry, type RetryPolicy } from '../kit/retry.js';
import { classify, parseErrorBody } from './errors.js';

export type DriveRequest = BearerRequest;

export interface DriveClientOptions {
  /** https://www.googleapis.com, or the sandbox: /drive/v3 and /upload/drive/v3 hang from it. */
  baseUrl: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
  /** How reads are retried; null: not at all (the caller sees the first failure). */
  readRetry?: RetryPolicy | null;
}

/** Three more tries within about four seconds. */
export const READ_RETRY: RetryPolicy = { retries: 3, minTimeoutMs: 250, maxTimeoutMs: 4000 };

/** Escapes a literal for a `q` expression: `\` and `'` get a backslash (docs/providers/google-drive.md, "Listing and queries"). */
export const qLiteral = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Google Drive v3 over fetch: bearer tokens from the TokenSource, one refresh on 401, Drive errors
 * classified. Session URIs of resumable uploads get the token too (Google's own clients send it).
 */
export class DriveClient extends BearerHttpClient {
  private readonly readRetry: RetryPolicy | null;

  constructor(opts: DriveClientOptions) {
    super({ ...opts, parseError: parseErrorBody, classify });
    this.readRetry = opts.readRetry === undefined ? READ_RETRY : opts.readRetry;
  }

  /**
   * Reads (GET) are tried again here on throttling and 5xx, as rclone's pacer does for every
   * call: a write costs a lookup and an upload, and a lookup that failed is no reason to make
   * the caller start the whole write over. Writes are not repeated here: the caller decides.
   */
  override request(method: string, target: string, req: DriveRequest): Promise<Response> {
    if (method !== 'GET' || !this.readRetry) return super.request(method, target, req);
    return withRetry(() => super.request(method, target, req), this.readRetry, req.signal);
  }
}

export function requireTokens(tokens: TokenSource | undefined): TokenSource {
  if (!tokens) throw new ConnectorError('auth_expired', 'The Google Drive connection has no sign-in yet: connect it under Destinations');
  return tokens;
}
