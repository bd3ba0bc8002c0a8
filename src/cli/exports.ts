import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { ExportRow } from '../catalog/exports.js';
import { DomainError } from '../domain/errors.js';
import { globals, positiveInt, type CliContext } from './context.js';
import { formatSize, printerFor, table } from './output.js';
import { progressReporter } from './progress.js';

/** How often `--wait` reads the export's row: its progress is written at most every 250 ms. */
const POLL_MS = 1_000;

/**
 * `dossier exports list|show|download`: the exports made as jobs (POST /v1/exports, the web
 * app's export panel), followed from the server's command line. Any process sharing the
 * database and the blob store sees them; the job itself runs in a worker (`dossier serve` or
 * `dossier worker`), not in these commands.
 */
export function registerExports(program: Command, ctx: CliContext): void {
  const exports = program.command('exports').description('Exports made through the API or the web app: list them, follow one, download its ZIP.');
  const service = async () => (await ctx.deps()).exports;

  exports.command('list').description('The organization\'s exports, newest first.')
    .option('--limit <n>', 'how many', positiveInt('--limit', 50), 50)
    .action(async (opts: { limit: number }, cmd: Command) => {
      const rows = (await (await service()).list(await ctx.orgId())).slice(0, opts.limit);
      printerFor(cmd).result({ exports: rows }, (r) => (r.exports.length
        ? table(['ID', 'COMPANY', 'PERIOD', 'STATE', 'PROGRESS', 'SIZE', 'EXPIRES'], r.exports.map((e) => [
          e.id, e.companyId, `${e.from}..${e.to}`, e.state, `${e.done}/${e.total}`, e.size === null ? null : formatSize(e.size), e.expiresAt,
        ]))
        : 'No exports.'));
    });

  exports.command('show').description('One export\'s state; with --wait, follows it until it is done or failed.').argument('<id>')
    .option('--wait', 'wait for the export to finish, showing its progress')
    .action(async (id: string, opts: { wait?: boolean }, cmd: Command) => {
      const orgId = await ctx.orgId();
      let row = await (await service()).get(orgId, id);
      if (opts.wait) row = await follow(ctx, orgId, row, globals(cmd).json);
      printerFor(cmd).result(row, describe);
      if (row.state === 'failed') process.exitCode = 1;
    });

  exports.command('download').description('Write a finished export\'s ZIP to a file, checking its SHA-256.').argument('<id>')
    .requiredOption('--out <file.zip>', 'where to write the ZIP')
    .option('--wait', 'wait for the export to finish first')
    .action(async (id: string, opts: { out: string; wait?: boolean }, cmd: Command) => {
      const orgId = await ctx.orgId();
      const exportService = await service();
      if (opts.wait) await follow(ctx, orgId, await exportService.get(orgId, id), globals(cmd).json);
      const { row, stream } = await exportService.download(orgId, id);
      // Written under another name first, and kept only when its hash is the one recorded when it was made.
      const partial = `${opts.out}.partial`;
      const hash = createHash('sha256');
      const hashing = new Transform({ transform(chunk: Buffer, _enc, done) { hash.update(chunk); done(null, chunk); } });
      try {
        await pipeline(stream, hashing, createWriteStream(partial));
        const sha256 = hash.digest('hex');
        if (sha256 !== row.sha256) {
          throw new DomainError('conflict', `The ZIP read from storage has SHA-256 ${sha256}, not the ${row.sha256} recorded when it was made: the stored copy is damaged. Start a new export.`);
        }
        await rename(partial, opts.out);
      } catch (e) {
        await rm(partial, { force: true });
        throw e;
      }
      printerFor(cmd).result({ id: row.id, out: opts.out, size: row.size, sha256: row.sha256 }, (r) => `Wrote ${r.out}: ${formatSize(r.size ?? 0)}, SHA-256 ${r.sha256}.`);
    });
}

/** Reads the row until the export is done or failed, with a progress bar (or sparse lines off a terminal). */
async function follow(ctx: CliContext, orgId: string, first: ExportRow, json: boolean): Promise<ExportRow> {
  const exportService = (await ctx.deps()).exports;
  const progress = progressReporter(`Export ${first.id}`, { json, withBytes: false });
  let row = first;
  try {
    while (row.state === 'queued' || row.state === 'running') {
      progress.update(row.done, row.total, 0);
      await sleep(POLL_MS);
      row = await exportService.get(orgId, row.id);
    }
  } finally {
    progress.stop();
  }
  return row;
}

function describe(e: ExportRow): string[] {
  const lines = [`Export ${e.id} of company ${e.companyId}, documents dated ${e.from} to ${e.to}: ${e.state}.`];
  if (e.state === 'queued' || e.state === 'running') lines.push(`${e.done} of ${e.total || '?'} file(s) written so far.`);
  if (e.state === 'done') lines.push(`${formatSize(e.size ?? 0)}, SHA-256 ${e.sha256}; download it with "dossier exports download ${e.id} --out FILE.zip" until ${e.expiresAt}.`);
  if (e.state === 'failed') lines.push(`Why: ${e.error ?? 'unknown'}. Start a new export.`);
  return lines;
}
