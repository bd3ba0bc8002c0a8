import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { otherOrganization, startApi, type Api } from '../harness.test.js';
import { bootstrapIfEmpty } from '../../auth/bootstrap.js';
import { setPassword } from '../../auth/sessions.js';

/** Signing in from a browser: the cookie, its flags, CSRF on changes, sign-out, limits. */
const sessionCookie = (res: LightMyRequestResponse) => {
  const header = String(res.headers['set-cookie'] ?? '');
  return { header, value: /dossier_session=([^;]*)/.exec(header)?.[1] ?? '' };
};

async function signIn(api: Api, password: string, email = 'admin@localhost') {
  return api.call({ method: 'POST', url: '/v1/session', payload: { email, password }, key: null });
}

test('the first start gives the admin a password that signs in; the cookie then works like the API key, with CSRF on changes', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  // The harness bootstrapped already; a second bootstrap does nothing, so set a known password.
  assert.equal(await bootstrapIfEmpty(api.deps.db), null);
  const users = await api.deps.db.selectFrom('users').select(['id', 'password_hash']).execute();
  assert.match(users[0]!.password_hash!, /^scrypt\$/);
  await setPassword(api.deps.db, api.orgId, users[0]!.id, 'correct horse battery');

  const wrong = await signIn(api, 'not it');
  assert.equal(wrong.statusCode, 401);
  assert.equal(wrong.headers['set-cookie'], undefined);

  const ok = await signIn(api, 'correct horse battery');
  assert.equal(ok.statusCode, 200, ok.body);
  const { header, value } = sessionCookie(ok);
  assert.match(header, /HttpOnly/);
  assert.match(header, /SameSite=Lax/);
  assert.doesNotMatch(header, /Secure/); // the harness runs on http://localhost
  const csrf = ok.json().csrfToken as string;
  assert.equal(ok.json().user.email, 'admin@localhost');

  // Only the hash of the session id is stored.
  const stored = await api.deps.db.selectFrom('sessions').select('id_hash').execute();
  assert.equal(stored.length, 1);
  assert.notEqual(stored[0]!.id_hash, value);

  const cookie = { cookie: `dossier_session=${value}` };
  const companies = await api.call({ method: 'GET', url: '/v1/companies', headers: cookie, key: null });
  assert.equal(companies.statusCode, 200);
  assert.equal(companies.json().items[0].id, api.companyId);
  assert.equal((await api.call({ method: 'GET', url: '/v1/session', headers: cookie, key: null })).json().csrfToken, csrf);

  // A change with the cookie alone is refused; with the token it goes through.
  const patch = { method: 'PATCH' as const, url: `/v1/companies/${api.companyId}`, payload: { name: 'Acme BV' }, key: null };
  const noToken = await api.call({ ...patch, headers: cookie });
  assert.equal(noToken.statusCode, 403);
  assert.equal(noToken.json().error.code, 'forbidden');
  assert.equal((await api.call({ ...patch, headers: { ...cookie, 'x-csrf-token': 'x'.repeat(43) } })).statusCode, 403);
  assert.equal((await api.call({ ...patch, headers: { ...cookie, 'x-csrf-token': csrf } })).statusCode, 200);

  // The API key still works, and says it is a key.
  assert.equal((await api.call({ method: 'GET', url: '/v1/session' })).json().via, 'api_key');

  // Changing the password needs the current one.
  const change = (current: string) => api.call({ method: 'POST', url: '/v1/session/password', payload: { current, password: 'a new long password' }, headers: { ...cookie, 'x-csrf-token': csrf }, key: null });
  assert.equal((await change('not it')).statusCode, 403);
  assert.equal((await change('correct horse battery')).statusCode, 204);
  assert.equal((await signIn(api, 'correct horse battery')).statusCode, 401);
  assert.equal((await signIn(api, 'a new long password')).statusCode, 200);

  // Signing out ends the session for good.
  const out = await api.call({ method: 'DELETE', url: '/v1/session', headers: { ...cookie, 'x-csrf-token': csrf }, key: null });
  assert.equal(out.statusCode, 204);
  assert.match(sessionCookie(out).header, /Max-Age=0/);
  assert.equal((await api.call({ method: 'GET', url: '/v1/companies', headers: cookie, key: null })).statusCode, 401);
});

test('a session is scoped to its organization like a key', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const b = await otherOrganization(api);
  const bUser = await api.deps.db.selectFrom('users').select('id').where('org_id', '=', b.orgId).executeTakeFirstOrThrow();
  await setPassword(api.deps.db, b.orgId, bUser.id, 'other organization pw');
  const res = await signIn(api, 'other organization pw', 'other@example.com');
  assert.equal(res.statusCode, 200);
  const cookie = { cookie: `dossier_session=${sessionCookie(res).value}` };
  assert.equal((await api.call({ method: 'GET', url: `/v1/companies/${api.companyId}`, headers: cookie, key: null })).statusCode, 404);
  const list = await api.call({ method: 'GET', url: '/v1/companies', headers: cookie, key: null });
  assert.deepEqual(list.json().items.map((c: { id: string }) => c.id), [b.companyId]);
});

test('failed sign-ins are limited per address: the sixth attempt is refused even with the right password', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const user = await api.deps.db.selectFrom('users').select('id').executeTakeFirstOrThrow();
  await setPassword(api.deps.db, api.orgId, user.id, 'the right password');
  for (let i = 0; i < 5; i++) assert.equal((await signIn(api, `guess ${i}`)).statusCode, 401);
  const limited = await signIn(api, 'the right password');
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.json().error.code, 'too_many_attempts');
  assert.ok(Number(limited.headers['retry-after']) > 0);
  assert.equal((await signIn(api, 'anything', 'nobody@example.com')).statusCode, 401, 'the lockout is of this address from this client, not of the client for every address');
});

test('an unknown or forged session cookie is refused', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  for (const value of ['', 'abc', 'A'.repeat(43)]) {
    const res = await api.call({ method: 'GET', url: '/v1/companies', headers: { cookie: `dossier_session=${value}` }, key: null });
    assert.equal(res.statusCode, 401);
  }
});
