// npm run bench:cloud -- [--docs 2000] [--latency-ms 50] [--providers onedrive,...]
//
// Backs up N documents (20-300 KB, all under the simple-upload limits) to each provider's
// emulator through the real engine, with `latency` added to every request as a far-away cloud
// would, and prints documents/s, requests per document and peak RSS. With T transfers at once
// and L ms per request, no client can do better than T / (L * requests per document)
// documents a second: the "latency ceiling". The goals are at most 2 requests per document
// (folder lookups cached) and a throughput close to that ceiling, i.e. bounded by the
// provider's round trips, not by Dossier's own work.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { targets, type CloudTarget } from './cloud-targets.js';
import { nodeChild } from './tools.js';

const CHILD = fileURLToPath(new URL('./cloud-child.ts', import.meta.url));

const { values: flags } = parseArgs({
  options: {
    docs: { type: 'string', default: '2000' },
    'latency-ms': { type: 'string', default: '50' },
    providers: { type: 'string', default: targets.map((t) => t.kind).join(',') },
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

interface Result { ms: number; requests: number; files: number; bytes: number; transfers: number; maxRssBytes: number; processMs: number }

/**
 * Serves the emulator behind a fixed delay per request and counts requests; /__bench/requests
 * answers the count at once (uncounted), so the child can measure what its pass cost.
 */
async function serveWithLatency(target: CloudTarget): Promise<{ origin: string; token: string; stop(): Promise<void> }> {
  let origin = '';
  let requests = 0;
  const emulator = target.emulator(() => origin);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/__bench/requests') { res.end(String(requests)); return; }
    requests++;
    setTimeout(() => void emulator.handle(req, res), LATENCY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin, token: emulator.tokenFor('bench'),
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function runTarget(target: CloudTarget, seed: number): Promise<Result> {
  process.stderr.write(`\n== ${target.title}: ${DOCS} documents, ${LATENCY} ms per request\n`);
  const served = await serveWithLatency(target);
  const dataDir = await mkdtemp(join(tmpdir(), `dossier-bench-cloud-${target.kind}-`));
  try {
    return await nodeChild<Result>(CHILD, { kind: target.kind, origin: served.origin, token: served.token, docs: DOCS, seed, dataDir });
  } finally {
    await served.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const fixed = (x: number, digits: number) => x.toFixed(digits);

async function main(): Promise<void> {
  // The header first and each row as its provider finishes: a long run (Drive is paced at about
  // 10 requests a second) still shows what it measured if it is stopped.
  const out = [
    `# Dossier cloud benchmark: ${DOCS} documents (20-300 KB) per provider emulator, ${LATENCY} ms added to every request`, '',
    `${cpus().length} CPU cores, Node ${process.version}. Time: one backup pass, from syncNow to the last file verified against the provider's own hash. ` +
    'Requests: every HTTP request the pass made (folder look-ups and creation, uploads, verification). ' +
    'Latency ceiling: transfers / (latency x requests per document). Goals: <= 2 requests per document, >= 80% of the ceiling.', '',
    '| provider | time | docs/s | MB/s | requests/doc | transfers | latency ceiling (docs/s) | share of ceiling | Dossier peak RSS | goals |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  for (const [i, target] of targets.filter((t) => chosen.includes(t.kind)).entries()) {
    const r = await runTarget(target, i + 1);
    const perDoc = r.requests / r.files;
    const docsPerS = r.files / (r.ms / 1000);
    const ceiling = LATENCY > 0 ? r.transfers / ((LATENCY / 1000) * perDoc) : Infinity;
    const share = docsPerS / ceiling;
    const met = perDoc <= 2 && (LATENCY === 0 || share >= 0.8);
    process.stdout.write(`| ${target.title} | ${(r.ms / 1000).toFixed(1)} s | ${fixed(docsPerS, 1)} | ${fixed(r.bytes / 1e6 / (r.ms / 1000), 1)} | ${fixed(perDoc, 2)} | ` +
      `${r.transfers} | ${Number.isFinite(ceiling) ? fixed(ceiling, 1) : 'n/a'} | ${Number.isFinite(ceiling) ? `${Math.round(share * 100)}%` : 'n/a'} | ` +
      `${Math.round(r.maxRssBytes / 2 ** 20)} MiB | ${met ? 'met' : 'NOT met'} |\n`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exitCode = 1;
});
