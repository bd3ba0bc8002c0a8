import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { MemoryConnector } from '../../connectors/memory/connector.js';
import { ConnectorError, type ConnectorDefinition } from '../../connectors/connector.js';
import { invoiceFields, pdf, startApi, upload, type Api } from '../harness.test.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const EXPECTED = 'My company/2024/Invoices/2024-03-14 F-2024-001 Client NV.pdf';

async function addLocal(api: Api, extra: Record<string, unknown> = {}) {
  const root = await api.folder(`nas-${Math.random().toString(36).slice(2)}`);
  const res = await api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'NAS', kind: 'local', settings: { root }, ...extra } });
  assert.equal(res.statusCode, 201, res.body);
  return { root, dst: res.json() as { id: string; state: string; [k: string]: unknown } };
}

test('a local destination receives every document at its layout path, and reports on it', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const content = pdf();
  const doc = (await upload(api, invoiceFields(api.companyId), content)).json();

  const { root, dst } = await addLocal(api);
  assert.equal(dst.state, 'active');
  assert.equal(dst.schedule, 'continuous');
  assert.equal(dst.restoreDeleted, true);
  assert.equal(dst.respectFolderDeletions, false);
  for (const hidden of ['settings', 'connectionId', 'orgId', 'cursorSeq']) assert.equal(hidden in dst, false, `${hidden} is not returned`);
  await api.deps.queue.idle();

  assert.equal(sha256(await readFile(join(root, EXPECTED))), sha256(content));

  const status = (await api.call({ method: 'GET', url: `/v1/destinations/${dst.id}` })).json();
  assert.deepEqual(status.documents, { synced: 1, pending: 0, failed: 0 });
  assert.ok(status.quota === null || typeof status.quota.free === 'number');
  assert.match(status.lastRunId, /^run_/);

  const detail = (await api.call({ method: 'GET', url: `/v1/documents/${doc.id}` })).json();
  assert.deepEqual(detail.destinations.map((d: { destinationId: string; state: string; remotePath: string }) => [d.destinationId, d.state, d.remotePath]),
    [[dst.id, 'synced', EXPECTED]]);

  const preview = await api.call({ method: 'POST', url: '/v1/layouts/preview', payload: { destinationId: dst.id, documentId: doc.id } });
  assert.deepEqual(preview.json(), { path: EXPECTED });

  const runs = (await api.call({ method: 'GET', url: `/v1/destinations/${dst.id}/runs` })).json();
  assert.equal(runs.items[0].id, status.lastRunId);
  assert.equal(runs.items[0].status, 'done');
  assert.equal(runs.items[0].uploaded, 1);
  const run = (await api.call({ method: 'GET', url: `/v1/runs/${status.lastRunId}` })).json();
  assert.equal(run.run.id, status.lastRunId);
  assert.deepEqual(run.items.map((i: { documentId: string; outcome: string; remotePath: string }) => [i.documentId, i.outcome, i.remotePath]), [[doc.id, 'ok', EXPECTED]]);
  assert.equal(run.next, null);

  // Deleted at the destination: verify notices and puts it back.
  await rm(join(root, EXPECTED));
  const report = await api.call({ method: 'POST', url: `/v1/destinations/${dst.id}/verify` });
  assert.equal(report.statusCode, 200, report.body);
  assert.equal(report.json().missing, 1);
  assert.match(report.json().runId, /^run_/);
  assert.equal(sha256(await readFile(join(root, EXPECTED))), sha256(content));

  // Before saving, the preview counts what the new layout or start date would do, and does nothing.
  const previewChange = (payload: object) => api.call({ method: 'POST', url: `/v1/destinations/${dst.id}/preview-change`, payload });
  assert.deepEqual((await previewChange({ layout: 'company-year-month' })).json(), { moves: 1, uploads: 0, skipped: 0, unchanged: 0 });
  assert.deepEqual((await previewChange({ layout: 'company-year-type' })).json(), { moves: 0, uploads: 0, skipped: 0, unchanged: 1 });
  assert.deepEqual((await previewChange({ startDate: '2025-01-01' })).json(), { moves: 0, uploads: 0, skipped: 1, unchanged: 0 });
  assert.equal((await previewChange({ layout: '{nonsense}' })).statusCode, 400);
  assert.equal(sha256(await readFile(join(root, EXPECTED))), sha256(content), 'a preview moves nothing');
  assert.equal((await api.call({ method: 'GET', url: `/v1/destinations/${dst.id}` })).json().layout, 'company-year-type');

  // A new layout moves the file on the next pass.
  const patched = await api.call({ method: 'PATCH', url: `/v1/destinations/${dst.id}`, payload: { layout: 'company-year-month', name: 'NAS 2' } });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(patched.json().name, 'NAS 2');
  await api.deps.queue.idle();
  const moved = 'My company/2024/03/2024-03-14 F-2024-001 Client NV.pdf';
  assert.equal(sha256(await readFile(join(root, moved))), sha256(content));
});

