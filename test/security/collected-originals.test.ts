import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { invoiceFields, multipart, pdf, startApi, upload, type Api } from '../../src/api/harness.test.js';
import { collectOne, member } from './members.js';

/**
 * A file collected from a client is the inbox's until someone who reviews the inbox has seen
 * it: a member without review_inbox must not read it through /v1/documents either.
 */
describe('collected originals', () => {
  let api: Api;
  let collected: { documentId: string; itemId: string };
  let uploadedId = '';
  before(async () => {
    api = await startApi();
    collected = await collectOne(api);
    uploadedId = (await upload(api, invoiceFields(api.companyId))).json().id;
  });
  after(() => api?.close());

  it('are neither listed, shown nor downloaded for a member without review_inbox', async () => {
    const { key } = await member(api, ['manage_documents', 'manage_destinations']);
    const list = await api.call({ method: 'GET', url: '/v1/documents', key });
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(list.json().items.map((d: { id: string }) => d.id), [uploadedId]);
    for (const url of [`/v1/documents/${collected.documentId}`, `/v1/documents/${collected.documentId}/content`]) {
      const res = await api.call({ method: 'GET', url, key });
      assert.equal(res.statusCode, 403, `${url}: ${res.body}`);
      assert.match(res.json().error.message, /review_inbox/);
      assert.doesNotMatch(res.body, /C-\d+/);
    }
  });

  it('cannot be changed through /v1/documents without review_inbox', async () => {
    const { key } = await member(api, ['manage_documents']);
    const patch = await api.call({ method: 'PATCH', url: `/v1/documents/${collected.documentId}`, payload: { number: 'CHANGED' }, key });
    assert.equal(patch.statusCode, 403, patch.body);
    const version = await api.call({
      method: 'POST', url: `/v1/documents/${collected.documentId}/versions`, key,
      ...multipart([{ name: 'file', filename: 'x.pdf', type: 'application/pdf', content: pdf('replaced') }]),
    });
    assert.equal(version.statusCode, 403, version.body);
    const doc = (await api.call({ method: 'GET', url: `/v1/documents/${collected.documentId}` })).json();
    assert.equal(doc.versions.length, 1);
  });

  it('are readable by a member who reviews the inbox, and uploads stay readable by every member', async () => {
    const reviewer = await member(api, ['review_inbox']);
    assert.equal((await api.call({ method: 'GET', url: `/v1/documents/${collected.documentId}`, key: reviewer.key })).statusCode, 200);
    const content = await api.call({ method: 'GET', url: `/v1/documents/${collected.documentId}/content`, key: reviewer.key });
    assert.equal(content.statusCode, 200);
    assert.match(content.body, /Supplier NV/);
    const ids = (await api.call({ method: 'GET', url: '/v1/documents', key: reviewer.key })).json().items.map((d: { id: string }) => d.id);
    assert.deepEqual(ids.sort(), [collected.documentId, uploadedId].sort());

    const plain = await member(api, []);
    assert.equal((await api.call({ method: 'GET', url: `/v1/documents/${uploadedId}/content`, key: plain.key })).statusCode, 200);
  });

  it('stay the inbox\'s once reviewed', async () => {
    const done = await api.call({ method: 'PATCH', url: `/v1/inbox/${collected.itemId}`, payload: { status: 'done' } });
    assert.equal(done.statusCode, 200, done.body);
    const { key } = await member(api, []);
    assert.equal((await api.call({ method: 'GET', url: `/v1/documents/${collected.documentId}/content`, key })).statusCode, 403);
  });
});
