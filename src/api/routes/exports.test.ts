import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { otherOrganization, startApi, type Api } from '../harness.test.js';
import { member } from '../../../test/security/members.js';
import { RIGHTS } from '../../domain/rights.js';
import type { LiveEvent } from '../../events/live.js';
import { collectBlobGarbage } from '../../vault/gc.js';

const run = promisify(execFile);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const DOCUMENTS = 300;

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('exports through the API', () => {
  let api: Api;
  before(async () => {
    api = await startApi();
    for (let i = 0; i < DOCUMENTS; i++) {
      const xml = i % 10 === 0;
      const body = Buffer.from(xml ? `<?xml version="1.0"?><Invoice><ID>E-${i}</ID></Invoice>` : `%PDF-1.4 invoice ${i} ${'x'.repeat(i * 40)}`);
      await api.deps.vault.create(api.orgId, api.companyId, { type: 'invoice', number: `E/${i}`, date: `2024-${String(1 + (i % 12)).padStart(2, '0')}-10`, counterparty: null, amount: null, currency: null, businessAccount: null },
        { body: Readable.from(body), filename: xml ? `e-${i}.xml` : `e-${i}.pdf`, mime: xml ? 'application/xml' : 'application/pdf' });
    }
  });
  after(() => api?.close());

  it('runs as a job with live progress, and its ZIP downloads with every hash in the index matching its file', async () => {
    const events: LiveEvent[] = [];
    const stop = api.deps.events.subscribe((e) => { if (e.type.startsWith('export.')) events.push(e); });
    const started = await api.call({ method: 'POST', url: '/v1/exports', payload: { companyId: api.companyId, from: '2024-01-01', to: '2024-12-31' } });
    assert.equal(started.statusCode, 202, started.body);
    const job = started.json();
    assert.ok(['queued', 'running', 'done'].includes(job.state));
    const early = await api.call({ method: 'GET', url: `/v1/exports/${job.id}/download` });
    if (early.statusCode !== 200) assert.equal(early.json().error.reason, 'export_not_ready');

    const done = await until('the export', async () => (await api.call({ method: 'GET', url: `/v1/exports/${job.id}` })).json(), (e) => e.state === 'done' || e.state === 'failed');
    stop();
    assert.equal(done.state, 'done', done.error);
    assert.deepEqual([done.done, done.total, done.summary.documents, done.summary.files], [DOCUMENTS, DOCUMENTS, DOCUMENTS, DOCUMENTS]);
    const progress = events.filter((e) => e.type === 'export.progress') as Array<Extract<LiveEvent, { type: 'export.progress' }>>;
    assert.ok(progress.length >= 1, 'progress is announced');
    assert.ok(progress.every((e, i) => e.exportId === job.id && e.total === DOCUMENTS && (i === 0 || e.done >= progress[i - 1]!.done)), 'progress only grows');
    assert.equal(progress.at(-1)!.done, DOCUMENTS);
    assert.deepEqual(events.filter((e) => e.type === 'export.finished').map((e) => (e as { state: string }).state), ['done']);
    assert.equal((await api.call({ method: 'GET', url: '/v1/exports' })).json().items[0].id, job.id);

    const download = await api.call({ method: 'GET', url: `/v1/exports/${job.id}/download` });
    assert.equal(download.statusCode, 200);
    assert.equal(download.headers['content-type'], 'application/zip');
    assert.match(String(download.headers['content-disposition']), /dossier-export-2024-01-01-2024-12-31/);
    assert.equal(download.rawPayload.length, done.size);
    assert.equal(sha256(download.rawPayload), done.sha256);
    const zip = join(api.dir, 'export.zip');
    await writeFile(zip, download.rawPayload);
    const out = join(api.dir, 'unzipped');
    await run('unzip', ['-q', zip, '-d', out]);
    const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as { files: Array<{ path: string; sha256: string; size: number }> };
    assert.equal(index.files.length, DOCUMENTS);
    for (const f of index.files) {
      const bytes = await readFile(join(out, f.path));
      assert.equal(sha256(bytes), f.sha256, f.path);
      assert.equal(bytes.length, f.size);
    }
    assert.equal((await readFile(join(out, 'audit.jsonl'), 'utf8')).trim().split('\n').length, DOCUMENTS);

    // The storage clean-up keeps the ZIP while the export exists, and removes it once expired.
    const gc = () => collectBlobGarbage({ db: api.deps.db, blobs: api.deps.blobs, log: api.deps.log, graceMs: 0, incomingMaxAgeMs: 3_600_000 });
    await gc();
    assert.ok(await api.deps.blobs.has(done.sha256), 'kept while the export can be downloaded');
    assert.equal(await api.deps.exports.removeExpired(new Date(Date.now() + 6 * 86_400_000)), 0, 'kept for DOSSIER_EXPORT_KEEP_DAYS (7)');
    assert.equal(await api.deps.exports.removeExpired(new Date(Date.now() + 8 * 86_400_000)), 1);
    assert.equal((await api.call({ method: 'GET', url: `/v1/exports/${job.id}` })).statusCode, 404);
    await gc();
    assert.equal(await api.deps.blobs.has(done.sha256), false, 'the ZIP went with the next clean-up');
  });

  it('refuses a reversed period, a missing company, members whatever their rights, and another organization', async () => {
    const reversed = await api.call({ method: 'POST', url: '/v1/exports', payload: { companyId: api.companyId, from: '2024-12-31', to: '2024-01-01' } });
    assert.equal(reversed.statusCode, 400);
    assert.equal(reversed.json().error.reason, 'export_period_reversed');
    assert.equal((await api.call({ method: 'POST', url: '/v1/exports', payload: { companyId: 'cmp_aaaaaaaaaaaaaaaaaaaa', from: '2024-01-01', to: '2024-01-31' } })).statusCode, 404);
    const made = (await api.call({ method: 'POST', url: '/v1/exports', payload: { companyId: api.companyId, from: '2024-01-01', to: '2024-01-31' } })).json();
    await until('the export', async () => (await api.call({ method: 'GET', url: `/v1/exports/${made.id}` })).json(), (e) => e.state === 'done');

    const urls = [['POST', '/v1/exports'], ['GET', '/v1/exports'], ['GET', `/v1/exports/${made.id}`], ['GET', `/v1/exports/${made.id}/download`]] as const;
    const everything = await member(api, RIGHTS);
    for (const r of RIGHTS) {
      const one = await member(api, [r]);
      for (const [method, url] of urls) {
        const res = await api.call({ method, url, key: one.key, ...(method === 'POST' && { payload: { companyId: api.companyId, from: '2024-01-01', to: '2024-01-31' } }) });
        assert.equal(res.statusCode, 403, `${method} ${url} with ${r}`);
      }
    }
    for (const [method, url] of urls) {
      assert.equal((await api.call({ method, url, key: everything.key, ...(method === 'POST' && { payload: {} }) })).statusCode, 403, `${method} ${url} as a member with every right`);
      assert.equal((await api.call({ method, url, key: null, ...(method === 'POST' && { payload: {} }) })).statusCode, 401, `${method} ${url} without a key`);
    }

    const b = await otherOrganization(api);
    for (const url of [`/v1/exports/${made.id}`, `/v1/exports/${made.id}/download`]) {
      const theirs = await api.call({ method: 'GET', url, key: b.apiKey });
      assert.equal(theirs.statusCode, 404, url);
    }
    assert.deepEqual((await api.call({ method: 'GET', url: '/v1/exports', key: b.apiKey })).json().items, []);
    const cross = await api.call({ method: 'POST', url: '/v1/exports', key: b.apiKey, payload: { companyId: api.companyId, from: '2024-01-01', to: '2024-01-31' } });
    assert.equal(cross.statusCode, 404, 'another organization\'s company is not found');
  });
});
