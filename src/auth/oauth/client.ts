import * as oauth from 'oauth4webapi';
import { cancelled, ConnectorError } from '../../connectors/connector.js';
import { DomainError } from '../../domain/errors.js';
import type { OAuthProvider } from './providers.js';

/**
 * The authorization-code flow with PKCE, refresh and revocation, through oauth4webapi. This
 * file turns the library's answers into Dossier's: tokens, "the grant is gone", or a failure
 * worth retrying.
 */
export interface TokenSet {
  accessToken: string;
  /** Absent when the provider kept the previous one (Google, Dropbox) or gave none. */
  refreshToken: string | null;
  /** Epoch milliseconds; null when the provider does not say. */
  expiresAt: number | null;
  scope: string | null;
}

/** The provider refused the refresh token or code (invalid_grant): only the user can fix it, by reconnecting. */
export class GrantGone extends Error {
  constructor(readonly description: string) {
    super(`The provider no longer accepts this sign-in (invalid_grant: ${description})`);
    this.name = 'GrantGone';
  }
}

export interface OAuthClientOptions {
  fetch?: typeof fetch;
  now?: () => number;
  /** A token request that takes longer than this is given up (and retried later). */
  timeoutMs?: number;
}

const asOf = (p: OAuthProvider): oauth.AuthorizationServer => ({
  issuer: p.issuer, authorization_endpoint: p.authorizationEndpoint, token_endpoint: p.tokenEndpoint,
  ...(p.revocation.type === 'rfc7009' && { revocation_endpoint: p.revocation.endpoint }),
});
const clientOf = (p: OAuthProvider): oauth.Client => ({ client_id: p.app.clientId });

export class OAuthClient {
  private readonly now: () => number;

  constructor(private readonly opts: OAuthClientOptions = {}) {
    this.now = opts.now ?? Date.now;
  }

