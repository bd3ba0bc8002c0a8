import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../log/log.js';
import { consentPage, errorPage } from './consent.js';
import { FormError, readForm, sendHtml, sendJson } from './http.js';
import { oauthError, SHAPES, type GrantProblem, type ProviderName, type ProviderShape } from './shapes.js';

/** Implemented by each API emulator (Graph, Drive, Dropbox): access tokens it will accept for a user. */
export interface TokenIssuer {
  tokenFor(user: string): string;
  /** Makes the user's (or everyone's) access tokens fail at the API, as after expiry or revocation. */
  expireTokens?(user?: string): void;
}

export interface SandboxClient {
  provider: ProviderName;
  clientId: string;
  /** Absent for a public client (PKCE only). */
  clientSecret?: string;
  redirectUris: string[];
  appName?: string;
}

export interface OAuthEmulatorOptions {
  issuers: Partial<Record<ProviderName, TokenIssuer>>;
  clients?: SandboxClient[];
  /** Authorization codes live this long; Microsoft's and Google's last about 10 minutes. */
  codeLifetimeMs?: number;
  /** The user name the consent form proposes. */
  defaultUser?: string;
  /** The clock, so a test can make codes expire without waiting. */
  now?: () => number;
  log?: Logger;
}

interface Code {
  provider: ProviderName; clientId: string; user: string; redirectUri: string; scope: string;
  challenge: string | null; wantsRefresh: boolean; expiresAt: number; used: boolean;
}

interface Grant {
  provider: ProviderName; clientId: string; user: string; scope: string; revoked: boolean;
  refreshTokens: Map<string, { expired: boolean }>; accessTokens: Set<string>;
}

export interface OAuthEmulator {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  registerClient(client: SandboxClient): void;
  /** The user withdrew consent (or an admin revoked it): every refresh token of the grant answers invalid_grant. */
  revokeGrant(provider: ProviderName, user: string): void;
  /** Refresh tokens expire (Microsoft's after 90 idle days), and access tokens stop working at the API. */
  expireTokens(provider: ProviderName, user?: string): void;
  /** What tests look into: how many refreshes each provider answered, the grants. */
  stats: { refreshes: Record<ProviderName, number>; exchanges: Record<ProviderName, number> };
  grants(provider: ProviderName, user: string): Array<{ refreshTokens: number; revoked: boolean }>;
}

const token = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * One authorization server for Microsoft, Google and Dropbox, mounted at /microsoft, /google and
 * /dropbox: consent page, authorization codes with PKCE, token exchange and refresh, revocation.
 */
