// npm run bench:bombs -- [--bombs 10] [--after 60]
//
// Compression bombs against a running server (docs/security.md, "Untrusted files"). The real
// server (src/main/serve.ts) starts in a child process over a fresh data folder; then, in each
// scenario, a client polls GET /health every 200 ms while --bombs PDFs of 1 MB whose page
// unpacks to 1 GiB are posted at once to POST /v1/extract. Printed per scenario: the slowest
// /health answer, how the bombs were answered, and the server's RSS (VmRSS of its process) over
// time, up to --after seconds after the last bomb was answered, with whether it came back under
// 400 MB within that time.
//   baseline   the same polling, no bombs
//   bombs      default limits: the bombs stop at the decompression limit
//   past-limit a decompression limit above 1 GiB, so only the time limit (the thread
//              terminated) stops pdfjs
// Results go to stdout as Markdown.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pdfBomb } from '../src/extract/testing/bombs.js';
import { REPO } from './tools.js';

const { values: flags } = parseArgs({ options: { bombs: { type: 'string', default: '10' }, after: { type: 'string', default: '60' } } });
const BOMBS = Number(flags.bombs), AFTER_S = Number(flags.after);
if (![BOMBS, AFTER_S].every((n) => Number.isInteger(n) && n >= 1)) { console.error('--bombs and --after take whole numbers of at least 1.'); process.exit(2); }
const POLL_MS = 200, RSS_EVERY_MS = 1000, RSS_GOAL_MB = 400;
const step = (t: string) => process.stderr.write(`\n== ${t}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Server { url: string; apiKey: string; pid: number; child: ChildProcess; stop(): Promise<void> }

async function startServer(env: Record<string, string>): Promise<Server> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dossier-bench-bombs-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/serve.ts'], {
    cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DOSSIER_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DOSSIER_SANDBOX: 'off', ...env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.once('exit', (code, signal) => process.stderr.write(`  the server exited (code ${code}, signal ${signal})\n`));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the server stopped at start:\n${out}`);
    const up = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (up && /API key:\s+(\S+)/.test(out)) break;
    if (i > 600) throw new Error('the server did not start within a minute');
    await sleep(100);
  }
  const apiKey = /API key:\s+(\S+)/.exec(out)![1]!;
  return {
    url, apiKey, pid: child.pid!, child,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The server's resident memory; a server that has stopped is a failed run. */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error(`the server (pid ${pid}) has stopped`);
  return Number(kb) / 1024;
}

interface Scenario { name: string; env: Record<string, string>; bombs: number }
interface Outcome {
  name: string; polls: number; slowestHealthMs: number; failedPolls: number;
  answers: Record<string, number>; bombsMs: number; rss: Array<[number, number]>; peakMb: number; backUnderMs: number | null;
}

async function runScenario(s: Scenario, bomb: Buffer): Promise<Outcome> {
  step(`${s.name}: starting the server`);
  const server = await startServer(s.env);
  try {
    const t0 = performance.now();
    const at = () => performance.now() - t0;
    const rss: Array<[number, number]> = [];
    let polling = true;
    let slowest = 0, polls = 0, failedPolls = 0;
    const poller = (async () => {
      while (polling) {
        const start = performance.now();
        const ok = await fetch(`${server.url}/health`).then((r) => r.ok, () => false);
        const ms = performance.now() - start;
        polls++;
        if (!ok) failedPolls++;
        slowest = Math.max(slowest, ms);
        await sleep(Math.max(0, POLL_MS - ms));
      }
    })();
    const sampler = (async () => {
      while (polling) { rss.push([at(), await rssMb(server.pid)]); await sleep(RSS_EVERY_MS); }
    })();
    await sleep(2000); // the polling settles before the bombs come in
    step(`${s.name}: posting ${s.bombs} bombs`);
    const answers: Record<string, number> = {};
    const bombsStart = at();
    await Promise.all(Array.from({ length: s.bombs }, async () => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bomb)], { type: 'application/pdf' }), 'bomb.pdf');
      const res = await fetch(`${server.url}/v1/extract`, { method: 'POST', body: form, headers: { authorization: `Bearer ${server.apiKey}` } });
      const body = await res.json() as { ok?: boolean; reason?: string; error?: { code: string } };
      const key = `${res.status} ${body.reason ?? body.error?.code ?? (body.ok ? 'ok' : '?')}`;
      answers[key] = (answers[key] ?? 0) + 1;
    }));
    const bombsEnd = at();
    step(`${s.name}: answered after ${((bombsEnd - bombsStart) / 1000).toFixed(1)} s; watching the memory for ${AFTER_S} s`);
    let backUnderMs: number | null = null;
    while (at() - bombsEnd < AFTER_S * 1000) {
      const mb = await rssMb(server.pid);
      if (backUnderMs === null && mb < RSS_GOAL_MB) backUnderMs = at() - bombsEnd;
      await sleep(500);
    }
    polling = false;
    await Promise.all([poller, sampler]);
    return {
      name: s.name, polls, slowestHealthMs: slowest, failedPolls, answers, bombsMs: bombsEnd - bombsStart, rss,
      peakMb: Math.max(...rss.map(([, mb]) => mb)), backUnderMs,
    };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  step('making the bomb (1 MB, a page that unpacks to 1 GiB)');
  const bomb = await pdfBomb();
  const scenarios: Scenario[] = [
    { name: 'baseline', env: {}, bombs: 0 },
    { name: 'bombs', env: {}, bombs: BOMBS },
    { name: 'past-limit', env: { DOSSIER_EXTRACT_MAX_INFLATED_MB: '4096' }, bombs: BOMBS },
  ];
  const outcomes: Outcome[] = [];
  for (const s of scenarios) outcomes.push(await runScenario(s, bomb));

  console.log(`# Compression bombs: ${BOMBS} PDFs of ${(bomb.length / 1024 / 1024).toFixed(1)} MB (a page of 1 GiB) posted at once to /v1/extract\n`);
  console.log(`${availableParallelism()} cores; default extraction threads and limits unless said; /health polled every ${POLL_MS} ms.\n`);
  console.log('| scenario | bomb answers | all answered after | slowest /health | /health failures | peak RSS | RSS under 400 MB |');
  console.log('|---|---|---|---|---|---|---|');
  for (const o of outcomes) {
    const answers = Object.entries(o.answers).map(([k, n]) => `${n}x ${k}`).join(', ') || 'none';
    const back = o.backUnderMs === null ? `no, not within ${AFTER_S} s` : o.bombsMs === 0 ? 'yes (never above)' : `yes, ${(o.backUnderMs / 1000).toFixed(1)} s after`;
    console.log(`| ${o.name} | ${answers} | ${(o.bombsMs / 1000).toFixed(1)} s | ${o.slowestHealthMs.toFixed(0)} ms (${o.polls} polls) | ${o.failedPolls} | ${o.peakMb.toFixed(0)} MB | ${back} |`);
  }
  console.log('\nRSS of the server over time (s: MB), every 5 s:\n');
  for (const o of outcomes) {
    console.log(`- ${o.name}: ${o.rss.filter((_, i) => i % 5 === 0).map(([t, mb]) => `${(t / 1000).toFixed(0)}: ${mb.toFixed(0)}`).join(', ')}`);
  }
}

await main();
