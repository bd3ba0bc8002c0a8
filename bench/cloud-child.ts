// One Dossier process for the cloud benchmark, run as a child so that its peak RSS is its own
// and not the emulator's (which holds every uploaded byte in memory).
// Usage: node --import tsx cloud-child.ts '<json job>'; prints one line "RESULT <json>".
//   { kind, origin, token, docs, seed, dataDir }
// Imports `docs` documents (20-300 KB; set-up, untimed), adds the destination, then times one
// backup pass from syncNow to the last file verified, with this process's CPU time over it. The
// requests that pass cost are read from the benchmark's counting server before and after it.
import { Readable } from 'node:stream';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/log/log.js';
import { buildDeps } from '../src/main/deps.js';
import { bootstrapIfEmpty } from '../src/auth/bootstrap.js';
import { targetsByKind } from './cloud-targets.js';
import { pdfBytes, prng, progress } from './dataset.js';

interface Job { kind: string; origin: string; token: string; docs: number; seed: number; dataDir: string }

const KB = 1000;
const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const target = targetsByKind.get(job.kind);
if (!target) throw new Error(`no cloud target "${job.kind}"`);

const deps = await buildDeps({
  config: loadConfig({ ...process.env, DOSSIER_DATA_DIR: job.dataDir, LOG_LEVEL: 'silent' }),
  log: silentLogger,
  definitions: [target.definition(job.token)],
});
const requestsSoFar = async () => Number(await (await fetch(`${job.origin}/__bench/requests`)).text());

try {
  const first = (await bootstrapIfEmpty(deps.db))!;
  const rand = prng(job.seed);
  const tick = progress(`${target.kind}: creating documents`, job.docs);
  let bytes = 0;
  for (let i = 0; i < job.docs; i++) {
    const size = 20 * KB + Math.floor(rand() * 280 * KB);
    bytes += size;
    const month = String(1 + (i % 12)).padStart(2, '0');
    await deps.vault.create(first.orgId, first.companyId, {
      type: i % 3 === 0 ? 'purchase_invoice' : 'invoice', number: `INV-${String(i + 1).padStart(6, '0')}`,
      date: `2025-${month}-${String(1 + (i % 28)).padStart(2, '0')}`, counterparty: `Client ${i % 40}`,
      amount: '100.00', currency: 'EUR', businessAccount: null,
    }, { body: Readable.from([pdfBytes(size)]), filename: 'document.pdf', mime: 'application/pdf' });
    tick(i + 1);
  }
  // Daily: no background pass starts on its own; the one below is the measurement.
  const dst = await deps.backup.add(first.orgId, {
    companyId: first.companyId, name: target.title, kind: target.kind, settings: target.settings(job.origin),
    layout: 'company-year-month', startDate: null, schedule: 'daily@03:00', restoreDeleted: true, respectFolderDeletions: false,
  });

  const before = await requestsSoFar();
  // CPU time is the honest number on a shared machine: wall time waits for whatever else runs.
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const runId = await deps.backup.syncNow(first.orgId, dst.id, {
    onProgress: (p) => { if (p.done % 500 === 0) process.stderr.write(`  dossier: ${p.done}/${p.planned}\n`); },
  });
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const requests = (await requestsSoFar()) - before;
  const { run } = await deps.backup.run(first.orgId, runId);
  if (run.status !== 'done' || run.failed > 0 || run.uploaded !== job.docs) {
    throw new Error(`the pass ended ${run.status} with ${run.uploaded} uploaded and ${run.failed} failed: ${run.error ?? ''}`);
  }
  const result = {
    ms, requests, files: run.uploaded, bytes, transfers: deps.config.transfers, maxRssBytes: process.resourceUsage().maxRSS * 1024,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
} finally {
  await deps.close();
}
