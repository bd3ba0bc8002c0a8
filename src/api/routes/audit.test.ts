import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { invoiceFields, otherOrganization, startApi, upload, type Api } from '../harness.test.js';
import { member, memberWithPassword, signIn } from '../../../test/security/members.js';
import { RIGHTS } from '../../domain/rights.js';

describe('the audit log through the API', () => {
  let api: Api;
  before(async () => { api = await startApi(); });
  after(() => api?.close());

  it('records uploads, setting changes, new users and sign-ins with who did them, newest first, with filters and pages', async () => {
    const up = await upload(api, invoiceFields(api.companyId));
    assert.equal(up.statusCode, 201, up.body);
    const doc = up.json();
    const patched = await api.call({ method: 'PATCH', url: `/v1/documents/${doc.id}`, payload: { number: 'F-2024-002' } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal((await api.call({ method: 'PATCH', url: `/v1/companies/${api.companyId}`, payload: { language: 'fr' } })).statusCode, 200);
    const made = await api.call({ method: 'POST', url: '/v1/users', payload: { email: 'clerk@example.com', name: 'Clerk', rights: ['review_inbox'] } });
    assert.equal(made.statusCode, 201, made.body);
    const m = await memberWithPassword(api, [], 'a long enough password');
    assert.equal((await signIn(api, m.email, 'a long enough password')).res.statusCode, 200);

    const all = (await api.call({ method: 'GET', url: '/v1/audit' })).json();
    const types = all.items.map((e: { type: string }) => e.type);
    assert.deepEqual(types, ['user.signed_in', 'user.rights_changed', 'settings.changed', 'document.version_received', 'document.version_received']);
    const [signedIn, rights, settings, second, first] = all.items;
    assert.deepEqual(signedIn.actor, { kind: 'user', id: m.id });
    assert.equal(rights.objectId, made.json().id);
    assert.deepEqual(rights.details.rights, ['review_inbox']);
    assert.equal(rights.actor.kind, 'api_key');
    assert.deepEqual([settings.objectType, settings.objectId, settings.details.fields], ['company', api.companyId, ['language']]);
    assert.equal(first.details.sha256, doc.versions[0].sha256);
    assert.deepEqual(second.details.changed, { number: 'F-2024-002' });
    assert.equal(second.details.metadataOnly, true); // new metadata over the same bytes
    assert.equal(second.prevHash, first.hash);

    const ofDoc = (await api.call({ method: 'GET', url: `/v1/audit?object=${doc.id}&type=document.version_received&limit=1` })).json();
    assert.equal(ofDoc.items.length, 1);
    assert.equal(ofDoc.items[0].seq, second.seq);
    const next = (await api.call({ method: 'GET', url: `/v1/audit?object=${doc.id}&limit=1&before=${ofDoc.next}` })).json();
    assert.deepEqual([next.items[0].seq, next.next], [first.seq, null]);
    const today = new Date().toISOString().slice(0, 10);
    assert.equal((await api.call({ method: 'GET', url: `/v1/audit?from=${today}&to=${today}` })).json().items.length, 5);
    assert.equal((await api.call({ method: 'GET', url: '/v1/audit?to=2020-01-01' })).json().items.length, 0);
    assert.equal((await api.call({ method: 'GET', url: `/v1/audit?actor=${m.id}` })).json().items.length, 1);

    const verify = (await api.call({ method: 'GET', url: '/v1/audit/verify' })).json();
    assert.deepEqual([verify.ok, verify.entries, verify.firstFailure], [true, 5, null]);
    const head = (await api.call({ method: 'GET', url: '/v1/audit/head' })).json();
    assert.deepEqual([head.seq, head.hash], [signedIn.seq, signedIn.hash]);
  });

  it('is for administrators only, and each organization sees its own chain', async () => {
    const everything = await member(api, RIGHTS);
    for (const url of ['/v1/audit', '/v1/audit/head', '/v1/audit/verify']) {
      const res = await api.call({ method: 'GET', url, key: everything.key });
      assert.equal(res.statusCode, 403, url);
      assert.equal(res.json().error.code, 'forbidden');
      assert.equal((await api.call({ method: 'GET', url, key: null })).statusCode, 401);
    }
    const admin = await member(api, [], 'admin');
    assert.equal((await api.call({ method: 'GET', url: '/v1/audit', key: admin.key })).statusCode, 200);

    const other = await otherOrganization(api);
    const mine = (await api.call({ method: 'GET', url: '/v1/audit/head' })).json();
    const theirs = (await api.call({ method: 'GET', url: '/v1/audit/head', key: other.apiKey })).json();
    assert.equal(theirs.orgId, other.orgId);
    assert.equal(theirs.seq, 0);
    assert.notEqual(mine.seq, 0);
    assert.deepEqual((await api.call({ method: 'GET', url: '/v1/audit', key: other.apiKey })).json().items, []);
    const byObject = await api.call({ method: 'GET', url: `/v1/audit?companyId=${api.companyId}`, key: other.apiKey });
    assert.deepEqual(byObject.json().items, []);
  });
});
