import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { otherOrganization, startApi, type Api } from '../harness.test.js';

describe('users and rights', () => {
  let api: Api;
  before(async () => { api = await startApi(); });
  after(() => api?.close());

  async function member(email: string, rights: string[]): Promise<{ id: string; key: string }> {
    const made = await api.call({ method: 'POST', url: '/v1/users', payload: { email, name: email.split('@')[0], rights } });
    assert.equal(made.statusCode, 201, made.body);
    const key = await api.call({ method: 'POST', url: `/v1/users/${made.json().id}/api-keys`, payload: { name: 'test' } });
    assert.equal(key.statusCode, 201, key.body);
    return { id: made.json().id, key: key.json().apiKey };
  }

  it('an admin holds every right; a member only those given', async () => {
    const me = (await api.call({ method: 'GET', url: '/v1/users/me' })).json();
    assert.equal(me.role, 'admin');
    assert.deepEqual(me.rights, ['manage_companies', 'manage_documents', 'configure_collection', 'review_inbox', 'manage_destinations', 'manage_users']);
    const m = await member('Reviewer@Example.com', ['review_inbox', 'review_inbox']);
    const got = (await api.call({ method: 'GET', url: '/v1/users/me', key: m.key })).json();
    assert.equal(got.email, 'reviewer@example.com');
    assert.deepEqual(got.rights, ['review_inbox']);
    const again = await api.call({ method: 'POST', url: '/v1/users', payload: { email: 'reviewer@example.com', name: 'x' } });
    assert.equal(again.statusCode, 409);
  });

  it('answers 403 with what is missing, and a new right applies at once', async () => {
    const m = await member('clerk@example.com', []);
    for (const [method, url, payload] of [
      ['GET', '/v1/users', undefined],
      ['POST', '/v1/users', { email: 'x@example.com', name: 'x', role: 'admin' }],
      ['POST', '/v1/destinations', { companyId: api.companyId, name: 'NAS', kind: 'local', settings: { root: '/tmp/x' } }],
    ] as const) {
      const res = await api.call({ method, url, payload, key: m.key });
      assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
      assert.equal(res.json().error.code, 'forbidden');
      assert.match(res.json().error.message, /needs the right "manage_(users|destinations)"/);
    }
    const granted = await api.call({ method: 'PATCH', url: `/v1/users/${m.id}`, payload: { rights: ['manage_users'] } });
    assert.deepEqual(granted.json().rights, ['manage_users']);
    assert.equal((await api.call({ method: 'GET', url: '/v1/users', key: m.key })).statusCode, 200);
    // Reading stays open to every user of the organization.
    assert.equal((await api.call({ method: 'GET', url: '/v1/destinations', key: m.key })).statusCode, 200);
  });

  it('keeps the last administrator, and another organization cannot see or change users', async () => {
    const me = (await api.call({ method: 'GET', url: '/v1/users/me' })).json();
    const res = await api.call({ method: 'PATCH', url: `/v1/users/${me.id}`, payload: { role: 'member' } });
    assert.equal(res.statusCode, 409);
    const b = await otherOrganization(api);
    assert.equal((await api.call({ method: 'PATCH', url: `/v1/users/${me.id}`, payload: { rights: [] }, key: b.apiKey })).statusCode, 404);
    assert.equal((await api.call({ method: 'POST', url: `/v1/users/${me.id}/api-keys`, payload: { name: 'steal' }, key: b.apiKey })).statusCode, 404);
    const bUsers = (await api.call({ method: 'GET', url: '/v1/users', key: b.apiKey })).json().items;
    assert.deepEqual(bUsers.map((u: { email: string }) => u.email), ['other@example.com']);
  });
});
