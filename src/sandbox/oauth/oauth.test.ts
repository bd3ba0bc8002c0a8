import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { answerConsent } from '../../../test/helpers/consent.js';
import { startGraphEmulator, type GraphEmulator } from '../graph/server.js';
import { startOAuthEmulator, type OAuthEmulator, type TokenIssuer } from './server.js';
import type { ProviderName } from './shapes.js';

const REDIRECT = 'http://127.0.0.1:9/v1/oauth/callback';
const challengeOf = (v: string) => createHash('sha256').update(v).digest('base64url');

/** A stand-in API emulator: remembers which tokens it issued and which it killed. */
function fakeIssuer(): TokenIssuer & { live(t: string): boolean } {
  const tokens = new Map<string, { user: string; dead: boolean }>();
  return {
    tokenFor: (user) => { const t = `at_${randomBytes(8).toString('hex')}`; tokens.set(t, { user, dead: false }); return t; },
    expireTokens: (user) => { for (const t of tokens.values()) if (!user || t.user === user) t.dead = true; },
    live: (t) => tokens.get(t)?.dead === false,
  };
}

describe('sandbox authorization server', () => {
  let graph: GraphEmulator;
  let emu: OAuthEmulator & { url: string; stop(): Promise<void> };
  const google = fakeIssuer(), dropbox = fakeIssuer();
  let clock = Date.now();
  before(async () => {
    graph = await startGraphEmulator();
    emu = await startOAuthEmulator({
      issuers: { microsoft: { tokenFor: graph.tokenFor, expireTokens: (u) => graph.state.expireTokens(u) }, google, dropbox },
      clients: [
        { provider: 'microsoft', clientId: 'ms-app', clientSecret: 'ms-secret', redirectUris: [REDIRECT] },
        { provider: 'google', clientId: 'g-app', clientSecret: 'g-secret', redirectUris: [REDIRECT] },
        { provider: 'dropbox', clientId: 'db-app', redirectUris: [REDIRECT] },
      ],
      now: () => clock,
    });
  });
  after(async () => { await emu?.stop(); await graph?.stop(); });

  const paths: Record<ProviderName, { authorize: string; token: string }> = {
    microsoft: { authorize: '/microsoft/common/oauth2/v2.0/authorize', token: '/microsoft/common/oauth2/v2.0/token' },
    google: { authorize: '/google/o/oauth2/v2/auth', token: '/google/token' },
    dropbox: { authorize: '/dropbox/oauth2/authorize', token: '/dropbox/oauth2/token' },
  };
  const clientOf: Record<ProviderName, Record<string, string>> = {
    microsoft: { client_id: 'ms-app', client_secret: 'ms-secret' },
    google: { client_id: 'g-app', client_secret: 'g-secret' },
    dropbox: { client_id: 'db-app' },
  };
  const extra: Record<ProviderName, Record<string, string>> = {
    microsoft: { scope: 'Files.ReadWrite offline_access' },
    google: { scope: 'https://www.googleapis.com/auth/drive.file', access_type: 'offline', prompt: 'consent' },
    dropbox: { token_access_type: 'offline' },
  };

  function authorizeUrl(p: ProviderName, verifier: string, more: Record<string, string> = {}): string {
    const q = new URLSearchParams({
      client_id: clientOf[p].client_id!, redirect_uri: REDIRECT, response_type: 'code', state: 'st-1',
      code_challenge: challengeOf(verifier), code_challenge_method: 'S256', ...extra[p], ...more,
    });
    return `${emu.url}${paths[p].authorize}?${q}`;
  }

  const post = async (p: ProviderName, fields: Record<string, string>) => {
    const res = await fetch(emu.url + paths[p].token, { method: 'POST', body: new URLSearchParams({ ...clientOf[p], ...fields }) });
    return { status: res.status, body: await res.json() as Record<string, any>, cache: res.headers.get('cache-control') };
  };

  async function codeFor(p: ProviderName, verifier: string, login = 'alice', more: Record<string, string> = {}): Promise<string> {
    const back = await answerConsent(authorizeUrl(p, verifier, more), 'allow', login);
    assert.equal(back.searchParams.get('state'), 'st-1');
    return back.searchParams.get('code')!;
  }
  const exchange = (p: ProviderName, code: string, verifier: string) =>
    post(p, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });

  it('Allow returns a code that exchanges for tokens the Graph emulator accepts', async () => {
    const verifier = 'v'.repeat(50);
    const got = await exchange('microsoft', await codeFor('microsoft', verifier), verifier);
    assert.equal(got.status, 200);
    assert.equal(got.cache, 'no-store');
    assert.equal(got.body.token_type, 'Bearer');
    assert.ok(got.body.refresh_token, 'offline_access gives a refresh token');
    const me = await fetch(`${graph.url}/me`, { headers: { authorization: `Bearer ${got.body.access_token}` } });
    assert.equal((await me.json() as { displayName: string }).displayName, 'alice');
  });

  it('Deny redirects back with error=access_denied and the state', async () => {
    const back = await answerConsent(authorizeUrl('google', 'x'.repeat(43)), 'deny');
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('state'), 'st-1');
    assert.equal(back.searchParams.get('code'), null);
  });

  it('refuses an unregistered redirect URI with a page, never a redirect', async () => {
    const res = await fetch(authorizeUrl('microsoft', 'x'.repeat(43), { redirect_uri: 'https://evil.example/cb' }), { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });

  it('a wrong PKCE verifier is invalid_grant, in each provider\'s shape', async () => {
    const right = 'r'.repeat(43);
    const ms = await exchange('microsoft', await codeFor('microsoft', right), 'w'.repeat(43));
    assert.equal(ms.status, 400);
    assert.equal(ms.body.error, 'invalid_grant');
    assert.deepEqual(ms.body.error_codes, [501481]);
    assert.match(ms.body.error_description, /^AADSTS501481:/);
    const g = await exchange('google', await codeFor('google', right), 'w'.repeat(43));
    assert.deepEqual(g.body, { error: 'invalid_grant', error_description: 'Invalid code verifier.' });
  });

  it('codes are single-use and short-lived', async () => {
    const v = 's'.repeat(43);
    const code = await codeFor('dropbox', v);
    assert.equal((await exchange('dropbox', code, v)).status, 200);
    const again = await exchange('dropbox', code, v);
    assert.equal(again.body.error, 'invalid_grant');
    const late = await codeFor('microsoft', v);
    clock += 11 * 60_000;
    const expired = await exchange('microsoft', late, v);
    assert.deepEqual(expired.body.error_codes, [70008]);
  });

  it('Microsoft rotates the refresh token and keeps the old one valid', async () => {
    const v = 'm'.repeat(43);
    const first = (await exchange('microsoft', await codeFor('microsoft', v, 'bob'), v)).body;
    const second = (await post('microsoft', { grant_type: 'refresh_token', refresh_token: first.refresh_token })).body;
    assert.ok(second.refresh_token);
    assert.notEqual(second.refresh_token, first.refresh_token);
    const viaOld = await post('microsoft', { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    assert.equal(viaOld.status, 200);
  });

  it('Google keeps its refresh token, and gives one only at first consent unless prompt=consent', async () => {
    const v = 'g'.repeat(43);
    const first = (await exchange('google', await codeFor('google', v, 'carol'), v)).body;
    assert.ok(first.refresh_token);
    const refreshed = await post('google', { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.body.refresh_token, undefined);
    const quiet = (await exchange('google', await codeFor('google', v, 'carol', { prompt: 'none' }), v)).body;
    assert.equal(quiet.refresh_token, undefined, 'no second refresh token without prompt=consent');
  });

  it('a revoked grant and expired tokens answer invalid_grant; the API stops accepting the access token', async () => {
    const v = 'e'.repeat(43);
    const t = (await exchange('microsoft', await codeFor('microsoft', v, 'dave'), v)).body;
    emu.revokeGrant('microsoft', 'dave');
    const revoked = await post('microsoft', { grant_type: 'refresh_token', refresh_token: t.refresh_token });
    assert.deepEqual(revoked.body.error_codes, [50173]);
    assert.equal((await fetch(`${graph.url}/me`, { headers: { authorization: `Bearer ${t.access_token}` } })).status, 401);

    const t2 = (await exchange('microsoft', await codeFor('microsoft', v, 'erin'), v)).body;
    emu.expireTokens('microsoft', 'erin');
    const idle = await post('microsoft', { grant_type: 'refresh_token', refresh_token: t2.refresh_token });
    assert.deepEqual(idle.body.error_codes, [700082]);
  });

  it('revokes through Google\'s /revoke and Dropbox\'s token/revoke', async () => {
    const v = 'k'.repeat(43);
    const g = (await exchange('google', await codeFor('google', v, 'fay'), v)).body;
    const r = await fetch(`${emu.url}/google/revoke`, { method: 'POST', body: new URLSearchParams({ token: g.refresh_token }) });
    assert.equal(r.status, 200);
    assert.equal(google.live(g.access_token), false);
    assert.equal((await post('google', { grant_type: 'refresh_token', refresh_token: g.refresh_token })).body.error, 'invalid_grant');

    const d = (await exchange('dropbox', await codeFor('dropbox', v, 'fay'), v)).body;
    assert.equal(d.token_type, 'bearer');
    const rd = await fetch(`${emu.url}/dropbox/2/auth/token/revoke`, { method: 'POST', headers: { authorization: `Bearer ${d.access_token}` } });
    assert.equal(rd.status, 200);
    assert.equal(dropbox.live(d.access_token), false);
    assert.equal((await post('dropbox', { grant_type: 'refresh_token', refresh_token: d.refresh_token })).body.error, 'invalid_grant');
  });

  it('refuses a client with the wrong secret', async () => {
    const res = await post('microsoft', { grant_type: 'refresh_token', refresh_token: 'x', client_secret: 'wrong' });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
  });
});
