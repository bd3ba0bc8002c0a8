import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config/config.js';
import { buildServer } from '../../src/api/server.js';
import { startCollectWorld, type CollectWorld } from '../helpers/collect.js';
import { mailsTo } from '../helpers/outbox.js';
import { startServed } from '../helpers/served.js';
import { CHROMIUM_MISSING, launchBrowser } from '../helpers/browser.js';

/**
 * Every kind of response carries a Content-Security-Policy that forbids framing and
 * X-Content-Type-Options: nosniff; every cookie Dossier sets is HttpOnly, SameSite and scoped
 * by Path, and Secure over https; stalled requests are cut while live event streams stay open;
 * the sandbox stays off on a non-loopback address unless asked for.
 */
function assertHardened(res: LightMyRequestResponse | Response, what: string): void {
  const get = (name: string) => (res instanceof Response ? res.headers.get(name) : res.headers[name]) ?? '';
  assert.match(String(get('content-security-policy')), /frame-ancestors 'none'/, `${what}: a CSP that forbids framing`);
  assert.equal(String(get('x-content-type-options')), 'nosniff', `${what}: nosniff`);
}

function cookieFlags(res: LightMyRequestResponse, name: string): string[] {
  const all = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const mine = all.find((c) => c.startsWith(`${name}=`));
  assert.ok(mine, `${name} is set (${all.join(' | ')})`);
  return mine.split(';').map((s) => s.trim()).slice(1);
}

async function webRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'dossier-webroot-'));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script>');
  await writeFile(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  return root;
}

/** A whole Dossier with a client invitation sent; its link's token, and a server with or without the web app. */
async function world(env: Record<string, string> = {}): Promise<CollectWorld & { token: string; server(webRoot?: string): Promise<FastifyInstance> }> {
  const w = await startCollectWorld({ env });
  const channel = await w.channel({ kind: 'onedrive', clientEmail: 'client@example.com' });
  await w.deps.collect.invitations.send(w.orgId, channel.id, w.userId);
  const token = /dci_[A-Za-z0-9_-]{43}/.exec((await mailsTo(w.deps.config.dataDir, 'client@example.com')).join('\n'))![0];
  const apps: FastifyInstance[] = [];
  return {
    ...w, token,
    server: async (root) => { const app = await buildServer({ ...w.deps, webRoot: root ?? null }); apps.push(app); return app; },
    close: async () => { for (const app of apps) await app.close(); await w.close(); },
  };
}

