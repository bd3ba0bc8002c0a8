import { test } from 'node:test';
import assert from 'node:assert/strict';
import { otherOrganization, startApi } from '../harness.test.js';

test('companies are listed, added, read and changed', async (t) => {
  const api = await startApi();
  t.after(() => api.close());

  const first = (await api.call({ method: 'GET', url: '/v1/companies' })).json();
  assert.deepEqual(first.items.map((c: { id: string }) => c.id), [api.companyId]);

  const created = await api.call({ method: 'POST', url: '/v1/companies', payload: { name: 'Bakkerij Peeters BV', language: 'nl', timeZone: 'Europe/Brussels' } });
  assert.equal(created.statusCode, 201, created.body);
  const company = created.json();
  assert.match(company.id, /^cmp_/);
  const { id: _id, createdAt: _at, ...fields } = company;
  assert.deepEqual(fields, { name: 'Bakkerij Peeters BV', language: 'nl', timeZone: 'Europe/Brussels', vatId: null });
  assert.equal('orgId' in company, false);

  assert.deepEqual((await api.call({ method: 'GET', url: `/v1/companies/${company.id}` })).json(), company);
  const patched = await api.call({ method: 'PATCH', url: `/v1/companies/${company.id}`, payload: { language: 'fr', timeZone: 'America/Montreal' } });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(patched.json().language, 'fr');
  assert.equal(patched.json().timeZone, 'America/Montreal');
  assert.equal(patched.json().name, 'Bakkerij Peeters BV');
  assert.equal((await api.call({ method: 'GET', url: '/v1/companies' })).json().items.length, 2);
});

test('company input is checked field by field', async (t) => {
  const api = await startApi();
  t.after(() => api.close());

  const bad = await api.call({ method: 'POST', url: '/v1/companies', payload: { name: ' ', language: 'es', timeZone: 'Europe/Atlantis' } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'invalid_input');
  for (const field of ['name', 'language', 'timeZone']) assert.match(bad.json().error.message, new RegExp(`${field}:`));
  assert.match(bad.json().error.message, /IANA time zone/);

  const patch = await api.call({ method: 'PATCH', url: `/v1/companies/${api.companyId}`, payload: { timeZone: 'UTC+2' } });
  assert.equal(patch.statusCode, 400);
  const missing = await api.call({ method: 'GET', url: '/v1/companies/cmp_aaaaaaaaaaaaaaaaaaaa' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.code, 'not_found');
  const malformed = await api.call({ method: 'GET', url: '/v1/companies/not-an-id' });
  assert.equal(malformed.statusCode, 400);
  assert.match(malformed.json().error.message, /URL is not valid: id:/);
});

test('a company\'s VAT number is checked, stored normalised, and removed with null', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const url = `/v1/companies/${api.companyId}`;

  const set = await api.call({ method: 'PATCH', url, payload: { vatId: 'be 0403.170.701' } });
  assert.equal(set.statusCode, 200, set.body);
  assert.equal(set.json().vatId, 'BE0403170701');
  for (const [raw, why] of [['BE0403170702', /check digits/], ['0403170701', /country prefix/], ['NL12', /number of characters/]] as const) {
    const bad = await api.call({ method: 'PATCH', url, payload: { vatId: raw } });
    assert.equal(bad.statusCode, 400, raw);
    assert.equal(bad.json().error.code, 'invalid_input');
    assert.match(bad.json().error.message, why, raw);
  }
  assert.equal((await api.call({ method: 'GET', url })).json().vatId, 'BE0403170701', 'a refused number changes nothing');
  const created = await api.call({ method: 'POST', url: '/v1/companies', payload: { name: 'Schmidt GmbH', language: 'de', timeZone: 'Europe/Berlin', vatId: 'DE136695976' } });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json().vatId, 'DE136695976');
  assert.equal((await api.call({ method: 'PATCH', url, payload: { vatId: null } })).json().vatId, null);
});

test('the organization is read by everyone in it and renamed by an administrator, never another organization\'s', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const before = (await api.call({ method: 'GET', url: '/v1/organization' })).json();
  assert.equal(before.id, api.orgId);
  const renamed = await api.call({ method: 'PATCH', url: '/v1/organization', payload: { name: '  Boekhouding Peeters  ' } });
  assert.equal(renamed.statusCode, 200, renamed.body);
  assert.equal(renamed.json().name, 'Boekhouding Peeters');
  assert.equal((await api.call({ method: 'PATCH', url: '/v1/organization', payload: { name: ' ' } })).statusCode, 400);

  const b = await otherOrganization(api);
  const theirs = await api.call({ method: 'PATCH', url: '/v1/organization', payload: { name: 'Taken over' }, key: b.apiKey });
  assert.equal(theirs.statusCode, 200);
  assert.equal(theirs.json().id, b.orgId, 'the route names only the caller\'s own organization');
  assert.equal((await api.call({ method: 'GET', url: '/v1/organization' })).json().name, 'Boekhouding Peeters');
});
