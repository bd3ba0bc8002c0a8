import { ConnectorError, type TokenSource } from '../connector.js';
import { BearerHttpClient, type BearerRequest } from '../kit/bearer-client.js';
import { classify, parseErrorBody } from './errors.js';

export { discard } from '../kit/bearer-client.js';
export type DriveRequest = BearerRequest;

export interface DriveClientOptions {
  /** https://www.googleapis.com, or the sandbox: /drive/v3 and /upload/drive/v3 hang from it. */
  baseUrl: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
}

/** Escapes a literal for a `q` expression: `\` and `'` get a backslash (research/providers.md 2.2). */
export const qLiteral = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Google Drive v3 over fetch: bearer tokens from the TokenSource, one refresh on 401, Drive errors
 * classified. Session URIs of resumable uploads get the token too (Google's own clients send it).
 */
export class DriveClient extends BearerHttpClient {
  constructor(opts: DriveClientOptions) {
    super({ ...opts, parseError: parseErrorBody, classify });
  }
}

export function requireTokens(tokens: TokenSource | undefined): TokenSource {
  if (!tokens) throw new ConnectorError('auth_expired', 'The Google Drive connection has no sign-in yet: connect it under Destinations');
  return tokens;
}
