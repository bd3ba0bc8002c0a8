import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startApi, type Api } from '../../src/api/harness.test.js';
import { member, type Member } from './members.js';

/**
 * A member who manages users may hand out only the rights it holds itself, never admin, and
 * may not touch an administrator: otherwise manage_users would be admin under another name.
 */
describe('granting rights', () => {
  let api: Api;
  let manager: Member;
  let adminId = '';
  before(async () => {
    api = await startApi();
    adminId = (await api.call({ method: 'GET', url: '/v1/users/me' })).json().id;
    manager = await member(api, ['manage_users', 'review_inbox']);
  });
  after(() => api?.close());
  const asManager = (opts: Parameters<Api['call']>[0]) => api.call({ ...opts, key: manager.key });

  it('a user manager cannot make itself or anyone else admin', async () => {
    const self = await asManager({ method: 'PATCH', url: `/v1/users/${manager.id}`, payload: { role: 'admin' } });
    assert.equal(self.statusCode, 403, self.body);
    assert.match(self.json().error.message, /admin/);
    const added = await asManager({ method: 'POST', url: '/v1/users', payload: { email: 'boss@example.com', name: 'Boss', role: 'admin' } });
    assert.equal(added.statusCode, 403, added.body);
    const invited = await asManager({ method: 'POST', url: '/v1/users/invitations', payload: { email: 'boss2@example.com', name: 'Boss', role: 'admin' } });
    assert.equal(invited.statusCode, 403, invited.body);
    const me = (await asManager({ method: 'GET', url: '/v1/users/me' })).json();
    assert.equal(me.role, 'member');
    const emails = (await api.call({ method: 'GET', url: '/v1/users' })).json().items.map((u: { email: string }) => u.email);
    assert.ok(!emails.includes('boss@example.com') && !emails.includes('boss2@example.com'));
  });

  it('a user manager cannot give itself or others a right it does not hold', async () => {
    const self = await asManager({ method: 'PATCH', url: `/v1/users/${manager.id}`, payload: { rights: ['manage_users', 'review_inbox', 'manage_destinations'] } });
    assert.equal(self.statusCode, 403, self.body);
    assert.match(self.json().error.message, /manage_destinations/);
    const other = await member(api, []);
    const patched = await asManager({ method: 'PATCH', url: `/v1/users/${other.id}`, payload: { rights: ['manage_destinations'] } });
    assert.equal(patched.statusCode, 403, patched.body);
    const added = await asManager({ method: 'POST', url: '/v1/users', payload: { email: 'dest@example.com', name: 'D', rights: ['configure_collection'] } });
    assert.equal(added.statusCode, 403, added.body);
    const invited = await asManager({ method: 'POST', url: '/v1/users/invitations', payload: { email: 'dest2@example.com', name: 'D', rights: ['configure_collection'] } });
    assert.equal(invited.statusCode, 403, invited.body);
    assert.deepEqual((await asManager({ method: 'GET', url: '/v1/users/me' })).json().rights.sort(), ['manage_users', 'review_inbox']);
  });

  it('a user manager cannot take away a right it does not hold', async () => {
    const other = await member(api, ['manage_destinations', 'review_inbox']);
    const res = await asManager({ method: 'PATCH', url: `/v1/users/${other.id}`, payload: { rights: ['review_inbox'] } });
    assert.equal(res.statusCode, 403, res.body);
  });

  it('a user manager hands out the rights it holds', async () => {
    const other = await member(api, []);
    const res = await asManager({ method: 'PATCH', url: `/v1/users/${other.id}`, payload: { rights: ['review_inbox'] } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().rights, ['review_inbox']);
    const added = await asManager({ method: 'POST', url: '/v1/users', payload: { email: 'reviewer@example.com', name: 'R', rights: ['review_inbox'] } });
    assert.equal(added.statusCode, 201, added.body);
  });

  it('a user manager cannot change an administrator nor mint a key for one', async () => {
    const renamed = await asManager({ method: 'PATCH', url: `/v1/users/${adminId}`, payload: { name: 'Demoted' } });
    assert.equal(renamed.statusCode, 403, renamed.body);
    const demoted = await asManager({ method: 'PATCH', url: `/v1/users/${adminId}`, payload: { role: 'member' } });
    assert.equal(demoted.statusCode, 403, demoted.body);
    for (const opts of [
      { method: 'POST' as const, url: `/v1/users/${adminId}/api-keys`, payload: { name: 'mine now' } },
      { method: 'POST' as const, url: '/v1/api-keys', payload: { name: 'mine now', userId: adminId } },
    ]) {
      const key = await asManager(opts);
      assert.equal(key.statusCode, 403, `${opts.url}: ${key.body}`);
      assert.doesNotMatch(key.body, /dsk_/);
    }
    const admin = (await api.call({ method: 'GET', url: '/v1/users/me' })).json();
    assert.equal(admin.role, 'admin');
    assert.notEqual(admin.name, 'Demoted');
  });

  it('a user manager cannot mint a key for another member either: keys are made for oneself', async () => {
    const other = await member(api, []);
    const res = await asManager({ method: 'POST', url: `/v1/users/${other.id}/api-keys`, payload: { name: 'theirs' } });
    assert.equal(res.statusCode, 403, res.body);
  });

  it('an admin grants admin and every right', async () => {
    const other = await member(api, []);
    const res = await api.call({ method: 'PATCH', url: `/v1/users/${other.id}`, payload: { role: 'admin' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().role, 'admin');
    const invited = await api.call({ method: 'POST', url: '/v1/users', payload: { email: 'all@example.com', name: 'All', rights: ['manage_destinations', 'manage_companies'] } });
    assert.equal(invited.statusCode, 201, invited.body);
  });
});
