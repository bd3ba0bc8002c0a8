import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { answerConsent } from '../../../test/helpers/consent.js';
import { followCallback, startServed, type Served } from '../../../test/helpers/served.js';
import { loadConfig } from '../../config/config.js';
import { otherOrganization } from '../harness.test.js';

describe('connection routes (OneDrive sandbox)', () => {
  let s: Served;
  before(async () => { s = await startServed(); });
  after(() => s?.close());

  async function connect(login = 'alice'): Promise<string> {
    const started = await s.call('POST', '/v1/connections/onedrive-sandbox/authorize', {});
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const back = await answerConsent(started.body.url, 'allow', login);
    assert.equal(back.origin + back.pathname, `${s.baseUrl}/v1/oauth/callback`);
    const done = await followCallback(back);
    assert.equal(done.status, 200, done.html);
    return done.connectionId!;
  }

  it('lists the sandbox provider, labelled as such, only while no real credentials are configured', async () => {
    const res = await s.call('GET', '/v1/providers');
    assert.deepEqual(res.body.items.find((p: { id: string }) => p.id === 'onedrive-sandbox'),
      { id: 'onedrive-sandbox', kind: 'onedrive', title: 'OneDrive (sandbox)', sandbox: true, scopes: ['Files.ReadWrite', 'offline_access'] });
    assert.ok(res.body.items.every((p: { sandbox: boolean; title: string }) => p.sandbox && p.title.endsWith('(sandbox)')), 'every sandbox provider says so');
    const real = { DOSSIER_ONEDRIVE_CLIENT_ID: 'id', DOSSIER_ONEDRIVE_CLIENT_SECRET: 'secret' };
    assert.equal(loadConfig(real).sandbox, false);
    assert.equal(loadConfig({ ...real, DOSSIER_SANDBOX: 'on' }).sandbox, true);
    assert.equal(loadConfig({}).sandbox, true);
    assert.throws(() => loadConfig({ DOSSIER_GDRIVE_CLIENT_ID: 'only-half' }), /both DOSSIER_GDRIVE_CLIENT_ID and DOSSIER_GDRIVE_CLIENT_SECRET/);
  });

  it('documents every connection route in the OpenAPI reference, and not the sandbox', async () => {
    const doc = await (await fetch(`${s.baseUrl}/openapi.json`)).json() as { paths: Record<string, unknown> };
    for (const path of ['/v1/providers', '/v1/connections', '/v1/connections/{provider}/authorize', '/v1/connections/{id}/reconnect',
      '/v1/connections/{id}', '/v1/connections/{id}/folders', '/v1/oauth/callback']) assert.ok(doc.paths[path], path);
    assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith('/sandbox')));
  });

  it('connects, shows the account and free space, browses folders page by page and creates one', async () => {
    const id = await connect();
    const got = await s.call('GET', `/v1/connections/${id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.state, 'ready');
    assert.equal(got.body.sandbox, true);
    assert.equal(got.body.account.name, 'alice');
    assert.ok(got.body.quota.free > 0);
    assert.equal(JSON.stringify(got.body).includes('accessToken'), false);

    for (const name of ['Accounting/Backup', 'Archive', 'Clients', 'Drafts']) {
      const made = await s.call('POST', `/v1/connections/${id}/folders`, { path: name });
      assert.equal(made.status, 201, JSON.stringify(made.body));
    }
    const names: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const q = new URLSearchParams({ pageSize: '2', ...(token && { pageToken: token }) });
      const page = await s.call('GET', `/v1/connections/${id}/folders?${q}`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      names.push(...page.body.folders.map((f: { name: string }) => f.name));
      token = page.body.nextPageToken;
      pages++;
    } while (token);
    assert.deepEqual(names.sort(), ['Accounting', 'Archive', 'Clients', 'Drafts']);
    assert.ok(pages >= 2);
    const inner = await s.call('GET', `/v1/connections/${id}/folders?path=Accounting`);
    assert.deepEqual(inner.body.folders.map((f: { path: string }) => f.path), ['Accounting/Backup']);
    const foreign = await s.call('GET', `/v1/connections/${id}/folders?pageToken=${encodeURIComponent('https://evil.example/steal')}`);
    assert.equal(foreign.status, 400, 'a page token may not send our token elsewhere');
  });

  it('binds a sign-in started from a browser to that browser\'s cookie', async () => {
    const started = await s.call('POST', '/v1/connections/onedrive-sandbox/authorize', {}, { headers: { 'sec-fetch-site': 'same-origin' } });
    const cookie = started.headers.get('set-cookie')!;
    assert.match(cookie, /^dossier_oauth=[^;]+;/);
    for (const flag of ['HttpOnly', 'SameSite=Lax', 'Path=/v1/oauth/callback']) assert.ok(cookie.split('; ').includes(flag), `${flag} in ${cookie}`);
    const back = await answerConsent(started.body.url, 'allow');
    const elsewhere = await followCallback(back);
    assert.equal(elsewhere.status, 403);
    assert.match(elsewhere.html, /another browser/);

    const again = await s.call('POST', '/v1/connections/onedrive-sandbox/authorize', {}, { headers: { 'sec-fetch-site': 'same-origin' } });
    const here = await followCallback(await answerConsent(again.body.url, 'allow'), again.headers.get('set-cookie')!.split(';')[0]);
    assert.equal(here.status, 200);
    assert.ok(here.connectionId);
  });

  it('refuses a callback with an unknown state, a denial, and a returnTo elsewhere', async () => {
    const unknown = await fetch(`${s.baseUrl}/v1/oauth/callback?code=x&state=forged`);
    assert.equal(unknown.status, 400);
    const started = await s.call('POST', '/v1/connections/onedrive-sandbox/authorize', {});
    const denied = await followCallback(await answerConsent(started.body.url, 'deny'));
    assert.equal(denied.status, 403);
    assert.match(denied.html, /declined/);
    const evil = await s.call('POST', '/v1/connections/onedrive-sandbox/authorize', { returnTo: 'https://evil.example/' });
    assert.equal(evil.status, 400);
    const mine = await s.call('POST', '/v1/connections/onedrive-sandbox/authorize', { returnTo: `${s.baseUrl}/app/done` });
    const res = await fetch(await answerConsent(mine.body.url, 'allow'), { redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location')!, new RegExp(`^${s.baseUrl}/app/done\\?connection=con_`));
  });

  it('sends a declined sign-in back to the page that started it, saying why', async () => {
    const started = await s.call('POST', '/v1/connections/onedrive-sandbox/authorize', { returnTo: `${s.baseUrl}/destinations/new?kind=onedrive` });
    const res = await fetch(await answerConsent(started.body.url, 'deny'), { redirect: 'manual' });
    assert.equal(res.status, 303);
    const back = new URL(res.headers.get('location')!);
    assert.equal(`${back.origin}${back.pathname}`, `${s.baseUrl}/destinations/new`);
    assert.equal(back.searchParams.get('kind'), 'onedrive');
    assert.match(back.searchParams.get('error')!, /declined: nothing was connected/);
    assert.equal(back.searchParams.get('connection'), null);
  });

  it('another organization cannot see or use a connection', async () => {
    const id = await connect('bob');
    const api = { deps: s.deps } as Parameters<typeof otherOrganization>[0];
    const b = await otherOrganization(api);
    const asB = (method: string, path: string, body?: unknown) => s.call(method, path, body, { key: b.apiKey });
    const denied: Array<[string, string, unknown?]> = [
      ['GET', `/v1/connections/${id}`],
      ['GET', `/v1/connections/${id}/folders`],
      ['POST', `/v1/connections/${id}/folders`, { path: 'Mine' }],
      ['POST', `/v1/connections/${id}/reconnect`, {}],
      ['DELETE', `/v1/connections/${id}`],
      ['POST', '/v1/destinations', { companyId: b.companyId, name: 'Tap', kind: 'onedrive', connectionId: id, settings: { root: 'x' } }],
    ];
    for (const [method, path, body] of denied) {
      const res = await asB(method, path, body);
      assert.equal(res.status, 404, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'not_found');
    }
    assert.deepEqual((await asB('GET', '/v1/connections')).body.items, []);
    assert.equal((await s.call('GET', `/v1/connections/${id}`)).body.state, 'ready', 'untouched for its owner');
  });

  it('disconnecting deletes the tokens and says that Microsoft cannot revoke a grant', async () => {
    const id = await connect('carol');
    const res = await s.call('DELETE', `/v1/connections/${id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.revoked, false);
    assert.match(res.body.note, /Microsoft has no endpoint/);
    assert.equal((await s.call('GET', `/v1/connections/${id}`)).body.state, 'disconnected');
    const row = await s.deps.db.selectFrom('connections').select('secrets').where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.secrets, null);
  });
});
