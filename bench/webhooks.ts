// npm run bench:webhooks -- [--rate 100] [--seconds 30] [--healthy 3] [--slow-ms 10000]
//
// Webhook delivery latency, from the moment an event is announced (the same call backups and
// collection make) to the moment a receiver on loopback has read it, at --rate events a second
// for --seconds, to --healthy receivers that answer at once and one that answers only after
// --slow-ms (10 s: at the delivery timeout, so each of its tries times out and is retried).
// The peer: the same receivers hit by a plain HTTP POST per event (undici, no outbox, no
// signature) at the same rate, for the part of the latency that is HTTP itself. Also measured:
// how long announce() keeps its caller (a backup) waiting. Goal: p99 under 1 s for the healthy
// receivers while the slow one is stuck. Results go to stdout as Markdown.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/log/log.js';
import { buildDeps } from '../src/main/deps.js';
import { bootstrapIfEmpty } from '../src/auth/bootstrap.js';
import { TEST_LIMITS } from '../test/helpers/limits.js';
import { startReceiver, type Receiver } from '../test/helpers/webhook-receiver.js';

const { values: flags } = parseArgs({ options: { rate: { type: 'string', default: '100' }, seconds: { type: 'string', default: '30' }, healthy: { type: 'string', default: '3' }, 'slow-ms': { type: 'string', default: '10000' } } });
const RATE = Number(flags.rate), SECONDS = Number(flags.seconds), HEALTHY = Number(flags.healthy), SLOW_MS = Number(flags['slow-ms']);
if (![RATE, SECONDS, HEALTHY, SLOW_MS].every((n) => Number.isFinite(n) && n >= 1)) { console.error('--rate, --seconds, --healthy and --slow-ms take numbers of at least 1.'); process.exit(2); }
const step = (t: string) => process.stderr.write(`\n== ${t}\n`);

const quantile = (xs: number[], q: number) => { if (xs.length === 0) return NaN; const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]!; };
const ms = (x: number) => (Number.isNaN(x) ? 'n/a' : x < 10 ? `${x.toFixed(1)} ms` : `${Math.round(x)} ms`);

/** Latencies in ms of each first receipt of a message (retries of one already seen are not counted again). */
function latencies(r: Receiver): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  for (const x of r.requests) {
    if (seen.has(x.id)) continue;
    seen.add(x.id);
    out.push(x.at - Number(x.json.data.sentAt));
  }
  return out;
}

/** Calls `fire(i)` RATE times a second for SECONDS, on a fixed schedule (late ticks catch up). */
async function paced(fire: (i: number) => Promise<void>): Promise<void> {
  const total = RATE * SECONDS;
  const start = Date.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(fire(i));
  }
  await Promise.all(inFlight);
}

async function waitFor(ok: () => boolean, limitMs: number): Promise<void> {
  const end = Date.now() + limitMs;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

async function main(): Promise<void> {
  const healthy = await Promise.all(Array.from({ length: HEALTHY }, () => startReceiver()));
  const slow = await startReceiver(() => ({ status: 200, delayMs: SLOW_MS }));

  step(`peer: a plain POST per event to ${HEALTHY} receivers, ${RATE}/s for ${SECONDS} s`);
  const agent = new Agent({ connections: 64 });
  await paced(async (i) => {
    await Promise.all(healthy.map(async (r) => {
      const body = JSON.stringify({ type: 'document.created', timestamp: new Date().toISOString(), data: { sentAt: Date.now(), n: i } });
      const res = await request(r.url, { method: 'POST', body, dispatcher: agent, headers: { 'content-type': 'application/json', 'webhook-id': `peer_${i}` } });
      await res.body.dump();
    }));
  });
  const peer = healthy.flatMap(latencies);
  await agent.close();
  for (const r of healthy) { r.requests.length = 0; r.effects.clear(); }

  step(`Dossier: announce ${RATE}/s for ${SECONDS} s to ${HEALTHY} healthy endpoints and one ${SLOW_MS / 1000} s slow`);
  const dir = await mkdtemp(join(tmpdir(), 'dossier-bench-webhooks-'));
  const config = loadConfig({ DOSSIER_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent', DOSSIER_SANDBOX: 'off', ...TEST_LIMITS });
  const deps = await buildDeps({ config, log: silentLogger });
  const first = (await bootstrapIfEmpty(deps.db))!;
  for (const r of [...healthy, slow]) await deps.webhooks.service.create(first.orgId, { url: r.url, eventTypes: ['document.created'] });
  deps.webhooks.delivery.start();
  const announceMs: number[] = [];
  const started = Date.now();
  await paced(async (i) => {
    const t0 = performance.now();
    await deps.announce({ type: 'document.created', orgId: first.orgId, subject: `doc_bench${i}`, data: { sentAt: Date.now(), n: i } });
    announceMs.push(performance.now() - t0);
  });
  const total = RATE * SECONDS;
  await waitFor(() => healthy.every((r) => new Set(r.requests.map((x) => x.id)).size >= total), 60_000);
  const drainedMs = Date.now() - started;
  const dossier = healthy.flatMap(latencies);
  const slowSeen = new Set(slow.requests.map((x) => x.id)).size;
  const delivered = healthy.map((r) => new Set(r.requests.map((x) => x.id)).size);
  await deps.close();
  await Promise.all([...healthy, slow].map((r) => r.close()));
  await rm(dir, { recursive: true, force: true });

  const out: string[] = [];
  out.push(`## Webhook delivery: ${RATE} events/s for ${SECONDS} s (${total} events), ${HEALTHY} healthy receivers and one ${SLOW_MS / 1000} s slow`, '');
  out.push(`Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; SQLite; delivery timeout ${config.webhooks.timeoutMs / 1000} s, ${config.webhooks.concurrency} in flight per endpoint.`, '');
  out.push('| | p50 | p99 | max | received |', '|---|---|---|---|---|');
  out.push(`| Dossier, healthy receivers (announce to receipt) | ${ms(quantile(dossier, 0.5))} | ${ms(quantile(dossier, 0.99))} | ${ms(Math.max(...dossier))} | ${delivered.join(' / ')} of ${total} each |`);
  out.push(`| peer: plain POST, same receivers | ${ms(quantile(peer, 0.5))} | ${ms(quantile(peer, 0.99))} | ${ms(Math.max(...peer))} | ${peer.length / HEALTHY} each |`);
  out.push(`| announce() as its caller waits | ${ms(quantile(announceMs, 0.5))} | ${ms(quantile(announceMs, 0.99))} | ${ms(Math.max(...announceMs))} | |`);
  const all = delivered.every((n) => n >= total);
  out.push('', `The slow receiver had seen ${slowSeen} distinct messages by the end (it holds each try ${SLOW_MS / 1000} s); the healthy ones had ${all ? 'everything' : 'what the table says (the wait gave up)'} ${(drainedMs / 1000).toFixed(1)} s after the first event.`);
  out.push(`p99 goal for healthy receivers: under 1 s: ${quantile(dossier, 0.99) < 1000 ? 'met' : 'NOT met'}.`);
  console.log(out.join('\n'));
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
