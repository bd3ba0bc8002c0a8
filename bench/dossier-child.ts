// One Dossier process over a benchmark data folder, run by bench/backup.ts as a child so that
// its peak RSS is Dossier's own and not the benchmark's (which holds the whole set's plan).
// Usage: node --import tsx dossier-child.ts '<json job>'; prints one line "RESULT <json>".
//   { "mode": "full", dataDir, orgId, destinationId }
//     one pass over the destination (the initial backfill), timed from start to verified end.
//   { "mode": "incremental", dataDir, orgId, destinationId, changes: [{ id, file }] }
//     a long-running server has already passed once since it started, so one pass is run
//     first (timed apart, as the cold start); then new versions of the given documents are
//     stored and a pass is run, timed from the first change to the run's end.
import { createReadStream } from 'node:fs';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/log/log.js';
import { buildDeps, type Deps } from '../src/main/deps.js';
import type { ChildJob } from './tools.js';
import { TEST_LIMITS } from '../test/helpers/limits.js';

const job = JSON.parse(process.argv[2] ?? '{}') as ChildJob;
// The rest of the environment passes through, so DOSSIER_TRANSFERS (and the like) apply here.
const deps = await buildDeps({
  config: loadConfig({ ...TEST_LIMITS, ...process.env, DOSSIER_DATA_DIR: job.dataDir, LOG_LEVEL: 'silent' }),
  log: silentLogger,
});

/** One pass to the end; the run only finishes once every upload is verified by remote sha256. */
async function pass(d: Deps): Promise<{ ms: number; run: Awaited<ReturnType<Deps['backup']['run']>>['run'] }> {
  const start = performance.now();
  const runId = await d.backup.syncNow(job.orgId, job.destinationId, {
    onProgress: (p) => { if (p.done % 1000 === 0) process.stderr.write(`  dossier: ${p.done}/${p.planned}\n`); },
  });
  const ms = performance.now() - start;
  const { run } = await d.backup.run(job.orgId, runId);
  if (run.status !== 'done' || run.failed > 0) throw new Error(`the pass ended ${run.status} with ${run.failed} failures: ${run.error ?? ''}`);
  return { ms, run };
}

try {
  const out: Record<string, unknown> = { transfers: deps.config.transfers };
  if (job.mode === 'full') {
    const { ms, run } = await pass(deps);
    Object.assign(out, { ms, files: run.uploaded, bytes: run.bytes });
  } else {
    const cold = await pass(deps);
    if (cold.run.planned !== 0) throw new Error(`the set was not fully backed up before the incremental pass (${cold.run.planned} planned)`);
    const changes = job.changes ?? [];
    const start = performance.now();
    // Stored at once, as a host app's ten API requests would arrive.
    await Promise.all(changes.map((c) => deps.vault.update(job.orgId, c.id, {}, { body: createReadStream(c.file), filename: 'document.pdf', mime: 'application/pdf' })));
    const changedMs = performance.now() - start;
    const { run } = await pass(deps);
    const ms = performance.now() - start;
    if (run.uploaded !== changes.length) throw new Error(`expected ${changes.length} uploads, the pass made ${run.uploaded}`);
    Object.assign(out, { ms, coldMs: cold.ms, changedMs, files: run.uploaded, bytes: run.bytes });
  }
  out.maxRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
} finally {
  await deps.close();
}
