/**
 * `npm run bench:scale`, part (2): a backfill spread over worker processes. One company's
 * documents go to many OneDrive destinations (the Graph emulator, with a fixed delay added to
 * every request as a far-away cloud would), on PostgreSQL, with 1, 2 or 4 worker processes
 * (bench/scale-worker-child.ts) taking the passes as pg-boss jobs. Documents per second: the
 * deliveries synced over the time from queuing the passes to the last one verified. Beside it,
 * what says where the time went: the requests the emulator held on average (against the slots
 * the workers have: 4 passes x DOSSIER_TRANSFERS each), the share of the workers' pass slots
 * that had a pass, the CPU seconds of the workers, and the backends waiting for a lock.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/log/log.js';
import { buildDeps } from '../src/main/deps.js';
import { bootstrapIfEmpty } from '../src/auth/bootstrap.js';
import { freshPostgres } from '../test/helpers/databases.js';
import { targetsByKind } from './cloud-targets.js';
import { pdfBytes } from './dataset.js';

const CHILD = fileURLToPath(new URL('./scale-worker-child.ts', import.meta.url));

export interface BackfillFigures {
  workers: number; deliveries: number; seconds: number; docsPerS: number;
  /** Requests the emulator held at once, on average over the run. */
  inFlight: number;
  /** Of the workers' pass slots (4 each) over the run, the share that had a pass. */
  slotsBusy: number;
  /** CPU seconds of all worker processes over the run. */
  workerCpuS: number;
  /** CPU seconds of this process (the emulator, and the run's own polling) and of PostgreSQL's processes over the run. */
  emulatorCpuS: number; postgresCpuS: number;
  /** Database backends waiting for a lock, on average (sampled every 50 ms). */
  lockWaits: number;
}

/** User and system CPU seconds of a process so far (Linux). */
function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch { return 0; }
}

/** The CPU seconds of every PostgreSQL process on this machine so far: the server and all its backends. */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try { if (readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')) total += cpuSeconds(Number(pid)); } catch { /* ended meanwhile */ }
  }
  return total;
}

export async function backfillFigures(workers: number, o: { destinations: number; documents: number; latencyMs: number }): Promise<BackfillFigures> {
  const target = targetsByKind.get('onedrive')!;
  let origin = '';
  const emulator = target.emulator(() => origin);
  // Requests held, integrated over time: Little's law then says how much of a pass is spent waiting on the cloud.
  let held = 0, heldMs = 0, since = performance.now();
  const count = (d: number) => { const t = performance.now(); heldMs += held * (t - since); since = t; held += d; };
  const server = createServer((req, res) => { count(1); res.on('close', () => count(-1)); setTimeout(() => void emulator.handle(req, res), o.latencyMs); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = emulator.tokenFor('bench');
  const database = await freshPostgres();
  const dataDir = await mkdtemp(join(tmpdir(), 'dossier-bench-backfill-'));
  const env = { DATABASE_URL: database.url, DOSSIER_DATA_DIR: dataDir, DOSSIER_SECRET_KEY: randomBytes(32).toString('base64'), DOSSIER_DEBOUNCE_MS: '0', LOG_LEVEL: 'silent' };
  const deps = await buildDeps({ config: loadConfig(env), log: silentLogger, definitions: [target.definition(token)] });
  const children: ReturnType<typeof spawn>[] = [];
  try {
    const first = (await bootstrapIfEmpty(deps.db))!;
    for (let i = 0; i < o.documents; i++) {
      await deps.vault.create(first.orgId, first.companyId, {
        type: 'invoice', number: `INV-${i}`, date: `2025-${String(1 + (i % 12)).padStart(2, '0')}-10`, counterparty: `Client ${i % 40}`,
        amount: '100.00', currency: 'EUR', businessAccount: null,
      }, { body: Readable.from([pdfBytes(4000 + (i % 7) * 500)]), filename: 'document.pdf', mime: 'application/pdf' });
    }
    const ids: string[] = [];
    for (let d = 0; d < o.destinations; d++) {
      ids.push((await deps.backup.add(first.orgId, {
        companyId: first.companyId, name: `OneDrive ${d}`, kind: 'onedrive', settings: { ...target.settings(origin), root: `Dossier-${d}` },
        layout: 'company-year-month', startDate: null, schedule: 'daily@03:00', restoreDeleted: true, respectFolderDeletions: false,
      })).id);
    }
    // The initial passes that adding queued are dropped: the clock starts when every worker is up.
    await sql`DELETE FROM ${sql.id(deps.config.jobs.schema, 'job')} WHERE name = 'destination.sync'`.execute(deps.db);
    for (let w = 0; w < workers; w++) {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify({ token })], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('READY')) resolve(); });
        child.on('exit', (code) => reject(new Error(`a worker ended (${code}) before it was ready`)));
      });
    }
    const cpu0 = children.map((c) => cpuSeconds(c.pid!));
    const own0 = process.cpuUsage(), pg0 = postgresCpuSeconds();
    count(0); heldMs = 0;
    let sampling = true, samples = 0, waiting = 0;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(deps.db);
        samples++; waiting += rows[0]!.n;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const start = performance.now();
    for (const id of ids) await deps.backup.requestSync(first.orgId, id, 'bench');
    const want = o.destinations * o.documents;
    for (;;) {
      const n = Number((await sql<{ n: number }>`SELECT count(*) AS n FROM deliveries WHERE state = 'synced'`.execute(deps.db)).rows[0]!.n);
      if (n >= want) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const seconds = (performance.now() - start) / 1000;
    const own = process.cpuUsage(own0), postgresCpuS = postgresCpuSeconds() - pg0;
    count(0);
    sampling = false;
    await sampler;
    const busy = (await sql<{ s: number }>`SELECT coalesce(sum(extract(epoch from completed_on - started_on)), 0)::float8 AS s FROM ${sql.id(deps.config.jobs.schema, 'job')} WHERE name = 'destination.sync'`.execute(deps.db)).rows[0]!.s;
    return {
      workers, deliveries: want, seconds, docsPerS: want / seconds, inFlight: heldMs / (seconds * 1000), slotsBusy: busy / (4 * workers * seconds),
      workerCpuS: children.reduce((a, c, i) => a + cpuSeconds(c.pid!) - cpu0[i]!, 0), lockWaits: waiting / Math.max(1, samples),
      emulatorCpuS: (own.user + own.system) / 1e6, postgresCpuS,
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.on('exit', r)) : undefined)));
    await deps.close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
    server.closeAllConnections();
    server.close();
  }
}