  private options(p: OAuthProvider, signal?: AbortSignal) {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 30_000);
    return {
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      ...(p.allowHttp && { [oauth.allowInsecureRequests]: true }),
      ...(this.opts.fetch && { [oauth.customFetch]: this.opts.fetch }),
    };
  }

  /** Where to send the user's browser: the consent page, with the state and the PKCE challenge. */
  async authorizationUrl(p: OAuthProvider, state: string, codeVerifier: string, scopes: readonly string[] = p.scopes): Promise<string> {
    const url = new URL(p.authorizationEndpoint);
    const q = url.searchParams;
    q.set('client_id', p.app.clientId);
    q.set('redirect_uri', p.app.redirectUrl);
    q.set('response_type', 'code');
    if (scopes.length) q.set('scope', scopes.join(' '));
    q.set('state', state);
    q.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    q.set('code_challenge_method', 'S256');
    for (const [k, v] of Object.entries(p.authorizeParams)) q.set(k, v);
    return url.toString();
  }

  /** Checks the callback against the expected state, then trades the code (and the PKCE verifier) for tokens. */
  async exchange(p: OAuthProvider, callback: URL, expectedState: string, codeVerifier: string): Promise<TokenSet> {
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(asOf(p), clientOf(p), callback, expectedState);
    } catch (e) {
      if (e instanceof oauth.AuthorizationResponseError) {
        if (e.error === 'access_denied') throw new DomainError('forbidden', `${p.title} access was declined: nothing was connected. Start again and choose Allow to connect.`, { reason: 'sign_in_declined', params: { provider: p.title } });
        throw new DomainError('invalid_input', `${p.title} refused the sign-in (${e.error}${e.error_description ? `: ${e.error_description}` : ''}). Start connecting again.`, { reason: 'sign_in_failed', params: { provider: p.title, detail: e.error } });
      }
      throw new DomainError('invalid_input', `The answer from ${p.title} is not valid (${(e as Error).message}). Start connecting again.`, { reason: 'sign_in_failed', params: { provider: p.title, detail: (e as Error).message } });
    }
    return this.call(p, async (o) => {
      const res = await oauth.authorizationCodeGrantRequest(asOf(p), clientOf(p), oauth.ClientSecretPost(p.app.clientSecret), params, p.app.redirectUrl, codeVerifier, o);
      return oauth.processAuthorizationCodeResponse(asOf(p), clientOf(p), res);
    });
  }

  async refresh(p: OAuthProvider, refreshToken: string, signal?: AbortSignal): Promise<TokenSet> {
    return this.call(p, async (o) => {
      const res = await oauth.refreshTokenGrantRequest(asOf(p), clientOf(p), oauth.ClientSecretPost(p.app.clientSecret), refreshToken, o);
      return oauth.processRefreshTokenResponse(asOf(p), clientOf(p), res);
    }, signal);
  }

  /** Gives the grant back where the provider allows it; false where it cannot (Microsoft). */
  async revoke(p: OAuthProvider, tokens: { accessToken: string; refreshToken: string | null }): Promise<boolean> {
    const r = p.revocation;
    if (r.type === 'none') return false;
    if (r.type === 'dropbox') {
      // Not RFC 7009: an RPC call authorised by the access token, which also ends its refresh token.
      const res = await (this.opts.fetch ?? fetch)(r.endpoint, { method: 'POST', headers: { Authorization: `Bearer ${tokens.accessToken}` }, signal: AbortSignal.timeout(30_000) });
      await res.body?.cancel();
      // 401: the token was already dead, which is what we wanted.
      if (!res.ok && res.status !== 401) throw new ConnectorError('transient', `Dropbox did not revoke the token (HTTP ${res.status}).`);
      return true;
    }
    // Google: revoking the refresh token ends the whole grant, access tokens included.
    try {
      const res = await oauth.revocationRequest(asOf(p), clientOf(p), oauth.ClientSecretPost(p.app.clientSecret), tokens.refreshToken ?? tokens.accessToken, this.options(p));
      await oauth.processRevocationResponse(res);
    } catch (e) {
      // An unknown or already revoked token: the grant is gone either way.
      if (!(e instanceof oauth.ResponseBodyError && ['invalid_token', 'invalid_grant'].includes(e.error))) throw this.classify(p, e);
    }
    return true;
  }

  private async call(p: OAuthProvider, fn: (o: ReturnType<OAuthClient['options']>) => Promise<oauth.TokenEndpointResponse>, signal?: AbortSignal): Promise<TokenSet> {
    try {
      return this.tokens(await fn(this.options(p, signal)));
    } catch (e) {
      throw this.classify(p, e, signal);
    }
  }

  private tokens(r: oauth.TokenEndpointResponse): TokenSet {
    return {
      accessToken: r.access_token,
      refreshToken: r.refresh_token ?? null,
      expiresAt: typeof r.expires_in === 'number' ? this.now() + r.expires_in * 1000 : null,
      scope: r.scope ?? null,
    };
  }

  private classify(p: OAuthProvider, e: unknown, signal?: AbortSignal): Error {
    if (e instanceof GrantGone || e instanceof DomainError || e instanceof ConnectorError) return e;
    if (signal?.aborted) return cancelled(e);
    if (e instanceof oauth.ResponseBodyError) {
      if (e.error === 'invalid_grant') return new GrantGone(e.error_description ?? 'no detail');
      if (e.status >= 500 || e.error === 'temporarily_unavailable') return new ConnectorError('transient', `${p.title} sign-in is temporarily unavailable (${e.error}); Dossier tries again later.`, undefined, { cause: e });
      if (e.error === 'invalid_client' || e.error === 'unauthorized_client') {
        return new ConnectorError('permission_denied', `${p.title} refused Dossier's app credentials (${e.error}): the administrator must check the ${p.kind} client id and secret in the configuration.`, undefined, { cause: e });
      }
      return new ConnectorError('fatal', `${p.title} refused the token request (${e.error}${e.error_description ? `: ${e.error_description}` : ''}).`, undefined, { cause: e });
    }
    // Network failures, timeouts, a proxy's HTML error page: nothing the user can do but wait.
    return new ConnectorError('transient', `Could not reach ${p.title} to sign in (${(e as Error)?.message ?? String(e)}); Dossier tries again later.`, undefined, { cause: e });
  }
}
