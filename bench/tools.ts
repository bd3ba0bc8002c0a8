// Process helpers for the benchmark: rclone runs (under GNU time for their peak RSS), Dossier
// child runs, flushing dirty pages between measurements, and counting what landed remotely.
import { execFile, spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const GNU_TIME = '/usr/bin/time';
export const REPO = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./dossier-child.ts', import.meta.url));

/** `cpuMs`: user + system CPU time of the process, where GNU time can tell. */
export interface Measured { ms: number; maxRssBytes: number | null; cpuMs?: number | null }

/** Runs a command to its end; rejects with its stderr when it fails. */
function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const p = spawn(cmd, args, { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d; });
    // Progress lines from the child go straight through; the rest is kept for the error message.
    p.stderr.on('data', (d: Buffer) => {
      const text = d.toString();
      for (const l of text.split('\n')) if (l.startsWith('  dossier:')) process.stderr.write(`${l}\n`);
      stderr = (stderr + text).slice(-8000);
    });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      const ms = performance.now() - start;
      if (code === 0) resolve({ stdout, stderr, ms });
      else reject(new Error(`${cmd} ${args.slice(0, 3).join(' ')} ... failed (${code ?? signal}):\n${stderr}`));
    });
  });
}

export interface RcloneRemote { host: string; port: number; username: string; keyFile: string; configFile: string }

/**
 * rclone configured from the environment (a remote named "bench") and a throw-away config
 * file in the work folder, so no config of the user's is read or written; rclone saves there
 * what it detects about the server (shell type, hash commands), as it would in a user's own.
 * Host key checking stays at rclone's default (off).
 */
function rcloneEnv(r: RcloneRemote): NodeJS.ProcessEnv {
  return {
    ...process.env,
    RCLONE_CONFIG: r.configFile,
    RCLONE_CONFIG_BENCH_TYPE: 'sftp',
    RCLONE_CONFIG_BENCH_HOST: r.host,
    RCLONE_CONFIG_BENCH_PORT: String(r.port),
    RCLONE_CONFIG_BENCH_USER: r.username,
    RCLONE_CONFIG_BENCH_KEY_FILE: r.keyFile,
  };
}

export const hasGnuTime = () => existsSync(GNU_TIME);

/**
 * `rclone copy src bench:remoteDir [...extra]`, wall time and peak RSS. GNU time writes the RSS
 * (KiB) to its own file so rclone's output cannot be mistaken for it.
 */
export async function rcloneCopy(r: RcloneRemote, src: string, remoteDir: string, extra: string[], rssFile: string): Promise<Measured> {
  return rcloneRun(r, ['copy', src, `bench:${remoteDir}`, '-q', ...extra], rssFile);
}

/** `rclone copy bench:remoteDir dest [...extra]`: the other way, from the server (what collection does). */
export async function rcloneDownload(r: RcloneRemote, remoteDir: string, dest: string, extra: string[], rssFile: string): Promise<Measured> {
  return rcloneRun(r, ['copy', `bench:${remoteDir}`, dest, '-q', ...extra], rssFile);
}

async function rcloneRun(r: RcloneRemote, args: string[], rssFile: string): Promise<Measured> {
  return rcloneWith(rcloneEnv(r), args, rssFile);
}

/** rclone with its remotes in `env` (RCLONE_CONFIG_<NAME>_...), wall time, CPU time and peak RSS. */
export async function rcloneWith(env: NodeJS.ProcessEnv, args: string[], rssFile: string): Promise<Measured> {
  if (!hasGnuTime()) {
    const { ms } = await runProcess('rclone', args, env);
    return { ms, maxRssBytes: null, cpuMs: null };
  }
  const { ms } = await runProcess(GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, 'rclone', ...args], env);
  const [kib, user, system] = ((await readFile(rssFile, 'utf8')).trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  const cpu = (user ?? NaN) + (system ?? NaN);
  return { ms, maxRssBytes: Number.isFinite(kib) ? kib! * 1024 : null, cpuMs: Number.isFinite(cpu) ? cpu * 1000 : null };
}

export interface ChildJob {
  mode: 'full' | 'incremental';
  dataDir: string;
  orgId: string;
  destinationId: string;
  changes?: Array<{ id: string; file: string }>;
}

export interface ChildResult { ms: number; files: number; bytes: number; maxRssBytes: number; transfers: number; coldMs?: number; changedMs?: number }

/**
 * A separate Dossier process over the data folder (see dossier-child.ts). `ms` is the pass as
 * the child timed it; `processMs` adds Node's start-up and opening the database, which a
 * running server has behind it (rclone, a command, pays its own start-up in every run).
 */
export async function dossierChild(job: ChildJob, env: Record<string, string> = {}): Promise<ChildResult & { processMs: number }> {
  return nodeChild<ChildResult>(CHILD, job, env);
}

/** Runs a TypeScript child with one JSON argument; it answers with one line "RESULT <json>". */
export async function nodeChild<R>(script: string, job: unknown, env: Record<string, string> = {}, nodeFlags: string[] = []): Promise<R & { processMs: number }> {
  const { stdout, ms } = await runProcess(process.execPath, [...nodeFlags, '--import', 'tsx', script, JSON.stringify(job)], { ...process.env, ...env });
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`the Dossier child printed no result:\n${stdout}`);
  return { ...(JSON.parse(line.slice('RESULT '.length)) as R), processMs: ms };
}

/**
 * Reads every file under `dir` once, so each tool starts from a warm page cache. Without it the
 * kernel may have reclaimed one tool's input (written minutes earlier) and not the other's,
 * and that run would also be timing the disk.
 */
export async function warmCache(dir: string): Promise<void> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      // Whole small files at once (cheap); big ones streamed, so a 1 GiB file is never held in memory.
      if ((await stat(file)).size <= 8 * 1024 * 1024) await readFile(file);
      else for await (const _ of createReadStream(file, { highWaterMark: 1024 * 1024 })) { /* only the reading matters */ }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/**
 * Writes dirty pages back before each measurement, so one run's leftover writeback does not
 * land in the next one's time. Everything stays in the page cache (it is read, not written).
 */
export async function flushDisks(): Promise<void> {
  await run('sync').catch(() => undefined);
}

/** Files and bytes under a folder: a cheap check that every run really delivered the whole set. */
export async function countTree(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0, bytes = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const sub = await countTree(p);
      files += sub.files;
      bytes += sub.bytes;
    } else {
      files++;
      bytes += (await stat(p)).size;
    }
  }
  return { files, bytes };
}
