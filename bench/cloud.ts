// npm run bench:cloud -- [--docs 2000] [--latency-ms 50] [--providers onedrive,...] [--cpu-prof DIR]
//
// Backs up N documents (20-300 KB, all under the simple-upload limits) to each provider's
// emulator through the real engine, with `latency` added to every request as a far-away cloud
// would, and prints documents/s, requests per document, CPU time per document and peak RSS.
// The ceiling is the lowest of what any client could do against that provider:
// - latency: T transfers at once, L ms per request, R requests per document: T / (L x R) docs/s;
// - the provider's pacing as the connector keeps to it (cloud-targets.ts): Drive's pacer
//   (burst, then so many requests a second), Dropbox's commit slots (each commit holds one for
//   at least L).
// The goals are at most 2 requests per document (folder lookups cached) and a throughput close
// to that ceiling, i.e. bounded by the provider, not by Dossier's own work. Wall time on a
// shared machine waits for whatever else runs; the CPU columns (Dossier's process, and the
// emulator's, measured apart) are what compares from run to run.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { targets, type CloudTarget, type Pacing } from './cloud-targets.js';
import { nodeChild } from './tools.js';

const CHILD = fileURLToPath(new URL('./cloud-child.ts', import.meta.url));

const { values: flags } = parseArgs({
  options: {
    docs: { type: 'string', default: '2000' },
    'latency-ms': { type: 'string', default: '50' },
    providers: { type: 'string', default: targets.map((t) => t.kind).join(',') },
    // V8 CPU profiles of each Dossier child (set-up included), for finding where its CPU time goes.
    'cpu-prof': { type: 'string' },
  },
});
const DOCS = Number(flags.docs);
const LATENCY = Number(flags['latency-ms']);
const chosen = flags.providers.split(',').map((k) => k.trim()).filter(Boolean);
const unknown = chosen.filter((k) => !targets.some((t) => t.kind === k));
if (!Number.isInteger(DOCS) || DOCS < 1 || !Number.isFinite(LATENCY) || LATENCY < 0 || unknown.length > 0) {
  console.error(`--docs takes a whole number >= 1, --latency-ms a number >= 0, --providers some of: ${targets.map((t) => t.kind).join(', ')}.`);
  process.exit(2);
}

interface Result { ms: number; requests: number; files: number; bytes: number; transfers: number; maxRssBytes: number; cpuMs: number; processMs: number }

/** What the emulator side counted over the child's pass. */
interface Served { commits: number; emulatorCpuMs: number }

/**
 * Serves the emulator behind a fixed delay per request and counts requests (and commits, where
 * the provider paces those); /__bench/requests answers the count at once (uncounted), so the
 * child can measure what its pass cost. The CPU time of this process (the emulator) is taken
 * at the first and last of those calls, so it covers the pass and not the child's set-up.
 */
