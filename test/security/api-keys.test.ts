import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startApi, type Api } from '../../src/api/harness.test.js';
import { member } from './members.js';

/** API keys are listed without their secret and revoked at once. */
describe('API keys', () => {
  let api: Api;
  let adminId = '';
  before(async () => {
    api = await startApi();
    adminId = (await api.call({ method: 'GET', url: '/v1/users/me' })).json().id;
  });
  after(() => api?.close());

  it('a member makes a key for itself, sees it listed without its secret, and revokes it: the next request is 401', async () => {
    const m = await member(api, []);
    const made = await api.call({ method: 'POST', url: '/v1/api-keys', payload: { name: 'invoicing app' }, key: m.key });
    assert.equal(made.statusCode, 201, made.body);
    const { apiKey, id } = made.json();
    assert.match(apiKey, /^dsk_/);
    assert.equal((await api.call({ method: 'GET', url: '/v1/users/me', key: apiKey })).json().id, m.id);

    const listed = await api.call({ method: 'GET', url: '/v1/api-keys', key: m.key });
    assert.equal(listed.statusCode, 200, listed.body);
    assert.ok(!listed.body.includes(apiKey.split('_').slice(2).join('_')), 'the secret is never listed');
    const row = listed.json().items.find((k: { id: string }) => k.id === id);
    assert.equal(row.name, 'invoicing app');
    assert.equal(row.userId, m.id);
    assert.equal(row.prefix, apiKey.split('_')[1]);
    assert.ok(row.createdAt);
    assert.ok(row.lastUsedAt, 'the key was used once');

    const revoked = await api.call({ method: 'DELETE', url: `/v1/api-keys/${id}`, key: m.key });
    assert.equal(revoked.statusCode, 204, revoked.body);
    const after = await api.call({ method: 'GET', url: '/v1/users/me', key: apiKey });
    assert.equal(after.statusCode, 401, after.body);
    assert.ok(!(await api.call({ method: 'GET', url: '/v1/api-keys', key: m.key })).json().items.some((k: { id: string }) => k.id === id));
  });

  it('a member sees and revokes only its own keys; an admin sees and revokes everyone\'s', async () => {
    const a = await member(api, ['manage_users']);
    const b = await member(api, []);
    const bKey = (await api.call({ method: 'POST', url: '/v1/api-keys', payload: { name: 'b' }, key: b.key })).json();
    const seenByA = (await api.call({ method: 'GET', url: '/v1/api-keys', key: a.key })).json().items;
    assert.ok(seenByA.every((k: { userId: string }) => k.userId === a.id), JSON.stringify(seenByA));
    assert.equal((await api.call({ method: 'DELETE', url: `/v1/api-keys/${bKey.id}`, key: a.key })).statusCode, 404);
    assert.equal((await api.call({ method: 'GET', url: '/v1/users/me', key: bKey.apiKey })).statusCode, 200);

    const all = (await api.call({ method: 'GET', url: '/v1/api-keys' })).json().items;
    assert.ok(all.some((k: { id: string }) => k.id === bKey.id));
    assert.equal((await api.call({ method: 'DELETE', url: `/v1/api-keys/${bKey.id}` })).statusCode, 204);
    assert.equal((await api.call({ method: 'GET', url: '/v1/users/me', key: bKey.apiKey })).statusCode, 401);
  });

  it('an admin makes a key for anyone in the organization; a member only for itself', async () => {
    const m = await member(api, []);
    const forM = await api.call({ method: 'POST', url: '/v1/api-keys', payload: { name: 'for m', userId: m.id } });
    assert.equal(forM.statusCode, 201, forM.body);
    assert.equal((await api.call({ method: 'GET', url: '/v1/users/me', key: forM.json().apiKey })).json().id, m.id);
    const forAdmin = await api.call({ method: 'POST', url: '/v1/api-keys', payload: { name: 'for admin', userId: adminId }, key: m.key });
    assert.equal(forAdmin.statusCode, 403, forAdmin.body);
  });
});