test('destinations are paused, resumed, synced on request and removed', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const { dst } = await addLocal(api, { schedule: 'daily@02:30' });
  await api.deps.queue.idle();

  const paused = await api.call({ method: 'POST', url: `/v1/destinations/${dst.id}/pause` });
  assert.equal(paused.json().state, 'paused');
  const refused = await api.call({ method: 'POST', url: `/v1/destinations/${dst.id}/sync` });
  assert.equal(refused.statusCode, 409);
  assert.match(refused.json().error.message, /resume it first/);
  assert.equal((await api.call({ method: 'POST', url: `/v1/destinations/${dst.id}/resume` })).json().state, 'active');
  const queued = await api.call({ method: 'POST', url: `/v1/destinations/${dst.id}/sync` });
  assert.equal(queued.statusCode, 202);
  assert.deepEqual(queued.json(), { queued: true });
  await api.deps.queue.idle();

  const listed = (await api.call({ method: 'GET', url: `/v1/destinations?companyId=${api.companyId}` })).json();
  assert.deepEqual(listed.items.map((d: { id: string }) => d.id), [dst.id]);
  const removed = await api.call({ method: 'DELETE', url: `/v1/destinations/${dst.id}` });
  assert.equal(removed.statusCode, 204);
  assert.equal(removed.body, '');
  assert.equal((await api.call({ method: 'GET', url: `/v1/destinations/${dst.id}` })).statusCode, 404);
  assert.deepEqual((await api.call({ method: 'GET', url: '/v1/destinations' })).json().items, []);
});

test('destination input is checked, and the layout reference and previews work without a destination', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const root = await api.folder('x');
  const add = (payload: Record<string, unknown>) => api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'X', kind: 'local', settings: { root }, ...payload } });

  const schedule = await add({ schedule: 'hourly' });
  assert.equal(schedule.statusCode, 400);
  assert.match(schedule.json().error.message, /daily@HH:MM/);
  const settings = await add({ settings: { root: 'relative/path' } });
  assert.equal(settings.statusCode, 400);
  assert.match(settings.json().error.message, /root: Give the folder as an absolute path/);
  const kind = await add({ kind: 'floppy' });
  assert.equal(kind.statusCode, 400);
  assert.match(kind.json().error.message, /"floppy" is not a destination type/);
  const shape = await add({ restoreDeleted: 'yes', startDate: '14/03/2024' });
  assert.equal(shape.statusCode, 400);
  assert.match(shape.json().error.message, /restoreDeleted: Invalid input: expected boolean/);
  assert.match(shape.json().error.message, /startDate: Write dates as YYYY-MM-DD\.;/);
  assert.doesNotMatch(shape.json().error.message, /does not exist/, 'one message per mistake');

  const layouts = (await api.call({ method: 'GET', url: '/v1/layouts' })).json();
  assert.equal(layouts.default, 'company-year-type');
  assert.ok(layouts.presets.some((p: { name: string; template: string }) => p.name === 'company-year-type' && p.template === '{company}/{year}/{type}/{file}'));
  assert.ok(layouts.tokens.includes('counterparty'));

  const document = { type: 'purchase_invoice', number: 'A/17', date: '2024-11-02', counterparty: 'Leverancier: BV', filename: 'scan.PDF' };
  const custom = await api.call({ method: 'POST', url: '/v1/layouts/preview', payload: { layout: '{company}/{quarter}/{counterparty}/{number}', kind: 'sftp', companyId: api.companyId, document } });
  assert.equal(custom.statusCode, 200, custom.body);
  assert.equal(custom.json().path, 'My company/Q4/Leverancier: BV/A／17.pdf');
  const badToken = await api.call({ method: 'POST', url: '/v1/layouts/preview', payload: { layout: '{company}/{colour}/{file}', companyId: api.companyId, document } });
  assert.equal(badToken.statusCode, 400);
  assert.match(badToken.json().error.message, /\{colour\}/);
});