async function serveWithLatency(target: CloudTarget): Promise<{ origin: string; token: string; served(): Served; stop(): Promise<void> }> {
  let origin = '';
  let requests = 0;
  let commits = 0;
  const marks: { commits: number; cpu: NodeJS.CpuUsage }[] = [];
  const pacing = target.pacing;
  const emulator = target.emulator(() => origin);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/__bench/requests') { marks.push({ commits, cpu: process.cpuUsage() }); res.end(String(requests)); return; }
    requests++;
    if (pacing.kind === 'commit slots' && pacing.isCommit(req.url ?? '')) commits++;
    setTimeout(() => void emulator.handle(req, res), LATENCY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const served = (): Served => {
    const [first, last] = [marks[0]!, marks.at(-1)!];
    const cpuMicros = (last.cpu.user + last.cpu.system) - (first.cpu.user + first.cpu.system);
    return { commits: last.commits - first.commits, emulatorCpuMs: cpuMicros / 1000 };
  };
  return {
    origin, token: emulator.tokenFor('bench'), served,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function runTarget(target: CloudTarget, seed: number): Promise<Result & Served> {
  process.stderr.write(`\n== ${target.title}: ${DOCS} documents, ${LATENCY} ms per request\n`);
  const served = await serveWithLatency(target);
  const dataDir = await mkdtemp(join(tmpdir(), `dossier-bench-cloud-${target.kind}-`));
  try {
    const profile = flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${flags['cpu-prof']}`] : [];
    const r = await nodeChild<Result>(CHILD, { kind: target.kind, origin: served.origin, token: served.token, docs: DOCS, seed, dataDir }, {}, profile);
    return { ...r, ...served.served() };
  } finally {
    await served.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const fixed = (x: number, digits: number) => x.toFixed(digits);

/** The lowest bound on documents/s, and what sets it (see the top of this file). */
function ceilingOf(pacing: Pacing, r: Result & Served): { docsPerS: number; by: string } {
  const L = LATENCY / 1000;
  const bounds: { docsPerS: number; by: string }[] = [];
  if (L > 0) bounds.push({ docsPerS: r.transfers / (L * (r.requests / r.files)), by: `latency (${r.transfers} transfers)` });
  if (pacing.kind === 'pacer' && r.requests > pacing.burst) {
    bounds.push({ docsPerS: r.files / ((r.requests - pacing.burst) / pacing.perSecond), by: `pacer (${pacing.perSecond}/s after ${pacing.burst})` });
  }
  if (pacing.kind === 'commit slots' && L > 0 && r.commits > 0) {
    bounds.push({ docsPerS: pacing.slots / (L * (r.commits / r.files)), by: `commit slots (${pacing.slots})` });
  }
  return bounds.reduce((a, b) => (b.docsPerS < a.docsPerS ? b : a), { docsPerS: Infinity, by: 'none' });
}

async function main(): Promise<void> {
  // The header first and each row as its provider finishes: a long run (Drive is paced at about
  // 10 requests a second) still shows what it measured if it is stopped.
  const out = [
    `# Dossier cloud benchmark: ${DOCS} documents (20-300 KB) per provider emulator, ${LATENCY} ms added to every request`, '',
    `${cpus().length} CPU cores, Node ${process.version}. Time: one backup pass, from syncNow to the last file verified against the provider's own hash. ` +
    'Requests: every HTTP request the pass made (folder look-ups and creation, uploads, verification). ' +
    "Ceiling: the lowest of the latency bound, transfers / (latency x requests per document), and the provider's pacing as the connector keeps to it " +
    '(Drive: a pacer; Dropbox: commits in flight, each at least one round trip). ' +
    "CPU: user + system time over the pass, per document, of Dossier's process and of the emulator's (which also delays and counts the requests). " +
    'Goals: <= 2 requests per document, >= 80% of the ceiling.', '',
    '| provider | time | docs/s | MB/s | requests/doc | ceiling (docs/s) | bound by | share of ceiling | Dossier CPU/doc | emulator CPU/doc | Dossier peak RSS | goals |',
    '|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  for (const [i, target] of targets.filter((t) => chosen.includes(t.kind)).entries()) {
    const r = await runTarget(target, i + 1);
    const perDoc = r.requests / r.files;
    const docsPerS = r.files / (r.ms / 1000);
    const ceiling = ceilingOf(target.pacing, r);
    const bounded = Number.isFinite(ceiling.docsPerS);
    const share = docsPerS / ceiling.docsPerS;
    const met = perDoc <= 2 && (!bounded || share >= 0.8);
    process.stdout.write(`| ${target.title} | ${(r.ms / 1000).toFixed(1)} s | ${fixed(docsPerS, 1)} | ${fixed(r.bytes / 1e6 / (r.ms / 1000), 1)} | ${fixed(perDoc, 2)} | ` +
      `${bounded ? fixed(ceiling.docsPerS, 1) : 'n/a'} | ${ceiling.by} | ${bounded ? `${Math.round(share * 100)}%` : 'n/a'} | ` +
      `${fixed(r.cpuMs / r.files, 2)} ms | ${fixed(r.emulatorCpuMs / r.files, 2)} ms | ${Math.round(r.maxRssBytes / 2 ** 20)} MiB | ${met ? 'met' : 'NOT met'} |\n`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exitCode = 1;
});
