import { ConnectorError, type TokenSource } from '../connector.js';
import { BearerHttpClient, type BearerRequest } from '../kit/bearer-client.js';
import { classify, parseErrorBody } from './errors.js';

export interface GraphClientOptions {
  /** https://graph.microsoft.com/v1.0, or a national cloud or the sandbox. */
  baseUrl: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
}

export type GraphRequest = BearerRequest;

/** Percent-encodes one path segment on its own (docs/providers/onedrive.md, "Items and paths"): never the whole URL. */
export const encodeSegment = (s: string) => encodeURIComponent(s);

/** The colon form `:/a/b%20c.pdf:` of a path below an item, or "" for the item itself. */
export function colonPath(segments: string[]): string {
  return segments.length ? `:/${segments.map(encodeSegment).join('/')}:` : '';
}

// Graph asks ISVs to decorate the User-Agent; throttling is kinder to identified traffic.
const USER_AGENT = 'ISV|Dossier|Dossier/0.1';

/** Microsoft Graph over fetch: bearer tokens from the TokenSource, one refresh on 401, Graph errors classified. */
export class GraphClient extends BearerHttpClient {
  constructor(opts: GraphClientOptions) {
    super({ ...opts, headers: { 'User-Agent': USER_AGENT }, parseError: parseErrorBody, classify });
  }
}

export function requireTokens(tokens: TokenSource | undefined): TokenSource {
  if (!tokens) throw new ConnectorError('auth_expired', 'The OneDrive connection has no sign-in yet: connect it under Destinations');
  return tokens;
}
