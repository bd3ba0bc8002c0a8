import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/log.js';
import { buildDeps, type Deps } from '../../src/main/deps.js';
import { bootstrapIfEmpty } from '../../src/auth/bootstrap.js';
import { READ_JOB } from '../../src/collect/reading.js';
import { DUTCH_INVOICE, FRENCH_INVOICE, invoicePageImage } from '../../src/extract/ocr/testing/invoices.js';
import { freshPostgres, postgresReachable, PG_ADMIN } from '../helpers/databases.js';
import { ublInvoice } from '../helpers/collect.js';
import { TEST_LIMITS } from '../helpers/limits.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

/**
 * Reading across processes: this process collects (it runs no jobs), worker processes read. The
 * first worker is killed while it reads the scans (OCR takes seconds); the next one reads them,
 * and every document is read exactly once.
 */
describe('reading collected documents on worker processes', { skip: !(await postgresReachable()) && `PostgreSQL is not reachable at ${PG_ADMIN}` }, () => {
  let database: { url: string; drop(): Promise<void> };
  let dataDir = '';
  let source = '';
  let env: Record<string, string> = {};
  let deps: Deps;
  const processes: ServerProcess[] = [];

  before(async () => {
    database = await freshPostgres();
    dataDir = await mkdtemp(join(tmpdir(), 'dossier-reading-'));
    source = await mkdtemp(join(tmpdir(), 'dossier-reading-src-'));
    env = {
      DATABASE_URL: database.url, DOSSIER_DATA_DIR: dataDir, DOSSIER_SECRET_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'info', DOSSIER_DEBOUNCE_MS: '200', DOSSIER_JOB_HEARTBEAT_SECONDS: '10', DOSSIER_LOCAL_ROOTS: source, ...TEST_LIMITS,
    };
    deps = await buildDeps({ config: loadConfig(env), log: silentLogger });
  });

  after(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    await deps?.close();
    await database?.drop();
    for (const dir of [dataDir, source]) await rm(dir, { recursive: true, force: true });
  });

  it('a worker reads what another process collected; a killed worker\'s reading is done by the next, once', async () => {
    const first = (await bootstrapIfEmpty(deps.db))!;
    await writeFile(join(source, 'scan-nl.png'), invoicePageImage(DUTCH_INVOICE));
    await writeFile(join(source, 'scan-fr.png'), invoicePageImage(FRENCH_INVOICE));
    await writeFile(join(source, 'invoice.xml'), ublInvoice({ number: 'XP-1' }));
    const channel = await deps.collect.channels.create(first.orgId, first.userId, {
      companyId: first.companyId, name: 'Client', kind: 'local', folder: source, recipientId: first.userId, binderName: 'Purchases', collectAt: '06:00', moveCollected: false,
    });
    const run = await deps.collect.runs.runNow(first.orgId, channel.id, first.userId);
    assert.equal(run.collected, 3, run.error ?? '');
    const items = () => deps.db.selectFrom('inbox_items').select(['id', 'filename', 'status', 'fields', 'document_id']).execute();
    assert.deepEqual((await items()).map((i) => i.status), ['reading', 'reading', 'reading'], 'filed at once; no process here reads');

    const schema = deps.config.jobs.schema;
    const active = async () => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.id(schema, 'job')} WHERE name = ${READ_JOB} AND state = 'active'`.execute(deps.db)).rows[0]!.n);
    const scansBeingRead = async () => (await items()).filter((i) => i.filename.startsWith('scan') && i.status === 'reading').length;
    const worker = () => { const w = startServerProcess({ ...env, PORT: '0' }, ['--role=worker']); processes.push(w); return w; };

    const victim = worker();
    await victim.waitFor(/Dossier is running/);
    for (let i = 0; i < 3000 && !((await active()) > 0 && (await scansBeingRead()) > 0); i++) await new Promise((r) => setTimeout(r, 20));
    victim.child.kill('SIGKILL');
    await victim.exited;
    const left = await scansBeingRead();
    assert.ok(left > 0, 'the worker died with a scan being read');

    const next = worker();
    await next.waitFor(/Dossier is running/);
    const until = Date.now() + 120_000;
    while ((await items()).some((i) => i.status === 'reading')) {
      assert.ok(Date.now() < until, `still being read: ${JSON.stringify((await items()).filter((i) => i.status === 'reading').map((i) => i.filename))}\n${next.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const read = Object.fromEntries((await items()).map((i) => [i.filename, (JSON.parse(i.fields) as Record<string, { value: unknown }>).number?.value]));
    assert.deepEqual(read, { 'invoice.xml': 'XP-1', 'scan-nl.png': 'INV-2026-00417', 'scan-fr.png': 'FA-2026-0932' });
    // Read once: one text per document, whatever ran twice.
    const texts = await deps.db.selectFrom('document_texts').select(['document_id']).execute();
    assert.equal(texts.length, new Set(texts.map((t) => t.document_id)).size, 'no document read twice');
    assert.equal(texts.length, 3);
  });
});
