import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { invoiceFields, otherOrganization, startApi, upload, type Api } from '../harness.test.js';
import { member } from '../../../test/security/members.js';
import { dossierJson } from '../../../test/helpers/cli.js';

describe('retention through the API and the CLI', () => {
  let api: Api;
  before(async () => { api = await startApi(); });
  after(() => api?.close());

  it('refuses to delete a document inside its period or under a hold, with a code, and sets the policy', async () => {
    const doc = (await upload(api, invoiceFields(api.companyId))).json();
    const refused = await api.call({ method: 'DELETE', url: `/v1/documents/${doc.id}` });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.code, 'retention_period');
    // Dated 2024 but received now: kept 10 years from the end of the year it was received.
    assert.match(refused.json().error.message, new RegExp(`must be kept until ${new Date().getUTCFullYear() + 11}-01-01`));

    const cli = await dossierJson(join(api.dir, 'data'), 'documents', 'delete', doc.id);
    assert.equal(cli.code, 1);
    assert.equal(cli.error.code, 'retention_period');

    assert.equal((await api.call({ method: 'PUT', url: `/v1/documents/${doc.id}/hold`, payload: { legalHold: true } })).statusCode, 204);
    const held = await api.call({ method: 'DELETE', url: `/v1/documents/${doc.id}` });
    assert.equal(held.json().error.code, 'legal_hold');

    const set = await api.call({ method: 'PUT', url: `/v1/companies/${api.companyId}/retention`, payload: { preset: 'be' } });
    assert.equal(set.statusCode, 200, set.body);
    assert.deepEqual(set.json(), { companyId: api.companyId, preset: 'be', years: 7, legalHold: false, holdReason: null });
    assert.deepEqual((await api.call({ method: 'GET', url: `/v1/companies/${api.companyId}/retention` })).json().years, 7);
    const both = await api.call({ method: 'PUT', url: `/v1/companies/${api.companyId}/retention`, payload: { preset: 'de', years: 7 } });
    assert.equal(both.statusCode, 400);

    const purge = await dossierJson(join(api.dir, 'data'), 'retention', 'purge', '--company', api.companyId, '--before', '2030-01-01', '--yes');
    assert.equal(purge.code, 0, JSON.stringify(purge));
    assert.deepEqual([purge.deleted, purge.kept], [[], { retained: 0, held: 1 }]);
    assert.equal((await api.call({ method: 'GET', url: `/v1/documents/${doc.id}` })).statusCode, 200);
    const log = (await api.call({ method: 'GET', url: '/v1/audit?type=retention.purged' })).json();
    assert.deepEqual(log.items[0].actor, { kind: 'system', id: 'cli' });
  });

  it('keeps to the rights and to the organization', async () => {
    const doc = (await upload(api, invoiceFields(api.companyId, { number: 'F-2' }))).json();
    const reader = await member(api, ['review_inbox']);
    assert.equal((await api.call({ method: 'DELETE', url: `/v1/documents/${doc.id}`, key: reader.key })).statusCode, 403);
    assert.equal((await api.call({ method: 'PUT', url: `/v1/companies/${api.companyId}/retention`, payload: { years: 12 }, key: reader.key })).statusCode, 403);
    assert.equal((await api.call({ method: 'GET', url: `/v1/companies/${api.companyId}/retention`, key: reader.key })).statusCode, 200);
    const other = await otherOrganization(api);
    assert.equal((await api.call({ method: 'DELETE', url: `/v1/documents/${doc.id}`, key: other.apiKey })).statusCode, 404);
    assert.equal((await api.call({ method: 'PUT', url: `/v1/documents/${doc.id}/hold`, payload: { legalHold: false }, key: other.apiKey })).statusCode, 404);
    assert.equal((await api.call({ method: 'GET', url: `/v1/companies/${api.companyId}/retention`, key: other.apiKey })).statusCode, 404);
    assert.equal((await api.call({ method: 'PUT', url: `/v1/companies/${api.companyId}/retention`, payload: { years: 12 }, key: other.apiKey })).statusCode, 404);
  });
});
