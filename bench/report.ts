// The benchmark's result table, as Markdown on stdout (the README quotes it as printed).
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { promisify } from 'node:util';
import type { ChildResult, Measured } from './tools.js';

export interface Series { name: string; runs: Measured[]; processMs?: number[] }
export interface Incremental { n: number; dossier: ChildResult; rclone: Measured; backfill?: { dossier: ChildResult; rclone: Measured } }
export interface Large { dossier: ChildResult; rclone: Measured; bytes: number }

export interface Results {
  docs: number;
  bytes: number;
  repeat: number;
  changes: number;
  /** [0] rclone verified, [1] rclone unverified, then one per Dossier transfers setting. */
  throughput: Series[];
  incremental: Incremental[];
  large: Large | null;
  gnuTime: boolean;
}

const secs = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
const rss = (bytes: number | null) => (bytes === null ? 'n/a' : `${Math.round(bytes / 2 ** 20)} MiB`);
const ratio = (x: number) => `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}x`;
const rate = (count: number, ms: number) => (count / (ms / 1000)).toFixed(count / (ms / 1000) >= 100 ? 0 : 1);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const peak = (runs: Measured[]) => (runs.some((r) => r.maxRssBytes === null) ? null : Math.max(...runs.map((r) => r.maxRssBytes!)));

async function rcloneVersion(): Promise<string> {
  const { stdout } = await promisify(execFile)('rclone', ['version']).catch(() => ({ stdout: 'rclone (unknown version)' }));
  return stdout.split('\n')[0]!.trim();
}

function throughput(r: Results, out: string[]): void {
  const times = r.throughput.map((s) => median(s.runs.map((m) => m.ms)));
  const raw = times[1]!;
  const runsNote = r.repeat > 1 ? `median of ${r.repeat} runs each, interleaved; range in parentheses` : 'one run each';
  out.push(`## Throughput: ${r.docs} documents, ${mb(r.bytes)} (20-300 KB PDFs; ${runsNote})`, '');
  out.push('| run | time | docs/s | MB/s | peak RSS | vs unverified rclone |', '|---|---:|---:|---:|---:|---:|');
  r.throughput.forEach((s, i) => {
    const ms = times[i]!;
    const range = r.repeat > 1 ? ` (${(Math.min(...s.runs.map((m) => m.ms)) / 1000).toFixed(2)}-${(Math.max(...s.runs.map((m) => m.ms)) / 1000).toFixed(2)})` : '';
    out.push(`| ${s.name} | ${secs(ms)}${range} | ${rate(r.docs, ms)} | ${(r.bytes / 1e6 / (ms / 1000)).toFixed(1)} | ${rss(peak(s.runs))} | ${ratio(raw / ms)} |`);
  });
  const dossier = r.throughput.slice(2);
  const first = dossier[0]!;
  const best = Math.min(...dossier.map((s) => median(s.runs.map((m) => m.ms))));
  const goal = raw / median(first.runs.map((m) => m.ms));
  out.push('', `Goal, Dossier verified >= 0.7x unverified rclone: ${ratio(goal)}, ${goal >= 0.7 ? 'met' : 'NOT met'}` +
    (dossier.length > 1 ? ` (first row); best Dossier row ${ratio(raw / best)}, ${raw / best >= 0.7 ? 'met' : 'NOT met'}` : '') +
    `. Dossier vs verified rclone: ${ratio(times[0]! / times[2]!)}.`);
  const proc = first.processMs ? median(first.processMs) : null;
  if (proc !== null) {
    out.push('', `Dossier's time is its pass, from syncNow to the last file verified (SSH login included), as in a running server. ` +
      `With Node's start-up and opening the database as well, its process took ${secs(proc)} (median); rclone's times are whole processes.`);
  }
  out.push('');
}

