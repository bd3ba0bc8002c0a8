/**
 * `npm run bench:scale`, parts (1), (2) and (3) (BENCH_SCALE_PARTS=1,2,3; part 2 is bench/scale-backfill.ts, part 3 bench/scale-catalog.ts). Part (1): what an idle Dossier on PostgreSQL costs the database, with
 * 10, 1,000 and 5,000 destinations beside 1,000 collection channels. One `dossier serve`
 * (API, workers, schedulers) runs as a child process; the database's own counters
 * (pg_stat_database: committed and rolled-back transactions, one per statement outside an
 * explicit transaction) are read before and after a quiet minute. The goal: flat, and at most 5
 * per second at 5,000 destinations (docs/scale.md).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/log/log.js';
import { buildDeps } from '../src/main/deps.js';
import { bootstrapIfEmpty } from '../src/auth/bootstrap.js';
import { freshPostgres } from '../test/helpers/databases.js';
import { TEST_LIMITS } from '../test/helpers/limits.js';
import { startServerProcess } from '../test/helpers/server-process.js';
import { catalogFigures } from './scale-catalog.js';
import { backfillFigures } from './scale-backfill.js';

const SIZES = (process.env.BENCH_DESTINATIONS ?? '10,1000,5000').split(',').map(Number);
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 1000);
const WARM_MS = Number(process.env.BENCH_WARM_S ?? 20) * 1000;
const MEASURE_MS = Number(process.env.BENCH_MEASURE_S ?? 60) * 1000;

async function transactions(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  // Counters are per backend until it reports; ask for a fresh snapshot.
  await c.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await c.query<{ n: string }>('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()');
  await c.end();
  return Number(rows[0]!.n);
}

async function idleCost(destinations: number): Promise<number> {
  const database = await freshPostgres();
  const dataDir = await mkdtemp(join(tmpdir(), 'dossier-bench-scale-'));
  const env = { DATABASE_URL: database.url, DOSSIER_DATA_DIR: dataDir, DOSSIER_SECRET_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'info', PORT: '0', ...TEST_LIMITS };
  const deps = await buildDeps({ config: loadConfig(env), log: silentLogger });
  const first = (await bootstrapIfEmpty(deps.db))!;
  await deps.vault.create(first.orgId, first.companyId, { type: 'invoice', number: 'B-1', date: '2024-01-10', counterparty: 'C', amount: '1.00', currency: 'EUR', businessAccount: null },
    { body: Readable.from([Buffer.from('%PDF-1.4 bench')]), filename: 'b.pdf', mime: 'application/pdf' });
  const root = await mkdtemp(join(tmpdir(), 'dossier-bench-dst-'));
  const dst = await deps.backup.add(first.orgId, { companyId: first.companyId, name: 'Model', kind: 'local', settings: { root }, layout: 'company-year-month', startDate: null, schedule: 'continuous', restoreDeleted: true, respectFolderDeletions: false });
  const channel = await deps.collect.channels.create(first.orgId, first.userId, { companyId: first.companyId, name: 'Model', kind: 'local', folder: root, recipientId: first.userId, binderName: 'In', collectAt: '06:00', moveCollected: false });
  // Copies of the model rows, half continuous and half daily; each daily one ran after its slot
  // and each channel collected today, so nothing is due: the idle state of a settled firm. The
  // model's own first pass runs in the server during the warm-up.
  await sql`INSERT INTO destinations (id, org_id, company_id, name, kind, connection_id, layout, start_date, schedule, restore_deleted, respect_folder_deletions, state, state_reason, cursor_seq, lease_owner, lease_until, last_run_id, created_at, updated_at, settings)
    SELECT 'dst_bench_' || g, org_id, company_id, 'Bench ' || g, kind, connection_id, layout, start_date, CASE WHEN g % 2 = 0 THEN 'continuous' ELSE 'daily@03:00' END, restore_deleted, respect_folder_deletions, state, state_reason, (SELECT max(change_seq) FROM documents), NULL, NULL, NULL, created_at, updated_at, settings
    FROM destinations, generate_series(2, ${destinations}) AS g WHERE id = ${dst.id}`.execute(deps.db);
  await sql`INSERT INTO runs (id, org_id, destination_id, trigger, status, started_at, finished_at, planned, uploaded, moved, restored, removed, failed, bytes, error)
    SELECT 'run_bench_' || d.id, d.org_id, d.id, 'daily', 'done', ${new Date().toISOString()}, ${new Date().toISOString()}, 0, 0, 0, 0, 0, 0, 0, NULL FROM destinations d WHERE d.schedule LIKE 'daily@%'`.execute(deps.db);
  await sql`INSERT INTO channels (id, org_id, company_id, name, kind, connection_id, folder, recipient_id, binder_id, collect_at, move_collected, client_email, client_name, state, state_reason, cursor, lease_owner, lease_until, last_run_id, created_by, created_at, updated_at)
    SELECT 'chn_bench_' || g, org_id, company_id, 'Bench ' || g, kind, connection_id, folder, recipient_id, binder_id, collect_at, move_collected, client_email, client_name, state, state_reason, cursor, NULL, NULL, NULL, created_by, created_at, updated_at
    FROM channels, generate_series(2, ${CHANNELS}) AS g WHERE id = ${channel.id}`.execute(deps.db);
  await sql`INSERT INTO collect_runs (id, org_id, channel_id, trigger, started_by, status, queued_at, started_at, finished_at, found, collected, skipped, duplicates, failed, error)
    SELECT 'crn_bench_' || c.id, c.org_id, c.id, 'daily', NULL, 'done', ${new Date().toISOString()}, NULL, NULL, 0, 0, 0, 0, 0, NULL FROM channels c`.execute(deps.db);
  await deps.close();

  const server = startServerProcess(env);
  try {
    await server.waitFor(/Dossier is running/);
    // Settled first: the model destination's first pass and anything else queued at start.
    const c = new pg.Client({ connectionString: database.url });
    await c.connect();
    while (Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM pgboss.job WHERE state IN ('created', 'retry', 'active')`)).rows[0]!.n) > 0) await new Promise((r) => setTimeout(r, 500));
    await c.end();
    await new Promise((r) => setTimeout(r, WARM_MS));
    const before = await transactions(database.url);
    await new Promise((r) => setTimeout(r, MEASURE_MS));
    const after = await transactions(database.url);
    // The two reads are transactions of their own; they are not the server's.
    return (after - before - 1) / (MEASURE_MS / 1000);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  }
}

const PARTS = new Set((process.env.BENCH_SCALE_PARTS ?? '1,2,3').split(','));
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);
const BACKFILL = { destinations: Number(process.env.BENCH_BACKFILL_DESTINATIONS ?? 100), documents: Number(process.env.BENCH_BACKFILL_DOCUMENTS ?? 200), latencyMs: 50 };
const CATALOGS = (process.env.BENCH_CATALOG ?? '50000,1000000').split(',').map(Number);

if (PARTS.has('1')) {
  console.log(`(1) idle database statements per second, one "dossier serve" on PostgreSQL, ${CHANNELS} channels, ${MEASURE_MS / 1000} s measured after ${WARM_MS / 1000} s`);
  for (const n of SIZES) console.log(`${String(n).padStart(6)} destinations: ${(await idleCost(n)).toFixed(2)} /s`);
}
if (PARTS.has('2')) {
  // Each worker count runs BENCH_REPEAT times, interleaved (1, 2, 4, 1, 2, 4, ...), so that a slow
  // moment of the machine falls on all of them; the ratios are of the medians.
  const repeat = Number(process.env.BENCH_REPEAT ?? 1);
  console.log(`(2) backfill to the OneDrive emulator, ${BACKFILL.latencyMs} ms added per request, ${BACKFILL.destinations} destinations x ${BACKFILL.documents} documents, worker processes on PostgreSQL${repeat > 1 ? `, ${repeat} runs each` : ''}`);
  const rates = new Map<number, number[]>(WORKERS.map((n) => [n, []]));
  for (let r = 0; r < repeat; r++) {
    for (const n of WORKERS) {
      const f = await backfillFigures(n, BACKFILL);
      rates.get(n)!.push(f.docsPerS);
      console.log(`${n} worker(s): ${f.deliveries} deliveries in ${f.seconds.toFixed(1)} s, ${f.docsPerS.toFixed(1)} documents/s; `
        + `${f.inFlight.toFixed(1)} requests held by the emulator on average, pass slots ${(100 * f.slotsBusy).toFixed(0)}% busy, CPU: workers ${f.workerCpuS.toFixed(1)} s, emulator ${f.emulatorCpuS.toFixed(1)} s, PostgreSQL ${f.postgresCpuS.toFixed(1)} s, `
        + `${f.lockWaits.toFixed(2)} backends waiting for a lock; load ${(await readFile('/proc/loadavg', 'utf8')).split(' ')[0]}`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const one = median(rates.get(WORKERS[0]!)!);
  for (const [n, xs] of rates) console.log(`${n} worker(s), median of ${xs.length}: ${median(xs).toFixed(1)} documents/s, ${(median(xs) / one).toFixed(2)}x ${WORKERS[0]} worker(s)`);
}
if (PARTS.has('3')) {
  console.log('(3) a large catalog: one worker and one API process on PostgreSQL, one destination holding every document');
  console.log(`documents | filled in | first pass after start | incremental pass (median of ${process.env.BENCH_PASSES ?? 5}) | worker peak RSS | API peak RSS | GET /v1/documents first page | layout-change preview | API peak RSS after it | load`);
  for (const n of CATALOGS) {
    const f = await catalogFigures(n);
    console.log(`${String(n).padStart(9)} | ${f.fill.toFixed(0).padStart(6)} s | ${f.firstPass.toFixed(3).padStart(8)} s | ${f.pass.toFixed(3).padStart(8)} s | ${f.workerMb.toFixed(0).padStart(6)} MB | ${f.apiMb.toFixed(0).padStart(6)} MB | ${f.firstPageMs.toFixed(1).padStart(6)} ms | ${f.previewS.toFixed(1).padStart(6)} s | ${f.apiAfterPreviewMb.toFixed(0).padStart(6)} MB | ${(await readFile('/proc/loadavg', 'utf8')).split(' ')[0]}`);
  }
}
