// npm run bench:collect -- [--files 10000] [--new 50] [--repeat 3] [--read] [--keep] [--cpu-prof DIR]
//
// Collection from an SFTP folder (a throw-away OpenSSH server on loopback):
//  1. a first run over --files files, against `rclone copy` of the same folder from the same
//     server in the same run (both download every file; Dossier also hashes, stores and files
//     each one). Reading the documents is off unless --read: this compares the transfer.
//     Both run --repeat times, one after the other, each Dossier run into a fresh data folder;
//     the medians are compared (a 2-core machine gives either side a slow run now and then).
//  2. an incremental run after --new files were added: connector calls per new file, which
//     must stay O(new files) (one listing per folder, one read per new file).
// Dossier runs in a child process (bench/collect-child.ts). Results go to stdout as Markdown.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSshd, SSHD_MISSING } from '../test/servers/sshd.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/log/log.js';
import { buildDeps } from '../src/main/deps.js';
import { bootstrapIfEmpty } from '../src/auth/bootstrap.js';
import { pdfBytes, prng } from './dataset.js';
import { countTree, flushDisks, nodeChild, rcloneDownload, warmCache, type Measured, type RcloneRemote } from './tools.js';
import { TEST_LIMITS } from '../test/helpers/limits.js';

const { values: flags } = parseArgs({ options: { files: { type: 'string', default: '10000' }, new: { type: 'string', default: '50' }, repeat: { type: 'string', default: '3' }, read: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false }, 'cpu-prof': { type: 'string' } } });
/** V8 CPU profiles of Dossier's runs (open them in Chrome's DevTools). */
const profile = flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${flags['cpu-prof']}`] : [];
const FILES = Number(flags.files), NEW = Number(flags.new), REPEAT = Number(flags.repeat);
if (![FILES, NEW, REPEAT].every((n) => Number.isInteger(n) && n >= 1)) { console.error('--files, --new and --repeat take whole numbers of at least 1.'); process.exit(2); }
const FOLDERS = 10;
const child = new URL('./collect-child.ts', import.meta.url).pathname;
const step = (t: string) => process.stderr.write(`\n== ${t}\n`);

interface ChildOut { ms: number; found: number; collected: number; skipped: number; calls: Record<string, number>; cpuMs: number; runCpuMs: number; processMs: number }

async function writeFiles(root: string, from: number, count: number, seed: number): Promise<number> {
  const rand = prng(seed);
  let bytes = 0;
  for (let i = from; i < from + count; i++) {
    const size = 2000 + Math.floor(rand() * 6000);
    await writeFile(join(root, `month-${i % FOLDERS}`, `invoice-${String(i).padStart(6, '0')}.pdf`), pdfBytes(size));
    bytes += size;
  }
  return bytes;
}

async function main(): Promise<void> {
  const sshd = await startSshd({ extraConfig: ['SetEnv SHLVL=1'] });
  if (!sshd) throw new Error(SSHD_MISSING);
  const work = await mkdtemp(join(tmpdir(), 'dossier-bench-collect-'));
  try {
    const source = await sshd.newRoot();
    for (let f = 0; f < FOLDERS; f++) await mkdir(join(source, `month-${f}`));
    step(`building the client's folder: ${FILES} files of 2-8 KB in ${FOLDERS} folders`);
    const bytes = await writeFiles(source, 0, FILES, 1);
    /** A fresh Dossier data folder with one SFTP channel on the client's folder. */
    const newChannel = async (dataDir: string) => {
      const deps = await buildDeps({ config: loadConfig({ DOSSIER_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...TEST_LIMITS }), log: silentLogger });
      const first = (await bootstrapIfEmpty(deps.db))!;
      const channel = await deps.collect.channels.create(first.orgId, first.userId, {
        companyId: first.companyId, name: 'Bench', kind: 'sftp', recipientId: first.userId, binderName: 'Purchases', collectAt: '06:00', moveCollected: false,
        settings: { host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, root: source, hostKeySha256: sshd.hostKeySha256 },
      });
      await deps.close();
      return { dataDir, orgId: first.orgId, channelId: channel.id, read: flags.read };
    };

    const keyFile = join(work, 'client_key');
    await writeFile(keyFile, sshd.privateKey, { mode: 0o600 });
    const rc: RcloneRemote = { host: sshd.host, port: sshd.port, username: sshd.username, keyFile, configFile: join(work, 'rclone.conf') };
    const rclones: Measured[] = [];
    const fulls: ChildOut[] = [];
    let job = await newChannel(join(work, 'dossier-data-1'));
    for (let rep = 1; rep <= REPEAT; rep++) {
      step(`[${rep}/${REPEAT}] rclone copy of the folder from the server (--sftp-disable-hashcheck: no per-file remote md5sum)`);
      await flushDisks();
      await warmCache(source);
      const target = join(work, `rclone-copy-${rep}`);
      rclones.push(await rcloneDownload(rc, source, target, ['--sftp-disable-hashcheck'], join(work, 'rss.txt')));
      const got = await countTree(target);
      if (got.files !== FILES || got.bytes !== bytes) throw new Error(`rclone copied ${got.files} files / ${got.bytes} bytes, expected ${FILES} / ${bytes}`);
      await rm(target, { recursive: true, force: true });

      step(`[${rep}/${REPEAT}] Dossier's first run over ${FILES} files${flags.read ? ' (documents read)' : ' (reading off)'}`);
      if (rep > 1) job = await newChannel(join(work, `dossier-data-${rep}`));
      await flushDisks();
      await warmCache(source);
      const full = await nodeChild<ChildOut>(child, job, {}, profile);
      if (full.collected !== FILES) throw new Error(`the first run collected ${full.collected} files, expected ${FILES}`);
      fulls.push(full);
      if (rep < REPEAT) await rm(job.dataDir, { recursive: true, force: true });
    }
    const median = <T>(xs: T[], by: (x: T) => number): T => [...xs].sort((a, b) => by(a) - by(b))[Math.floor(xs.length / 2)]!;
    const rclone = median(rclones, (r) => r.ms);
    const full = median(fulls, (f) => f.ms);

    step(`${NEW} new files, then an incremental run`);
    await writeFiles(source, FILES, NEW, 2);
    const inc = await nodeChild<ChildOut>(child, job, {}, profile);
    if (inc.collected !== NEW || inc.found !== NEW) throw new Error(`the incremental run found ${inc.found} and collected ${inc.collected}, expected ${NEW}`);
    const quiet = await nodeChild<ChildOut>(child, job, {}, profile);

    const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    const calls = (c: Record<string, number>) => Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ');
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log([
      `## Collection from SFTP: ${FILES} files (${(bytes / 1e6).toFixed(1)} MB) in ${FOLDERS} folders, then ${NEW} new`, '',
      '| run | time | process CPU (user + system) | files | connector calls | calls per new file |', '|---|---:|---:|---:|---:|---:|',
      `| rclone copy from the server (unverified) | ${s(rclone.ms)} | ${rclone.cpuMs == null ? '-' : s(rclone.cpuMs)} | ${FILES} | - | - |`,
      `| Dossier first run (hashed, stored, filed) | ${s(full.ms)} (${s(full.processMs)} with start-up) | ${s(full.runCpuMs)} (${s(full.cpuMs)} with start-up) | ${full.collected} | ${total(full.calls)} (${calls(full.calls)}) | ${(total(full.calls) / FILES).toFixed(3)} |`,
      `| Dossier incremental run | ${s(inc.ms)} | ${s(inc.runCpuMs)} | ${inc.collected} | ${total(inc.calls)} (${calls(inc.calls)}) | ${(total(inc.calls) / NEW).toFixed(2)} |`,
      `| Dossier run with nothing new | ${s(quiet.ms)} | ${s(quiet.runCpuMs)} | ${quiet.collected} | ${total(quiet.calls)} (${calls(quiet.calls)}) | - |`,
      '', `Medians of ${REPEAT} runs each (rclone ${rclones.map((r) => s(r.ms)).join(', ')}; Dossier ${fulls.map((f) => s(f.ms)).join(', ')}).`,
      `First run vs rclone: ${(full.ms / rclone.ms).toFixed(2)}x the time (${(full.processMs / rclone.ms).toFixed(2)}x with Node's start-up), ${rclone.cpuMs ? `${(full.runCpuMs / rclone.cpuMs).toFixed(2)}x the CPU (${(full.cpuMs / rclone.cpuMs).toFixed(2)}x with start-up)` : 'CPU of rclone not measured (no GNU time)'} (goal: within 1.5x).`,
      `Dossier's start-up (Node, tsx compiling TypeScript, opening the database) is timed apart: a running server has it behind it. Machine load (1-minute average) at the end: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores.`,
      `The incremental run lists each of the ${FOLDERS + 1} folders once (SFTP has no change feed) and reads only the ${NEW} new files.`,
    ].join('\n'));
    if (flags.keep) process.stderr.write(`Kept ${work}\n`);
  } finally {
    await sshd.stop();
    if (!flags.keep) await rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => { console.error(e instanceof Error ? e.stack ?? e.message : e); process.exitCode = 1; });