function incremental(r: Results, out: string[]): void {
  out.push(`## Incremental pass: ${r.changes} documents change`, '');
  out.push(`Dossier: from storing the first new version to all ${r.changes} verified at the destination, in a process that has passed once since it started ` +
    "(a running server); the cold column is that first pass, which has nothing to send but loads the destination's names. " +
    `rclone: one plain \`rclone copy\` (default settings) after the same ${r.changes} files changed in its source folder.`, '');
  out.push('| N | Dossier (change -> verified) | storing the versions | sync pass alone | Dossier cold first pass | rclone copy | rclone / Dossier | rclone / pass alone | Dossier peak RSS | rclone peak RSS |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const i of r.incremental) {
    const changed = i.dossier.changedMs ?? 0, pass = i.dossier.ms - changed;
    out.push(`| ${i.n} | ${secs(i.dossier.ms)} | ${secs(changed)} | ${secs(pass)} | ${secs(i.dossier.coldMs ?? 0)} | ${secs(i.rclone.ms)} | ` +
      `${ratio(i.rclone.ms / i.dossier.ms)} | ${ratio(i.rclone.ms / pass)} | ${rss(i.dossier.maxRssBytes)} | ${rss(i.rclone.maxRssBytes)} |`);
  }
  const first = r.incremental[0]!, last = r.incremental.at(-1)!;
  out.push('');
  if (r.incremental.length > 1) {
    out.push(`Growth from N = ${first.n} to N = ${last.n} (${ratio(last.n / first.n)} the documents): Dossier ${ratio(last.dossier.ms / first.dossier.ms)} the time, rclone ${ratio(last.rclone.ms / first.rclone.ms)}.`);
  }
  const target = last.rclone.ms / last.dossier.ms;
  out.push(`Goal, >= 20x faster than rclone at N = ${last.n}: ${ratio(target)}, ${target >= 20 ? 'met' : 'NOT met'}.`, '');
  const backfills = r.incremental.filter((i) => i.backfill);
  if (backfills.length > 0) {
    out.push('Initial backfill of the small-file sets (2-8 KB each; setup for the rows above, one run each):', '');
    out.push('| N | Dossier (verified) | docs/s | rclone copy (unverified) | docs/s | Dossier peak RSS | rclone peak RSS |', '|---:|---:|---:|---:|---:|---:|---:|');
    for (const i of backfills) {
      const b = i.backfill!;
      out.push(`| ${i.n} | ${secs(b.dossier.ms)} | ${rate(i.n, b.dossier.ms)} | ${secs(b.rclone.ms)} | ${rate(i.n, b.rclone.ms)} | ${rss(b.dossier.maxRssBytes)} | ${rss(b.rclone.maxRssBytes)} |`);
    }
    out.push('');
  }
}

function memory(l: Large, out: string[]): void {
  out.push(`## Memory: 4 documents, ${mb(l.bytes)} in all, one of them 1 GiB`, '');
  out.push('| run | time | MB/s | peak RSS |', '|---|---:|---:|---:|');
  out.push(`| Dossier (verified, sha256) | ${secs(l.dossier.ms)} | ${(l.bytes / 1e6 / (l.dossier.ms / 1000)).toFixed(1)} | ${rss(l.dossier.maxRssBytes)} |`);
  out.push(`| rclone copy (verified, md5sum) | ${secs(l.rclone.ms)} | ${(l.bytes / 1e6 / (l.rclone.ms / 1000)).toFixed(1)} | ${rss(l.rclone.maxRssBytes)} |`);
  out.push('', `Goal, Dossier peak RSS < 300 MB: ${rss(l.dossier.maxRssBytes)}, ${l.dossier.maxRssBytes < 300e6 ? 'met' : 'NOT met'}.`, '');
}

export async function printReport(r: Results): Promise<void> {
  const out: string[] = [];
  out.push('# Dossier backup benchmark: SFTP to OpenSSH on loopback', '');
  out.push(`${cpus().length} CPU cores (${cpus()[0]?.model.trim() ?? 'unknown'}) shared by both ends, Node ${process.version}, ` +
    `${await rcloneVersion()} with its defaults (--transfers 4 --checkers 8).`);
  out.push(`Peak RSS: Dossier's child process reports its own; rclone's is measured by GNU time${r.gnuTime ? '' : ' (not installed here: n/a)'}. ` +
    'Inputs are read once before each run (warm page cache). 1 MB = 10^6 bytes.', '');
  throughput(r, out);
  if (r.incremental.length > 0) incremental(r, out);
  if (r.large) memory(r.large, out);
  process.stdout.write(`${out.join('\n')}\n`);
}
