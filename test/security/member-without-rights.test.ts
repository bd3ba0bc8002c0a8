import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { invoiceFields, multipart, pdf, startApi, upload, type Api } from '../../src/api/harness.test.js';
import { member } from './members.js';

/** Companies and documents are changed only by members given the right to. */
describe('a member without rights', () => {
  let api: Api;
  let docId = '';
  before(async () => {
    api = await startApi();
    docId = (await upload(api, invoiceFields(api.companyId))).json().id;
  });
  after(() => api?.close());

  it('reads companies and documents but cannot add or rename a company', async () => {
    const { key } = await member(api, []);
    assert.equal((await api.call({ method: 'GET', url: '/v1/companies', key })).statusCode, 200);
    assert.equal((await api.call({ method: 'GET', url: `/v1/documents/${docId}`, key })).statusCode, 200);
    const created = await api.call({ method: 'POST', url: '/v1/companies', payload: { name: 'Shadow NV', language: 'nl', timeZone: 'Europe/Brussels' }, key });
    assert.equal(created.statusCode, 403, created.body);
    assert.match(created.json().error.message, /manage_companies/);
    const renamed = await api.call({ method: 'PATCH', url: `/v1/companies/${api.companyId}`, payload: { name: 'Renamed' }, key });
    assert.equal(renamed.statusCode, 403, renamed.body);
    const companies = (await api.call({ method: 'GET', url: '/v1/companies' })).json().items;
    assert.deepEqual(companies.map((c: { name: string }) => c.name), ['My company']);
  });

  it('cannot upload documents, nor change a document\'s metadata or versions', async () => {
    const { key } = await member(api, ['review_inbox', 'configure_collection']);
    const uploaded = await api.call({ method: 'POST', url: '/v1/documents', key, ...multipart([...invoiceFields(api.companyId, { number: 'NEW' }), { name: 'file', filename: 'n.pdf', type: 'application/pdf', content: pdf('n') }]) });
    assert.equal(uploaded.statusCode, 403, uploaded.body);
    assert.match(uploaded.json().error.message, /manage_documents/);
    const patched = await api.call({ method: 'PATCH', url: `/v1/documents/${docId}`, payload: { number: 'HACK' }, key });
    assert.equal(patched.statusCode, 403, patched.body);
    const version = await api.call({ method: 'POST', url: `/v1/documents/${docId}/versions`, key, ...multipart([{ name: 'file', filename: 'x.pdf', type: 'application/pdf', content: pdf('x') }]) });
    assert.equal(version.statusCode, 403, version.body);
    const doc = (await api.call({ method: 'GET', url: `/v1/documents/${docId}` })).json();
    assert.equal(doc.number, 'F-2024-001');
    assert.equal(doc.versions.length, 1);
    assert.equal((await api.call({ method: 'GET', url: '/v1/documents' })).json().items.length, 1);
  });

  it('can once given manage_companies and manage_documents', async () => {
    const { key } = await member(api, ['manage_companies', 'manage_documents']);
    const company = await api.call({ method: 'POST', url: '/v1/companies', payload: { name: 'Second NV', language: 'nl', timeZone: 'Europe/Brussels' }, key });
    assert.equal(company.statusCode, 201, company.body);
    assert.equal((await api.call({ method: 'PATCH', url: `/v1/companies/${company.json().id}`, payload: { name: 'Second BV' }, key })).statusCode, 200);
    const uploaded = await api.call({ method: 'POST', url: '/v1/documents', key, ...multipart([...invoiceFields(api.companyId, { number: 'APP-1' }), { name: 'file', filename: 'a.pdf', type: 'application/pdf', content: pdf('a') }]) });
    assert.equal(uploaded.statusCode, 201, uploaded.body);
    assert.equal((await api.call({ method: 'PATCH', url: `/v1/documents/${docId}`, payload: { number: 'F-2024-001b' }, key })).statusCode, 200);
  });
});
