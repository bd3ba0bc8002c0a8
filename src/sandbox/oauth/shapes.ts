import { randomUUID } from 'node:crypto';

/**
 * What differs between the three authorization servers the sandbox imitates: where their endpoints
 * are, how long their tokens live, whether a refresh rotates the refresh token, and the exact shape
 * of their error bodies (docs/providers/onedrive.md, google-drive.md and dropbox.md, "Sign-in and
 * scopes").
 */
export type ProviderName = 'microsoft' | 'google' | 'dropbox';

export type GrantProblem =
  | 'code_unknown' | 'code_expired' | 'code_used' | 'redirect_mismatch' | 'verifier_mismatch'
  | 'refresh_unknown' | 'refresh_expired' | 'grant_revoked';

export interface ProviderShape {
  name: ProviderName;
  title: string;
  /** Paths below the provider's mount point; Microsoft's carry the tenant. */
  authorize: RegExp;
  token: RegExp;
  revoke?: RegExp;
  accessTokenSeconds: number;
  /** Microsoft sends a new refresh token on every refresh (the old one stays valid). */
  rotatesRefreshToken: boolean;
  /** Whether this authorization request asks for a refresh token at all. */
  wantsRefreshToken(params: URLSearchParams): boolean;
  /** The body and status of an invalid_grant answer, as this provider writes it. */
  invalidGrant(problem: GrantProblem): { status: number; body: Record<string, unknown> };
  /** Extra fields of a successful token response. */
  tokenExtras(user: string): Record<string, unknown>;
}

/** The AADSTS codes Microsoft puts in error_description and error_codes. */
const AADSTS: Record<GrantProblem, [number, string]> = {
  code_unknown: [70000, 'The provided value for the \'code\' parameter is not valid.'],
  code_expired: [70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.'],
  code_used: [54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'],
  redirect_mismatch: [500112, 'The reply address does not match the reply address provided when requesting Authorization code.'],
  verifier_mismatch: [501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.'],
  refresh_unknown: [9002313, 'Invalid request. Request is malformed or invalid.'],
  refresh_expired: [700082, 'The refresh token has expired due to inactivity. The token was issued on a date and was inactive for 90.00:00:00.'],
  grant_revoked: [50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.'],
};

const GOOGLE: Record<GrantProblem, string> = {
  code_unknown: 'Malformed auth code.',
  code_expired: 'Bad Request',
  code_used: 'Bad Request',
  redirect_mismatch: 'Bad Request',
  verifier_mismatch: 'Invalid code verifier.',
  refresh_unknown: 'Bad Request',
  refresh_expired: 'Token has been expired or revoked.',
  grant_revoked: 'Token has been expired or revoked.',
};

const DROPBOX: Record<GrantProblem, string> = {
  code_unknown: 'code doesn\'t exist or has expired',
  code_expired: 'code doesn\'t exist or has expired',
  code_used: 'code doesn\'t exist or has expired',
  redirect_mismatch: 'redirect_uri mismatch',
  verifier_mismatch: 'invalid code verifier',
  refresh_unknown: 'refresh token is malformed',
  refresh_expired: 'refresh token is invalid or revoked',
  grant_revoked: 'refresh token is invalid or revoked',
};

const scopes = (p: URLSearchParams) => (p.get('scope') ?? '').split(/\s+/).filter(Boolean);

export const SHAPES: Record<ProviderName, ProviderShape> = {
  microsoft: {
    name: 'microsoft',
    title: 'Microsoft',
    authorize: /^\/([^/]+)\/oauth2\/v2\.0\/authorize$/,
    token: /^\/([^/]+)\/oauth2\/v2\.0\/token$/,
    accessTokenSeconds: 3600,
    rotatesRefreshToken: true,
    wantsRefreshToken: (p) => scopes(p).includes('offline_access'),
    invalidGrant: (problem) => {
      const [code, text] = AADSTS[problem];
      return {
        status: 400,
        body: {
          error: 'invalid_grant', error_description: `AADSTS${code}: ${text} Trace ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
          error_codes: [code], timestamp: new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
          trace_id: randomUUID(), correlation_id: randomUUID(), error_uri: 'https://login.microsoftonline.com/error?code=' + code,
        },
      };
    },
    tokenExtras: () => ({ ext_expires_in: 3600 }),
  },
  google: {
    name: 'google',
    title: 'Google',
    authorize: /^\/o\/oauth2\/v2\/auth$/,
    token: /^\/token$/,
    revoke: /^\/revoke$/,
    accessTokenSeconds: 3599,
    rotatesRefreshToken: false,
    wantsRefreshToken: (p) => p.get('access_type') === 'offline',
    invalidGrant: (problem) => ({ status: 400, body: { error: 'invalid_grant', error_description: GOOGLE[problem] } }),
    tokenExtras: () => ({}),
  },
  dropbox: {
    name: 'dropbox',
    title: 'Dropbox',
    authorize: /^\/oauth2\/authorize$/,
    token: /^\/oauth2\/token$/,
    revoke: /^\/2\/auth\/token\/revoke$/,
    accessTokenSeconds: 14400,
    rotatesRefreshToken: false,
    wantsRefreshToken: (p) => p.get('token_access_type') === 'offline',
    invalidGrant: (problem) => ({ status: 400, body: { error: 'invalid_grant', error_description: DROPBOX[problem] } }),
    tokenExtras: (user) => ({ account_id: `dbid:${user}`, uid: user }),
  },
};

/** OAuth-style errors other than invalid_grant, in each provider's body shape. */
export function oauthError(shape: ProviderShape, status: number, error: string, description: string): { status: number; body: Record<string, unknown> } {
  if (shape.name === 'microsoft') {
    return { status, body: { error, error_description: `AADSTS900144: ${description}`, error_codes: [900144], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() } };
  }
  return { status, body: { error, error_description: description } };
}