export function createOAuthEmulator(opts: OAuthEmulatorOptions): OAuthEmulator {
  const clients = new Map<string, SandboxClient>();
  const codes = new Map<string, Code>();
  const grants: Grant[] = [];
  const byRefresh = new Map<string, Grant>();
  const byAccess = new Map<string, Grant>();
  const now = opts.now ?? Date.now;
  const codeLifetime = opts.codeLifetimeMs ?? 10 * 60_000;
  const stats = { refreshes: { microsoft: 0, google: 0, dropbox: 0 }, exchanges: { microsoft: 0, google: 0, dropbox: 0 } };
  // One app id may exist at several providers (the sandbox registers the same one everywhere).
  const clientKey = (provider: ProviderName, id: string) => `${provider} ${id}`;
  for (const c of opts.clients ?? []) clients.set(clientKey(c.provider, c.clientId), c);

  const issuer = (shape: ProviderShape) => opts.issuers[shape.name]!;

  const issueTokens = (shape: ProviderShape, grant: Grant, withRefresh: boolean) => {
    const access = issuer(shape).tokenFor(grant.user);
    grant.accessTokens.add(access);
    byAccess.set(access, grant);
    const body: Record<string, unknown> = {
      access_token: access, token_type: shape.name === 'dropbox' ? 'bearer' : 'Bearer', expires_in: shape.accessTokenSeconds,
      scope: grant.scope, ...shape.tokenExtras(grant.user),
    };
    if (withRefresh) {
      const refresh = token(shape.name === 'google' ? '1//' : 'M.R3_');
      grant.refreshTokens.set(refresh, { expired: false });
      byRefresh.set(refresh, grant);
      body.refresh_token = refresh;
    }
    return body;
  };

  /** The client named by the request, authenticated by client_secret_post or HTTP Basic. */
  const authenticateClient = (shape: ProviderShape, req: IncomingMessage, form: URLSearchParams): SandboxClient | null => {
    let id = form.get('client_id'), secret = form.get('client_secret');
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const [u, p] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      id = decodeURIComponent(u ?? ''); secret = decodeURIComponent(p ?? '');
    }
    const client = id ? clients.get(clientKey(shape.name, id)) : undefined;
    if (!client) return null;
    if (client.clientSecret !== undefined && !(secret && sameSecret(secret, client.clientSecret))) return null;
    return client;
  };

  const authorize = async (shape: ProviderShape, req: IncomingMessage, res: ServerResponse, url: URL) => {
    const params = req.method === 'POST' ? await readForm(req) : url.searchParams;
    const client = clients.get(clientKey(shape.name, params.get('client_id') ?? ''));
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!client) return sendHtml(res, 400, errorPage(shape.title, 'The application (client_id) is unknown.'));
    if (!client.redirectUris.includes(redirectUri)) return sendHtml(res, 400, errorPage(shape.title, `The redirect URI ${redirectUri} is not registered for this application.`));
    const back = (fields: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [k, v] of Object.entries(fields)) target.searchParams.set(k, v);
      const state = params.get('state');
      if (state !== null) target.searchParams.set('state', state);
      res.writeHead(302, { Location: target.toString(), 'Cache-Control': 'no-store' }).end();
    };
    if (params.get('response_type') !== 'code') return back({ error: 'unsupported_response_type', error_description: 'Only response_type=code is supported.' });
    const challenge = params.get('code_challenge');
    if (challenge !== null && params.get('code_challenge_method') !== 'S256') return back({ error: 'invalid_request', error_description: 'code_challenge_method must be S256.' });
    if (challenge === null && client.clientSecret === undefined) return back({ error: 'invalid_request', error_description: 'A public client must send a PKCE code_challenge.' });
    const scope = params.get('scope') ?? '';
    if (req.method !== 'POST') {
      return sendHtml(res, 200, consentPage({
        providerTitle: shape.title, appName: client.appName ?? 'Dossier', scopes: scope.split(/\s+/).filter(Boolean), params,
        defaultUser: opts.defaultUser ?? 'sandbox-user',
      }));
    }
    const decision = params.get('decision');
    params.delete('decision');
    if (decision !== 'allow') return back({ error: 'access_denied', error_description: 'The user denied access to the application.' });
    const user = params.get('login') ?? '';
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(user)) return sendHtml(res, 400, errorPage(shape.title, 'Give a user name of letters, digits, dots, dashes or underscores.'));
    // Google hands out a refresh token only at the first consent, unless prompt=consent asks again.
    const consentedBefore = grants.some((g) => g.provider === shape.name && g.clientId === client.clientId && g.user === user && !g.revoked);
    const wantsRefresh = shape.wantsRefreshToken(params) && !(shape.name === 'google' && consentedBefore && params.get('prompt') !== 'consent');
    const code = token(shape.name === 'microsoft' ? 'M.C5_' : '4/');
    codes.set(code, { provider: shape.name, clientId: client.clientId, user, redirectUri, scope, challenge, wantsRefresh, expiresAt: now() + codeLifetime, used: false });
    back(shape.name === 'google' ? { code, scope } : { code });
  };

  const tokenEndpoint = async (shape: ProviderShape, req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return sendJson(res, 405, oauthError(shape, 405, 'invalid_request', 'Use POST.').body);
    const form = await readForm(req);
    const client = authenticateClient(shape, req, form);
    const fail = (e: { status: number; body: Record<string, unknown> }) => sendJson(res, e.status, e.body);
    if (!client) return fail(oauthError(shape, 401, 'invalid_client', 'The client could not be authenticated.'));
    const grantType = form.get('grant_type');
    const badGrant = (p: GrantProblem) => fail(shape.invalidGrant(p));
    if (grantType === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      if (!code || code.clientId !== client.clientId) return badGrant('code_unknown');
      if (code.used) return badGrant('code_used');
      if (code.expiresAt <= now()) return badGrant('code_expired');
      if (form.get('redirect_uri') !== code.redirectUri) return badGrant('redirect_mismatch');
      const verifier = form.get('code_verifier');
      if (code.challenge !== null && (!verifier || s256(verifier) !== code.challenge)) return badGrant('verifier_mismatch');
      code.used = true;
      stats.exchanges[shape.name]++;
      const grant: Grant = { provider: shape.name, clientId: client.clientId, user: code.user, scope: code.scope, revoked: false, refreshTokens: new Map(), accessTokens: new Set() };
      grants.push(grant);
      return sendJson(res, 200, issueTokens(shape, grant, code.wantsRefresh));
    }
    if (grantType === 'refresh_token') {
      const presented = form.get('refresh_token') ?? '';
      const grant = byRefresh.get(presented);
      if (!grant || grant.clientId !== client.clientId) return badGrant('refresh_unknown');
      if (grant.revoked) return badGrant('grant_revoked');
      if (grant.refreshTokens.get(presented)?.expired) return badGrant('refresh_expired');
      stats.refreshes[shape.name]++;
      // Microsoft rotates and leaves the old token valid; Google and Dropbox keep the one they gave.
      return sendJson(res, 200, issueTokens(shape, grant, shape.rotatesRefreshToken));
    }
    return fail(oauthError(shape, 400, 'unsupported_grant_type', `grant_type ${grantType ?? '(none)'} is not supported.`));
  };

  const endGrant = (grant: Grant) => {
    grant.revoked = true;
    issuer(SHAPES[grant.provider]).expireTokens?.(grant.user);
  };

  /** Google: POST /revoke with token=<access or refresh token>. Dropbox: POST /2/auth/token/revoke with the bearer token. */
  const revoke = async (shape: ProviderShape, req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'POST') return sendJson(res, 405, oauthError(shape, 405, 'invalid_request', 'Use POST.').body);
    if (shape.name === 'google') {
      const form = await readForm(req);
      const presented = form.get('token') ?? url.searchParams.get('token') ?? '';
      const grant = byRefresh.get(presented) ?? byAccess.get(presented);
      if (!grant || grant.revoked) return sendJson(res, 400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
      // Google removes the app's access for the user as a whole: every token from every consent ends.
      for (const g of grants) if (g.provider === grant.provider && g.clientId === grant.clientId && g.user === grant.user) endGrant(g);
      return sendJson(res, 200, {});
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const grant = byAccess.get(bearer);
    if (!grant || grant.revoked) {
      return sendJson(res, 401, { error_summary: 'invalid_access_token/...', error: { '.tag': 'invalid_access_token' } });
    }
    endGrant(grant);
    return sendJson(res, 200, null);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const m = /^\/(microsoft|google|dropbox)(\/.*)$/.exec(url.pathname);
    const shape = m ? SHAPES[m[1] as ProviderName] : undefined;
    try {
      if (!m || !shape || !opts.issuers[shape.name]) return sendJson(res, 404, { error: 'not_found', error_description: 'No such sandbox endpoint.' });
      const rest = m[2]!;
      if (shape.authorize.test(rest)) return await authorize(shape, req, res, url);
      if (shape.token.test(rest)) return await tokenEndpoint(shape, req, res);
      if (shape.revoke?.test(rest)) return await revoke(shape, req, res, url);
      return sendJson(res, 404, { error: 'not_found', error_description: 'No such sandbox endpoint.' });
    } catch (e) {
      if (res.headersSent) return;
      if (e instanceof FormError) return sendJson(res, e.status, oauthError(shape!, e.status, 'invalid_request', e.message).body);
      opts.log?.error({ err: e }, 'oauth sandbox failure');
      sendJson(res, 500, { error: 'server_error', error_description: (e as Error).message });
    }
  };

  const grantsOf = (provider: ProviderName, user?: string) => grants.filter((g) => g.provider === provider && (user === undefined || g.user === user));

  return {
    handle,
    stats,
    registerClient: (c) => { clients.set(clientKey(c.provider, c.clientId), c); },
    revokeGrant: (provider, user) => { for (const g of grantsOf(provider, user)) endGrant(g); },
    expireTokens: (provider, user) => {
      for (const g of grantsOf(provider, user)) for (const t of g.refreshTokens.values()) t.expired = true;
      opts.issuers[provider]?.expireTokens?.(user);
    },
    grants: (provider, user) => grantsOf(provider, user).map((g) => ({ refreshTokens: g.refreshTokens.size, revoked: g.revoked })),
  };
}

/** Serves the emulator on a free loopback port; `url` is its origin, below which /microsoft, /google and /dropbox live. */
export async function startOAuthEmulator(opts: OAuthEmulatorOptions): Promise<OAuthEmulator & { url: string; stop(): Promise<void> }> {
  const emu = createOAuthEmulator(opts);
  const server = createServer((req, res) => void emu.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    ...emu,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
