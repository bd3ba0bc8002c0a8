import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { invoiceFields, startApi, upload, type Api } from '../../src/api/harness.test.js';
import { member, memberWithPassword, signIn } from './members.js';

const PASSWORD = 'a long enough password';

/** A user who leaves is deactivated: everything they could sign in with stops at once. */
describe('deactivating users', () => {
  let api: Api;
  let adminId = '';
  before(async () => {
    api = await startApi();
    adminId = (await api.call({ method: 'GET', url: '/v1/users/me' })).json().id;
  });
  after(() => api?.close());

  it('stops the user\'s keys and sessions at once, refuses their sign-in, and keeps the user listed', async () => {
    const m = await memberWithPassword(api, ['manage_documents'], PASSWORD);
    const { cookie } = await signIn(api, m.email, PASSWORD);
    assert.ok(cookie);
    assert.equal((await api.call({ method: 'GET', url: '/v1/session', headers: { cookie }, key: null })).statusCode, 200);
    await upload(api, invoiceFields(api.companyId, { number: 'BY-M' }));

    const res = await api.call({ method: 'POST', url: `/v1/users/${m.id}/deactivate` });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().active, false);

    assert.equal((await api.call({ method: 'GET', url: '/v1/users/me', key: m.key })).statusCode, 401);
    assert.equal((await api.call({ method: 'GET', url: '/v1/session', headers: { cookie }, key: null })).statusCode, 401);
    assert.equal((await signIn(api, m.email, PASSWORD)).res.statusCode, 401);
    const listed = (await api.call({ method: 'GET', url: '/v1/users' })).json().items.find((u: { id: string }) => u.id === m.id);
    assert.equal(listed.active, false);
    assert.equal((await api.call({ method: 'GET', url: '/v1/documents' })).json().items.length, 1);

    const back = await api.call({ method: 'POST', url: `/v1/users/${m.id}/activate` });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(back.json().active, true);
    assert.equal((await signIn(api, m.email, PASSWORD)).res.statusCode, 200);
    assert.equal((await api.call({ method: 'GET', url: '/v1/users/me', key: m.key })).statusCode, 401, 'old keys stay revoked');
  });

  it('a user manager deactivates members but not admins, and only an admin reactivates', async () => {
    const manager = await member(api, ['manage_users']);
    const m = await member(api, []);
    assert.equal((await api.call({ method: 'POST', url: `/v1/users/${m.id}/deactivate`, key: manager.key })).statusCode, 200);
    assert.equal((await api.call({ method: 'POST', url: `/v1/users/${m.id}/activate`, key: manager.key })).statusCode, 403);
    assert.equal((await api.call({ method: 'POST', url: `/v1/users/${adminId}/deactivate`, key: manager.key })).statusCode, 403);
    assert.equal((await api.call({ method: 'GET', url: '/v1/users/me' })).statusCode, 200);
    const plain = await member(api, []);
    assert.equal((await api.call({ method: 'POST', url: `/v1/users/${m.id}/deactivate`, key: plain.key })).statusCode, 403);
  });

  it('the last active admin can be neither deactivated nor demoted', async () => {
    const alone = await api.call({ method: 'POST', url: `/v1/users/${adminId}/deactivate` });
    assert.equal(alone.statusCode, 409, alone.body);
    assert.match(alone.json().error.message, /administrator/);
    const second = await member(api, [], 'admin');
    assert.equal((await api.call({ method: 'POST', url: `/v1/users/${second.id}/deactivate` })).statusCode, 200);
    const demote = await api.call({ method: 'PATCH', url: `/v1/users/${adminId}`, payload: { role: 'member' } });
    assert.equal(demote.statusCode, 409, 'a deactivated admin does not count');
    assert.equal((await api.call({ method: 'GET', url: '/v1/users/me' })).json().role, 'admin');
  });
});
