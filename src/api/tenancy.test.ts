import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { invoiceFields, multipart, otherOrganization, pdf, startApi, upload } from './harness.test.js';

/**
 * One installation, two organizations: B's key must not read, change or use anything of A's
 * through any route. A 404 (not a 403) is the right answer: B may not even learn that it exists.
 */
test('an organization cannot see or touch another organization\'s objects', async (t) => {
  const api = await startApi();
  t.after(() => api.close());

  // Organization A: a document, a synced local destination with a run.
  const doc = (await upload(api, invoiceFields(api.companyId))).json();
  const root = await api.folder('a');
  const dst = (await api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'A NAS', kind: 'local', settings: { root } } })).json();
  await api.deps.queue.idle();
  const runId = (await api.call({ method: 'GET', url: `/v1/destinations/${dst.id}` })).json().lastRunId as string;
  assert.match(runId, /^run_/);

  const b = await otherOrganization(api);
  const asB = (opts: InjectOptions) => api.call({ ...opts, key: b.apiKey });
  const newFile = multipart([['number', 'HACK'], { name: 'file', filename: 'x.pdf', type: 'application/pdf', content: pdf('b') }]);
  const denied: Array<[string, InjectOptions]> = [
    ['company', { method: 'GET', url: `/v1/companies/${api.companyId}` }],
    ['company change', { method: 'PATCH', url: `/v1/companies/${api.companyId}`, payload: { name: 'Mine now' } }],
    ['document', { method: 'GET', url: `/v1/documents/${doc.id}` }],
    ['document content', { method: 'GET', url: `/v1/documents/${doc.id}/content` }],
    ['document version content', { method: 'GET', url: `/v1/documents/${doc.id}/content?version=${doc.versions[0].id}` }],
    ['document change', { method: 'PATCH', url: `/v1/documents/${doc.id}`, payload: { number: 'HACK' } }],
    ['document new version', { method: 'POST', url: `/v1/documents/${doc.id}/versions`, ...newFile }],
    ['document upload into A\'s company', { method: 'POST', url: '/v1/documents', ...multipart([...invoiceFields(api.companyId), { name: 'file', filename: 'x.pdf', type: 'application/pdf', content: pdf('b') }]) }],
    ['documents of A\'s company', { method: 'GET', url: `/v1/documents?companyId=${api.companyId}` }],
    ['destination', { method: 'GET', url: `/v1/destinations/${dst.id}` }],
    ['destinations of A\'s company', { method: 'GET', url: `/v1/destinations?companyId=${api.companyId}` }],
    ['destination change', { method: 'PATCH', url: `/v1/destinations/${dst.id}`, payload: { name: 'Mine now' } }],
    ['destination change preview', { method: 'POST', url: `/v1/destinations/${dst.id}/preview-change`, payload: { layout: 'company-year-month' } }],
    ['destination pause', { method: 'POST', url: `/v1/destinations/${dst.id}/pause` }],
    ['destination resume', { method: 'POST', url: `/v1/destinations/${dst.id}/resume` }],
    ['destination sync', { method: 'POST', url: `/v1/destinations/${dst.id}/sync` }],
    ['destination verify', { method: 'POST', url: `/v1/destinations/${dst.id}/verify` }],
    ['destination runs', { method: 'GET', url: `/v1/destinations/${dst.id}/runs` }],
    ['destination removal', { method: 'DELETE', url: `/v1/destinations/${dst.id}` }],
    ['run', { method: 'GET', url: `/v1/runs/${runId}` }],
    ['destination on A\'s company', { method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'Tap', kind: 'local', settings: { root: await api.folder('b') } } }],
    ['preview of A\'s document', { method: 'POST', url: '/v1/layouts/preview', payload: { documentId: doc.id, companyId: b.companyId } }],
    ['preview at A\'s destination', { method: 'POST', url: '/v1/layouts/preview', payload: { destinationId: dst.id, companyId: b.companyId, document: { type: 'invoice', date: '2024-01-01', filename: 'a.pdf' } } }],
    ['preview in A\'s company', { method: 'POST', url: '/v1/layouts/preview', payload: { companyId: api.companyId, document: { type: 'invoice', date: '2024-01-01', filename: 'a.pdf' } } }],
  ];
  for (const [what, opts] of denied) {
    const res = await asB(opts);
    assert.equal(res.statusCode, 404, `${what}: ${res.statusCode} ${res.body}`);
    assert.equal(res.json().error.code, 'not_found', what);
  }

  // B's own lists hold only B's things.
  assert.deepEqual((await asB({ method: 'GET', url: '/v1/companies' })).json().items.map((c: { id: string }) => c.id), [b.companyId]);
  assert.deepEqual((await asB({ method: 'GET', url: '/v1/documents' })).json().items, []);
  assert.deepEqual((await asB({ method: 'GET', url: '/v1/destinations' })).json().items, []);

  // And A's things are exactly as they were.
  const after = (await api.call({ method: 'GET', url: `/v1/documents/${doc.id}` })).json();
  assert.equal(after.number, doc.number);
  assert.equal(after.versions.length, 1);
  const company = (await api.call({ method: 'GET', url: `/v1/companies/${api.companyId}` })).json();
  assert.equal(company.name, 'My company');
  const status = (await api.call({ method: 'GET', url: `/v1/destinations/${dst.id}` })).json();
  assert.equal(status.name, 'A NAS');
  assert.equal(status.state, 'active');
  assert.equal((await api.call({ method: 'GET', url: '/v1/documents' })).json().items.length, 1);
  assert.equal((await api.call({ method: 'GET', url: `/v1/runs/${runId}` })).statusCode, 200);
});
