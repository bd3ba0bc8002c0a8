import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from './server.js';
import { startApi } from './harness.test.js';

/** The built web app at /: its files, its page for the app's own paths, and never instead of the API's answers. */
test('the server serves the web app and falls back to its page outside /v1, /docs, /sandbox and /health', async (t) => {
  const api = await startApi();
  const root = await mkdtemp(join(tmpdir(), 'dossier-webroot-'));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  const app = await buildServer({ ...api.deps, webRoot: root });
  t.after(async () => { await app.close(); await api.close(); await rm(root, { recursive: true, force: true }); });
  const html = { accept: 'text/html,application/xhtml+xml' };

  for (const url of ['/', '/destinations/dst_abc', '/documents?x=1']) {
    const page = await app.inject({ method: 'GET', url, headers: html });
    assert.equal(page.statusCode, 200, url);
    assert.match(page.body, /id="root"/);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
  }
  const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
  assert.equal(asset.statusCode, 200);
  assert.match(String(asset.headers['cache-control']), /immutable/);

  // The server's own paths keep their JSON answers, even when a browser asks.
  for (const url of ['/v1/nothing', '/v1/companies', '/sandbox/x', '/docs/nope', '/health/x']) {
    const res = await app.inject({ method: 'GET', url, headers: html });
    assert.notEqual(res.headers['content-type'], 'text/html; charset=utf-8', url);
    assert.doesNotMatch(res.body, /id="root"/, url);
  }
  assert.equal((await app.inject({ method: 'GET', url: '/v1/companies', headers: html })).statusCode, 401);
  // A script asking for JSON at an unknown path gets the JSON 404.
  const missing = await app.inject({ method: 'GET', url: '/no/such/thing', headers: { accept: 'application/json' } });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.code, 'not_found');
  assert.equal((await app.inject({ method: 'GET', url: '/health' })).json().status, 'ok');
});

test('a missing build is a clear error at start, not a blank page', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  await assert.rejects(buildServer({ ...api.deps, webRoot: join(tmpdir(), 'no-such-web-build') }), /web app is not built.*npm run build/);
});
