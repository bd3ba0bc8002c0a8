import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { otherOrganization, startApi, type Api } from '../harness.test.js';
import { ublInvoice } from '../../../test/helpers/collect.js';

describe('inbox routes', () => {
  let api: Api;
  let adminId = '', itemId = '', channel: { id: string; binderId: string };
  before(async () => {
    api = await startApi();
    adminId = (await api.call({ method: 'GET', url: '/v1/users/me' })).json().id;
    const folder = await api.folder('inbox-src');
    await writeFile(join(folder, 'x.xml'), ublInvoice({ number: 'X-1', seller: 'Supplier NV' }));
    await writeFile(join(folder, 'y.xml'), ublInvoice({ number: 'Y-1' }));
    channel = (await api.call({ method: 'POST', url: '/v1/channels', payload: { companyId: api.companyId, name: 'src', kind: 'local', folder, recipientId: adminId, binderName: 'Purchases' } })).json();
    await api.call({ method: 'POST', url: `/v1/channels/${channel.id}/run`, payload: { confirm: true } });
    await api.deps.queue.idle();
    itemId = (await api.call({ method: 'GET', url: `/v1/inbox?companyId=${api.companyId}` })).json().items.find((i: { filename: string }) => i.filename === 'x.xml').id;
  });
  after(() => api?.close());

  it('lists and filters, and opens an item with its fields, confidence and the original', async () => {
    const all = (await api.call({ method: 'GET', url: `/v1/inbox?binderId=${channel.binderId}&status=to_review&recipientId=${adminId}` })).json();
    assert.equal(all.items.length, 2);
    const item = (await api.call({ method: 'GET', url: `/v1/inbox/${itemId}` })).json();
    assert.equal(item.fields.number.value, 'X-1');
    assert.equal(item.fields.number.confidence, 1);
    assert.equal(item.fields.number.provenance.kind, 'xml');
    assert.equal(item.extraction.source, 'ubl');
    const original = await api.call({ method: 'GET', url: item.contentUrl });
    assert.equal(original.statusCode, 200);
    assert.match(original.body, /<cbc:ID>X-1<\/cbc:ID>/);
  });

  it('corrects and confirms fields, marks done, reassigns and moves to another binder', async () => {
    const user = (await api.call({ method: 'POST', url: '/v1/users', payload: { email: 'bookkeeper@example.com', name: 'Bookkeeper', rights: ['review_inbox'] } })).json();
    const binder = (await api.call({ method: 'POST', url: '/v1/binders', payload: { companyId: api.companyId, name: 'Costs' } })).json();
    const res = await api.call({ method: 'PATCH', url: `/v1/inbox/${itemId}`, payload: { fields: { number: 'X-1b' }, confirm: ['sellerName'], recipientId: user.id, binderId: binder.id, status: 'done' } });
    assert.equal(res.statusCode, 200, res.body);
    const item = res.json();
    assert.deepEqual(item.fields.number, { value: 'X-1b', confidence: 1, provenance: { kind: 'user', userId: adminId, at: item.fields.number.provenance.at } });
    assert.equal(item.fields.sellerName.provenance.kind, 'user');
    assert.equal(item.status, 'done');
    assert.equal(item.reviewedBy, adminId);
    assert.equal(item.recipientId, user.id);
    assert.equal(item.binderId, binder.id);
    assert.equal((await api.call({ method: 'GET', url: '/v1/inbox?status=done' })).json().items.length, 1);
    const bad = await api.call({ method: 'PATCH', url: `/v1/inbox/${itemId}`, payload: { fields: { colour: 'red' } } });
    assert.equal(bad.statusCode, 400);
  });

  it('needs review_inbox, and another organization sees nothing', async () => {
    const user = (await api.call({ method: 'POST', url: '/v1/users', payload: { email: 'norights@example.com', name: 'No rights' } })).json();
    const key = (await api.call({ method: 'POST', url: `/v1/users/${user.id}/api-keys`, payload: { name: 'k' } })).json().apiKey;
    assert.equal((await api.call({ method: 'GET', url: '/v1/inbox', key })).statusCode, 403);
    assert.equal((await api.call({ method: 'PATCH', url: `/v1/inbox/${itemId}`, payload: { status: 'done' }, key })).statusCode, 403);
    const b = await otherOrganization(api);
    assert.deepEqual((await api.call({ method: 'GET', url: '/v1/inbox', key: b.apiKey })).json().items, []);
    assert.equal((await api.call({ method: 'GET', url: `/v1/inbox/${itemId}`, key: b.apiKey })).statusCode, 404);
    assert.equal((await api.call({ method: 'PATCH', url: `/v1/inbox/${itemId}`, payload: { status: 'to_review' }, key: b.apiKey })).statusCode, 404);
    assert.equal((await api.call({ method: 'GET', url: `/v1/inbox?companyId=${api.companyId}`, key: b.apiKey })).statusCode, 404);
  });
});