test('connection secrets are stored encrypted and never returned', async (t) => {
  const TOKEN = 'tok-5ecret-value-98765';
  const tokenMemory: ConnectorDefinition<{ token: string }> = {
    kind: 'tokenmem', title: 'Memory behind a token', secrets: ['token'],
    settings: z.object({ token: z.string().min(8) }),
    names: { set: 'posix', caseInsensitive: false, maxComponentBytes: 255 },
    create: async ({ token }) => {
      if (token !== TOKEN) throw new ConnectorError('auth_expired', 'The token was refused.');
      return new MemoryConnector({});
    },
  };
  const api = await startApi({ definitions: [tokenMemory] });
  t.after(() => api.close());

  const kinds = (await api.call({ method: 'GET', url: '/v1/destination-kinds' })).json().items as Array<{ kind: string; secrets: string[]; settings: { properties?: object } }>;
  assert.deepEqual(kinds.find((k) => k.kind === 'tokenmem')!.secrets, ['token']);
  assert.deepEqual(kinds.find((k) => k.kind === 'sftp')!.secrets.sort(), ['passphrase', 'password', 'privateKey']);
  assert.ok(kinds.find((k) => k.kind === 'local')!.settings.properties, 'each kind describes its settings');

  const responses: string[] = [];
  const created = await api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'Mem', kind: 'tokenmem', settings: { token: TOKEN } } });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id;
  await api.deps.queue.idle();
  for (const [method, url] of [['GET', `/v1/destinations/${id}`], ['GET', '/v1/destinations'], ['POST', `/v1/destinations/${id}/pause`], ['POST', `/v1/destinations/${id}/resume`]] as const) {
    responses.push((await api.call({ method, url })).body);
  }
  responses.push(created.body, (await api.call({ method: 'PATCH', url: `/v1/destinations/${id}`, payload: { name: 'Mem 2' } })).body);
  for (const body of responses) assert.ok(!body.includes(TOKEN), `no response holds the secret: ${body}`);
  const stored = await api.deps.db.selectFrom('connections').selectAll().execute();
  assert.ok(stored.length > 0 && stored.every((c) => !JSON.stringify(c).includes(TOKEN)), 'the secret is not stored in clear');

  // A failed connection test names the problem, not the password.
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
  const password = 'pa55-word-never-shown';
  const sftp = await api.call({
    method: 'POST', url: '/v1/destinations',
    payload: { companyId: api.companyId, name: 'Closed', kind: 'sftp', settings: { host: '127.0.0.1', port, username: 'backup', password } },
  });
  assert.equal(sftp.statusCode, 400, sftp.body);
  assert.equal(sftp.json().error.code, 'invalid_input');
  assert.match(sftp.json().error.message, /could not reach "Closed"/);
  assert.ok(!sftp.body.includes(password));
  const wrongToken = await api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'Bad', kind: 'tokenmem', settings: { token: 'tok-wrong-1234' } } });
  assert.equal(wrongToken.statusCode, 400);
  assert.ok(!wrongToken.body.includes('tok-wrong-1234'));
  const names = (await api.call({ method: 'GET', url: '/v1/destinations' })).json().items.map((d: { name: string }) => d.name);
  assert.deepEqual(names, ['Mem 2'], 'a destination that failed its test is not kept');
});
