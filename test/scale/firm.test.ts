import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/log.js';
import { buildDeps, type Deps } from '../../src/main/deps.js';
import { bootstrapIfEmpty } from '../../src/auth/bootstrap.js';
import { freshPostgres, postgresReachable, PG_ADMIN } from '../helpers/databases.js';
import { ublInvoice } from '../helpers/collect.js';
import { walkFiles } from '../helpers/files.js';
import { TEST_LIMITS } from '../helpers/limits.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { startS3, type TestS3 } from '../servers/s3.js';

// The full numbers are 2,000 documents to 20 destinations and 10 channels; CI runs fewer, to stay
// near 100 s on a 2-core runner (docs/scale.md). DOSSIER_SCALE_DOCUMENTS=2000
// DOSSIER_SCALE_DESTINATIONS=20 DOSSIER_SCALE_CHANNELS=10 runs them.
const DOCUMENTS = Number(process.env.DOSSIER_SCALE_DOCUMENTS ?? 100);
const DESTINATIONS = Number(process.env.DOSSIER_SCALE_DESTINATIONS ?? 10);
const CHANNELS = Number(process.env.DOSSIER_SCALE_CHANNELS ?? 5);
const FILES_PER_CHANNEL = 5;
const WORKERS = 3;
const KILLS = 2;

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
});
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('a firm on PostgreSQL: one API process and three workers', { skip: !(await postgresReachable()) && `PostgreSQL is not reachable at ${PG_ADMIN}` }, () => {
  let database: { url: string; drop(): Promise<void> };
  let s3: TestS3;
  let dataDir = '';
  let roots: string[] = [];
  let sources: string[] = [];
  let env: Record<string, string> = {};
  let orgId = '', apiKey = '';
  const processes: ServerProcess[] = [];
  const open = (): Promise<Deps> => buildDeps({ config: loadConfig(env), log: silentLogger });

  before(async () => {
    database = await freshPostgres();
    dataDir = await mkdtemp(join(tmpdir(), 'dossier-firm-'));
    s3 = await startS3();
    env = {
      DOSSIER_BLOB_URL: `s3://${await s3.bucket()}/blobs`, DOSSIER_BLOB_S3_ENDPOINT: s3.endpoint, DOSSIER_BLOB_S3_PATH_STYLE: 'on',
      AWS_REGION: s3.region, AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      DATABASE_URL: database.url, DOSSIER_DATA_DIR: dataDir, DOSSIER_SECRET_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'info', DOSSIER_DEBOUNCE_MS: '200', DOSSIER_JOB_HEARTBEAT_SECONDS: '10', PORT: String(await freePort()), ...TEST_LIMITS,
    };
    const deps = await open();
    const first = (await bootstrapIfEmpty(deps.db))!;
    orgId = first.orgId; apiKey = first.apiKey;
    for (let i = 0; i < DOCUMENTS; i++) {
      await deps.vault.create(orgId, first.companyId, {
        type: i % 3 ? 'invoice' : 'purchase_invoice', number: `INV-${i}`, date: `2024-${String((i % 12) + 1).padStart(2, '0')}-10`,
        counterparty: `Client ${i % 40}`, amount: '10.00', currency: 'EUR', businessAccount: null,
      }, { body: Readable.from([Buffer.from(`%PDF-1.4 invoice ${i} `.padEnd(2000 + (i % 7) * 900, '.'))]), filename: 'f.pdf', mime: 'application/pdf' });
    }
    // Stopped before the workers start: the passes the destinations ask for wait in the queue.
    for (let d = 0; d < DESTINATIONS; d++) {
      const root = await mkdtemp(join(tmpdir(), `dossier-firm-dst${d}-`));
      roots.push(root);
      await deps.backup.add(orgId, {
        companyId: first.companyId, name: `Backup ${d}`, kind: 'local', settings: { root }, layout: 'company-year-month',
        startDate: null, schedule: 'continuous', restoreDeleted: true, respectFolderDeletions: false,
      });
    }
    for (let c = 0; c < CHANNELS; c++) {
      const src = await mkdtemp(join(tmpdir(), `dossier-firm-src${c}-`));
      sources.push(src);
      await mkdir(join(src, 'in'));
      for (let f = 0; f < FILES_PER_CHANNEL; f++) await writeFile(join(src, 'in', `inv-${f}.xml`), ublInvoice({ number: `C${c}-${f}`, total: `${100 + c * 10 + f}.00` }));
      const channel = await deps.collect.channels.create(orgId, first.userId, {
        companyId: first.companyId, name: `Client ${c}`, kind: 'local', folder: src, recipientId: first.userId, binderName: 'Purchases', collectAt: '06:00', moveCollected: false,
      });
      await deps.collect.runs.request(orgId, channel.id, 'manual', first.userId);
    }
    await deps.close();
  });

  after(async () => {
    // DOSSIER_SCALE_LOGS=dir keeps each process's output, to see why a run did not end.
    if (process.env.DOSSIER_SCALE_LOGS) for (const [i, p] of processes.entries()) await writeFile(join(process.env.DOSSIER_SCALE_LOGS, `p${i}.log`), p.output());
    for (const p of processes) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    await database.drop();
    await s3?.stop();
    for (const dir of [dataDir, ...roots, ...sources]) await rm(dir, { recursive: true, force: true });
  });

  it('delivers every document to every destination exactly once and collects every file once, through two worker kills, with the passes live on the API', async () => {
    const api = startServerProcess({ ...env }, ['--role=api']);
    processes.push(api);
    await api.waitFor(/Dossier is running/);
    const events = await listen(`http://127.0.0.1:${env.PORT}/v1/events`, apiKey);

    const startWorker = () => { const w = startServerProcess({ ...env }, ['--role=worker']); processes.push(w); return w; };
    const workers = Array.from({ length: WORKERS }, startWorker);
    await Promise.all(workers.map((w) => w.waitFor(/Dossier is running/)));

    for (let k = 0; k < KILLS; k++) {
      // Mid-pass: twenty destinations keep every worker busy once passes report progress.
      const before = events.seen.length;
      for (let i = 0; i < 600 && !events.seen.slice(before).some((e) => e.event === 'run.progress'); i++) await new Promise((r) => setTimeout(r, 50));
      const victim = workers[k]!;
      victim.child.kill('SIGKILL');
      await victim.exited;
      workers.push(startWorker());
    }

    const deps = await open();
    try {
      const documents = async () => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM documents`.execute(deps.db)).rows[0]!.n);
      const synced = async () => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM deliveries WHERE state = 'synced'`.execute(deps.db)).rows[0]!.n);
      const expectedDocuments = DOCUMENTS + CHANNELS * FILES_PER_CHANNEL;
      const until = Date.now() + 480_000;
      while ((await documents()) < expectedDocuments || (await synced()) < expectedDocuments * DESTINATIONS) {
        assert.ok(Date.now() < until, `timed out: ${await synced()} of ${expectedDocuments * DESTINATIONS} deliveries synced, ${await documents()} documents`);
        await new Promise((r) => setTimeout(r, 500));
      }
      await deps.queue.idle();

      const inbox = await deps.db.selectFrom('inbox_items').select(['channel_id', 'sha256']).execute();
      assert.equal(inbox.length, CHANNELS * FILES_PER_CHANNEL, 'every collected file lands once');
      assert.equal(new Set(inbox.map((i) => i.sha256)).size, inbox.length);

      const versions = new Map((await deps.db.selectFrom('document_versions').select(['id', 'sha256']).execute()).map((v) => [v.id, v.sha256]));
      const destinations = await deps.db.selectFrom('destinations').select(['id', 'name']).execute();
      assert.equal(destinations.length, DESTINATIONS);
      for (const dst of destinations) {
        const root = roots[Number(dst.name.replace('Backup ', ''))]!;
        const remote = new Map<string, string>();
        for await (const file of walkFiles(root)) remote.set(relative(root, file), sha(await readFile(file)));
        const rows = await deps.db.selectFrom('deliveries').selectAll().where('destination_id', '=', dst.id).execute();
        assert.equal(rows.length, expectedDocuments, 'one ledger row per document');
        assert.equal(remote.size, expectedDocuments, `exactly one file per document at ${root}`);
        for (const r of rows) {
          assert.equal(remote.get(r.remote_path!), r.sha256, `${r.remote_path} holds the bytes the ledger says`);
          assert.equal(r.sha256, versions.get(r.version_id!), 'and they are the document\'s own bytes');
        }
      }
      const finished = events.seen.filter((e) => e.event === 'run.finished');
      const destinationsSeen = new Set(finished.map((e) => (JSON.parse(e.data) as { destinationId: string }).destinationId));
      assert.ok(destinationsSeen.size >= DESTINATIONS / 2, `the API's event stream saw the workers' passes end (${destinationsSeen.size} destinations)`);
      assert.ok(events.seen.some((e) => e.event === 'collect.finished'), 'and the collection runs');
    } finally {
      events.stop();
      await deps.close();
    }
  });
});

/** GET /v1/events as a browser reads it: the server-sent events so far. */
async function listen(url: string, key: string): Promise<{ seen: Array<{ event: string; data: string }>; stop(): void }> {
  const ctl = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: ctl.signal });
  assert.equal(res.status, 200);
  const seen: Array<{ event: string; data: string }> = [];
  void (async () => {
    let buf = '';
    try {
      for await (const chunk of res.body!) {
        buf += Buffer.from(chunk).toString();
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i); buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) seen.push({ event, data });
        }
      }
    } catch { /* stopped */ }
  })();
  return { seen, stop: () => ctl.abort() };
}
