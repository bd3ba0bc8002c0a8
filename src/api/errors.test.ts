import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VaultService } from '../vault/service.js';
import { ConnectorError } from '../connectors/connector.js';
import { DomainError, ERROR_REASONS } from '../domain/errors.js';
import { mapError } from './errors.js';
import { buildServer } from './server.js';
import { invoiceFields, startApi, upload } from './harness.test.js';

test('every /v1 route needs a valid API key', async (t) => {
  const api = await startApi();
  t.after(() => api.close());

  const attempts: Array<Record<string, string>> = [
    {},
    { authorization: 'Bearer nope' },
    { authorization: `Bearer dsk_0123456789ab_${'A'.repeat(32)}` },
    { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
    { authorization: `Bearer ${api.apiKey}x` },
  ];
  for (const headers of attempts) {
    const res = await api.app.inject({ method: 'GET', url: '/v1/companies', headers });
    assert.equal(res.statusCode, 401, JSON.stringify(headers));
    assert.equal(res.json().error.code, 'unauthorized');
    assert.equal(res.headers['www-authenticate'], 'Bearer');
  }
  const anonymous = await upload({ ...api, call: (o) => api.call({ ...o, key: null }) }, invoiceFields(api.companyId));
  assert.equal(anonymous.statusCode, 401);
  assert.deepEqual((await api.call({ method: 'GET', url: '/v1/documents' })).json().items, [], 'nothing was stored for it');
  assert.equal((await api.call({ method: 'GET', url: '/v1/companies', headers: { authorization: `bearer  ${api.apiKey}` } })).statusCode, 200);
});

test('unknown routes and malformed bodies get the one error shape', async (t) => {
  const api = await startApi();
  t.after(() => api.close());

  for (const url of ['/v1/nothing', '/nothing', '/v1/documents/doc_aaaaaaaaaaaaaaaaaaaa/nothing']) {
    const res = await api.call({ method: 'GET', url });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(Object.keys(res.json()), ['error']);
    assert.equal(res.json().error.code, 'not_found');
  }
  const broken = await api.call({ method: 'POST', url: '/v1/companies', headers: { 'content-type': 'application/json' }, payload: '{"name": ' });
  assert.equal(broken.statusCode, 400);
  assert.equal(broken.json().error.code, 'invalid_input');
  const noBody = await api.call({ method: 'POST', url: '/v1/companies' });
  assert.equal(noBody.statusCode, 400);
  assert.match(noBody.json().error.message, /request body is not valid/);
});

test('an unexpected failure is a 500 that tells nothing of its cause', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const failing = { list: async () => { throw new Error('connect ECONNREFUSED postgres://dossier:hunter2@db'); } } as unknown as VaultService;
  const app = await buildServer({ ...api.deps, vault: failing });
  t.after(() => app.close());

  const res = await app.inject({ method: 'GET', url: '/v1/documents', headers: { authorization: `Bearer ${api.apiKey}` } });
  assert.equal(res.statusCode, 500);
  assert.equal(res.json().error.code, 'internal');
  assert.ok(!res.body.includes('hunter2') && !res.body.includes('ECONNREFUSED') && !res.body.includes(' at '));
  assert.match(res.json().error.message, /reference req-/);
});

test('destination failures map to statuses a client can act on', () => {
  const cases: Array<[ConnectorError, number, string]> = [
    [new ConnectorError('not_found', 'gone'), 404, 'destination_not_found'],
    [new ConnectorError('invalid_name', 'bad'), 400, 'destination_invalid_name'],
    [new ConnectorError('quota_exceeded', 'full'), 507, 'destination_quota_exceeded'],
    [new ConnectorError('rate_limited', 'slow down', 30_500), 503, 'destination_rate_limited'],
    [new ConnectorError('auth_expired', 'reconnect'), 502, 'destination_auth_expired'],
    [new ConnectorError('permission_denied', 'no'), 502, 'destination_permission_denied'],
    [new ConnectorError('fatal', 'broken'), 502, 'destination_fatal'],
  ];
  for (const [err, status, code] of cases) {
    const mapped = mapError(err)!;
    assert.equal(mapped.status, status, err.kind);
    assert.equal(mapped.code, code);
    assert.match(mapped.message, new RegExp(err.message));
  }
  assert.deepEqual(mapError(cases[3]![0])!.headers, { 'retry-after': '31' });
  assert.deepEqual(mapError(new DomainError('conflict', 'busy')), { status: 409, code: 'conflict', message: 'busy' });
  assert.equal(mapError(new Error('boom')), null);
  assert.equal(mapError('boom'), null);
});

test('every error the API answers with carries a reason the web app translates: a storage\'s, HTTP\'s own, an unknown route, a failure of ours', async (t) => {
  const known = new Set<string>(ERROR_REASONS);
  const kinds = ['not_found', 'is_directory', 'already_exists', 'invalid_name', 'auth_expired', 'permission_denied', 'rate_limited', 'quota_exceeded', 'transient', 'cancelled', 'fatal'] as const;
  for (const kind of kinds) {
    const mapped = mapError(new ConnectorError(kind, 'the remote\'s words'))!;
    assert.deepEqual([mapped.reason, mapped.params], ['destination_answered', { detail: 'the remote\'s words' }], kind);
  }
  const fastify = ['FST_REQ_FILE_TOO_LARGE', 'FST_PARTS_LIMIT', 'FST_FILES_LIMIT', 'FST_FIELDS_LIMIT', 'FST_ERR_CTP_BODY_TOO_LARGE', 'FST_INVALID_MULTIPART_CONTENT_TYPE',
    'FST_ERR_CTP_INVALID_MEDIA_TYPE', 'FST_INVALID_JSON_FIELD_ERROR', 'FST_PROTO_VIOLATION', 'FST_ERR_CTP_EMPTY_JSON_BODY'];
  for (const code of fastify) {
    const reason = mapError({ code, statusCode: 400, message: 'x' })?.reason;
    assert.ok(reason && known.has(reason), `${code}: ${reason}`);
  }
  assert.equal(mapError({ message: 'x', validation: [{ instancePath: '', message: 'must be object' }] })?.reason, 'request_malformed');

  // Through the server: a malformed body, an unknown route, a failure of ours with its reference.
  const api = await startApi();
  t.after(() => api.close());
  const broken = await api.call({ method: 'POST', url: '/v1/companies', headers: { 'content-type': 'application/json' }, payload: '{"name": ' });
  assert.ok(known.has(broken.json().error.reason), broken.body);
  assert.equal((await api.call({ method: 'GET', url: '/v1/nothing' })).json().error.reason, 'route_unknown');
  const failing = { list: async () => { throw new Error('boom'); } } as unknown as VaultService;
  const app = await buildServer({ ...api.deps, vault: failing });
  t.after(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/v1/documents', headers: { authorization: `Bearer ${api.apiKey}` } });
  assert.equal(res.json().error.reason, 'internal_error');
  assert.match(res.json().error.message, new RegExp(`reference ${String(res.json().error.params.reference)}`));
});