describe('security headers on every kind of response', () => {
  it('API JSON, errors, 404, the web app page and its files, /docs, the OAuth callback page and the invitation pages', async (t) => {
    const w = await world();
    const root = await webRoot();
    t.after(async () => { await w.close(); await rm(root, { recursive: true, force: true }); });
    const withWeb = await w.server(root);
    const withoutWeb = await w.server();
    const key = { authorization: `Bearer ${w.apiKey}` };
    const html = { accept: 'text/html' };
    const cases: Array<[string, FastifyInstance, InjectOptions, number]> = [
      ['API JSON', withWeb, { method: 'GET', url: '/v1/companies', headers: key }, 200],
      ['health', withWeb, { method: 'GET', url: '/health' }, 200],
      ['401', withWeb, { method: 'GET', url: '/v1/companies' }, 401],
      ['JSON 404', withWeb, { method: 'GET', url: '/no/such/thing', headers: { accept: 'application/json' } }, 404],
      ['API 404', withoutWeb, { method: 'GET', url: '/v1/nothing', headers: key }, 404],
      ['web app page', withWeb, { method: 'GET', url: '/', headers: html }, 200],
      ['web app deep link', withWeb, { method: 'GET', url: '/destinations/dst_x', headers: html }, 200],
      ['static asset', withWeb, { method: 'GET', url: '/assets/index-abc123.js' }, 200],
      ['OpenAPI document', withWeb, { method: 'GET', url: '/openapi.json' }, 200],
      ['OAuth callback page', withWeb, { method: 'GET', url: '/v1/oauth/callback?state=unknown&code=x' }, 400],
      ['invitation page', withoutWeb, { method: 'GET', url: `/connect/${w.token}` }, 200],
      ['invitation error page', withoutWeb, { method: 'GET', url: `/connect/dci_${'x'.repeat(43)}` }, 404],
      ['invitation redirect to the web app', withWeb, { method: 'GET', url: `/connect/${w.token}` }, 303],
    ];
    for (const [what, app, request, status] of cases) {
      const res = await app.inject(request);
      assert.equal(res.statusCode, status, `${what}: ${res.body.slice(0, 200)}`);
      assertHardened(res, what);
    }
    // The web app's own policy: its scripts from this origin only.
    const page = await withWeb.inject({ method: 'GET', url: '/', headers: html });
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'(;|$)/);
    assert.match(String(page.headers['content-security-policy']), /connect-src 'self'/);
  });

  it('/docs keeps working under its own policy: its page, scripts and the OpenAPI document load', async (t) => {
    const w = await world();
    t.after(() => w.close());
    const app = await w.server();
    let res = await app.inject({ method: 'GET', url: '/docs' });
    if (res.statusCode >= 300 && res.statusCode < 400) res = await app.inject({ method: 'GET', url: new URL(String(res.headers.location), 'http://x/docs/').pathname });
    assert.equal(res.statusCode, 200);
    assertHardened(res, '/docs');
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    const scripts = [...res.body.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(scripts.length >= 3, 'the page loads swagger-ui');
    for (const src of scripts) {
      const script = await app.inject({ method: 'GET', url: new URL(src, 'http://x/docs/').pathname });
      assert.equal(script.statusCode, 200, src);
      assert.match(String(script.headers['content-type']), /javascript/, src);
      assertHardened(script, src);
    }
    const json = await app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(json.statusCode, 200);
    assert.equal(json.json().info.title, 'Dossier API');
  });

  it('/docs renders in Chromium: the policy lets swagger-ui run', async (t) => {
    const browser = await launchBrowser();
    if (!browser) { t.skip(CHROMIUM_MISSING); return; }
    const s = await startServed();
    t.after(async () => { await browser.close(); await s.close(); });
    const page = await browser.context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    await page.goto(`${s.baseUrl}/docs`);
    await page.getByText('Dossier API').first().waitFor({ timeout: 30_000 });
    await page.getByText('/v1/companies').first().waitFor({ timeout: 30_000 });
    assert.deepEqual(violations, []);
  });
});

describe('cookies', () => {
  it('the session, OAuth and invitation cookies are HttpOnly, SameSite=Lax and scoped by Path; not Secure on plain http', async (t) => {
    const w = await world();
    t.after(() => w.close());
    const app = await w.server();
    const signIn = await app.inject({ method: 'POST', url: '/v1/session', payload: { email: 'admin@localhost', password: 'wrong password' } });
    assert.equal(signIn.statusCode, 401);
    await w.deps.db.updateTable('users').set({ password_hash: null }).execute();
    const { setPassword } = await import('../../src/auth/sessions.js');
    await setPassword(w.deps.db, w.orgId, w.userId, 'correct horse battery');
    const ok = await app.inject({ method: 'POST', url: '/v1/session', payload: { email: 'admin@localhost', password: 'correct horse battery' } });
    assert.equal(ok.statusCode, 200, ok.body);
    const session = cookieFlags(ok, 'dossier_session');
    for (const flag of ['HttpOnly', 'SameSite=Lax', 'Path=/']) assert.ok(session.includes(flag), `session: ${flag} in ${session.join('; ')}`);
    assert.ok(!session.includes('Secure'), 'no Secure flag on plain http: the browser would drop the cookie');

    const authorize = await app.inject({ method: 'POST', url: '/v1/connections/onedrive-sandbox/authorize', headers: { authorization: `Bearer ${w.apiKey}` }, payload: { browser: true } });
    assert.equal(authorize.statusCode, 200, authorize.body);
    const oauth = cookieFlags(authorize, 'dossier_oauth');
    for (const flag of ['HttpOnly', 'SameSite=Lax', 'Path=/v1/oauth/callback']) assert.ok(oauth.includes(flag), `oauth: ${flag} in ${oauth.join('; ')}`);

    const invite = cookieFlags(await app.inject({ method: 'GET', url: `/connect/${w.token}` }), 'dossier_invite');
    for (const flag of ['HttpOnly', 'SameSite=Lax', 'Path=/connect']) assert.ok(invite.includes(flag), `invite: ${flag} in ${invite.join('; ')}`);
  });

  it('Secure when the public address is https, or when a trusted proxy says the request came over https', async (t) => {
    const https = await world({ DOSSIER_BASE_URL: 'https://dossier.example' });
    const proxied = await world({ DOSSIER_TRUST_PROXY: '127.0.0.1' });
    const untrusted = await world();
    t.after(async () => { await https.close(); await proxied.close(); await untrusted.close(); });
    const invite = async (w: Awaited<ReturnType<typeof world>>, headers: Record<string, string> = {}) =>
      cookieFlags(await (await w.server()).inject({ method: 'GET', url: `/connect/${w.token}`, headers }), 'dossier_invite');
    assert.ok((await invite(https)).includes('Secure'), 'https public address');
    assert.ok((await invite(proxied, { 'x-forwarded-proto': 'https' })).includes('Secure'), 'behind a trusted proxy speaking https');
    assert.ok(!(await invite(proxied)).includes('Secure'), 'the same proxy on plain http');
    assert.ok(!(await invite(untrusted, { 'x-forwarded-proto': 'https' })).includes('Secure'), 'X-Forwarded-Proto from anyone else is ignored');
  });
});

describe('timeouts', () => {
  const short = { DOSSIER_HEADERS_TIMEOUT_MS: '300', DOSSIER_REQUEST_TIMEOUT_MS: '600', DOSSIER_IDLE_TIMEOUT_MS: '600', DOSSIER_KEEP_ALIVE_TIMEOUT_MS: '300' };

  it('a request whose headers or body stall is cut off', async (t) => {
    const s = await startServed(short);
    t.after(() => s.close());
    const port = Number(new URL(s.baseUrl).port);
    const hangsUp = (text: string) => new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(text));
      let answer = '';
      socket.on('data', (d) => { answer += d.toString(); });
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
      setTimeout(() => { socket.destroy(); reject(new Error('the server kept a stalled request open')); }, 20_000).unref();
    });
    await hangsUp('GET /health HTTP/1.1\r\nHost: x\r\n');
    await hangsUp('POST /v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":');
  });

  it('a live event stream stays open past the request and idle timeouts', async (t) => {
    const s = await startServed(short);
    t.after(() => s.close());
    const res = await fetch(`${s.baseUrl}/v1/events`, { headers: { authorization: `Bearer ${s.apiKey}` } });
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-security-policy')), /frame-ancestors 'none'/);
    const reader = res.body!.getReader();
    await reader.read(); // retry: 3000
    await new Promise((r) => setTimeout(r, 2000)); // more than three times every timeout
    s.deps.events.emit({ type: 'destination.changed', orgId: s.orgId, destinationId: 'dst_x', state: 'paused' });
    let text = '';
    while (!text.includes('destination.changed')) {
      const { value, done } = await reader.read();
      assert.ok(!done, 'the stream is still open');
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
  });

  it('the timeouts are settings; the headers must arrive before the whole request is due', () => {
    const c = loadConfig({});
    assert.ok(c.timeouts.headersMs > 0 && c.timeouts.requestMs >= c.timeouts.headersMs && c.timeouts.idleMs > 0 && c.timeouts.keepAliveMs > 0);
    assert.deepEqual(loadConfig(short).timeouts, { headersMs: 300, requestMs: 600, idleMs: 600, keepAliveMs: 300 });
    assert.throws(() => loadConfig({ DOSSIER_HEADERS_TIMEOUT_MS: '5000', DOSSIER_REQUEST_TIMEOUT_MS: '1000' }), /DOSSIER_HEADERS_TIMEOUT_MS/);
  });
});

describe('the sandbox and the listening address', () => {
  it('listens on loopback by default, with the sandbox; on another address the sandbox is off unless DOSSIER_SANDBOX=on', () => {
    assert.equal(loadConfig({}).host, '127.0.0.1');
    assert.equal(loadConfig({}).sandbox, true);
    for (const host of ['127.0.0.1', 'localhost', '::1']) assert.equal(loadConfig({ HOST: host }).sandbox, true, host);
    for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
      assert.equal(loadConfig({ HOST: host }).sandbox, false, host);
      assert.match(loadConfig({ HOST: host }).sandboxNote ?? '', /DOSSIER_SANDBOX=on/, host);
      assert.equal(loadConfig({ HOST: host, DOSSIER_SANDBOX: 'on' }).sandbox, true, `${host}, asked for`);
    }
    assert.equal(loadConfig({ DOSSIER_SANDBOX: 'off' }).sandbox, false);
  });
});
