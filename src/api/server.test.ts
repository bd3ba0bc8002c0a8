import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApi } from './harness.test.js';

test('the service answers /health without a key, and documents its API', async (t) => {
  const api = await startApi();
  t.after(() => api.close());

  const health = await api.call({ method: 'GET', url: '/health', key: null });
  assert.equal(health.statusCode, 200);
  assert.deepEqual(health.json(), { status: 'ok' });

  const spec = await api.call({ method: 'GET', url: '/openapi.json', key: null });
  assert.equal(spec.statusCode, 200);
  const doc = JSON.parse(spec.body) as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
  assert.match(doc.openapi, /^3\./);
  for (const path of ['/v1/companies', '/v1/documents', '/v1/documents/{id}', '/v1/documents/{id}/content', '/v1/documents/{id}/versions',
    '/v1/destinations', '/v1/destinations/{id}', '/v1/destinations/{id}/verify', '/v1/destination-kinds', '/v1/runs/{id}', '/v1/layouts', '/v1/layouts/preview']) {
    assert.ok(doc.paths[path], `${path} is in the OpenAPI document`);
  }
  assert.ok(doc.paths['/v1/documents']!.post!.requestBody!.content['multipart/form-data'], 'uploads are documented as multipart');
  assert.ok(!JSON.stringify(doc.paths).includes('/docs/'), 'the reference UI does not list itself');

  const ui = await api.call({ method: 'GET', url: '/docs/', key: null });
  assert.equal(ui.statusCode, 200);
  assert.match(ui.headers['content-type'] as string, /text\/html/);
});
