import { open, readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { getCompany } from '../catalog/organizations.js';
import { DOCUMENT_TYPES, type DocumentType } from '../domain/documents.js';
import { UsageError, companyOf, type CliContext } from './context.js';
import { EXIT, printerFor } from './output.js';
import { progressReporter } from './progress.js';
import { OPERATOR } from '../domain/audit.js';

/** What an import did; `skipped` are files whose exact bytes this company already holds. */
export interface ImportSummary { imported: number; skipped: number; failed: Array<{ file: string; error: string }> }

const MIME: Record<string, string> = {
  pdf: 'application/pdf', xml: 'application/xml', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png',
  tif: 'image/tiff', tiff: 'image/tiff', gif: 'image/gif', webp: 'image/webp', heic: 'image/heic', txt: 'text/plain',
  csv: 'text/csv', html: 'text/html', htm: 'text/html', json: 'application/json', zip: 'application/zip', eml: 'message/rfc822',
  doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  odt: 'application/vnd.oasis.opendocument.text', ods: 'application/vnd.oasis.opendocument.spreadsheet',
};

export function mimeOf(filename: string): string {
  return MIME[extname(filename).slice(1).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Date and number from a file name. A leading YYYY-MM-DD wins as the date (scanners and exports
 * name files that way), else the day the file was last modified, in the company's time zone.
 * The number is the name without its extension, less that leading date: the default file name
 * already starts with the date, and "2024-03-14 2024-03-14 F1.pdf" helps no one.
 */
export function factsFromName(filename: string, mtime: Date, timeZone: string): { date: string; number: string } {
  const stem = filename.slice(0, filename.length - extname(filename).length) || filename;
  const m = /^(\d{4}-\d{2}-\d{2})[\s_-]*/.exec(stem);
  if (m && DateTime.fromISO(m[1]!).isValid) return { date: m[1]!, number: stem.slice(m[0].length) || stem };
  return { date: DateTime.fromJSDate(mtime).setZone(timeZone).toISODate()!, number: stem };
}

/** The files to import, sorted so runs are repeatable; hidden files (.DS_Store and the like) are left out. */
async function listFiles(folder: string, recursive: boolean): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) { if (recursive) await walk(path); continue; }
      // Links to files are followed; links to folders are not (they can loop); a broken link is
      // kept so that it is reported as failed rather than silently missing.
      if (e.isSymbolicLink() && (await stat(path).catch(() => null))?.isDirectory()) continue;
      out.push(path);
    }
  };
  await walk(folder);
  return out;
}

export function registerImport(program: Command, ctx: CliContext): void {
  program
    .command('import')
    .summary('Import every file of a folder as a document (safe to run again).')
    .description([
      'Import every file of a folder as a document. Safe to run again: files already imported are skipped.',
      'Date: a YYYY-MM-DD at the start of the file name, else the file\'s modification date.',
      'Number: the file name without its extension and without that leading date.',
      'A file that cannot be read is reported and the others are still imported; the exit code is then 1.',
    ].join('\n'))
    .argument('<folder>', 'the folder to import')
    .option('--company <id>', 'the company the documents belong to (default: the only company)')
    .option('--type <type>', `document type: ${DOCUMENT_TYPES.join('|')}`, 'invoice')
    .option('--recursive', 'include sub-folders', false)
    .action(async (folder: string, opts: { company?: string; type: string; recursive: boolean }, cmd: Command) => {
      const out = printerFor(cmd);
      if (!(DOCUMENT_TYPES as readonly string[]).includes(opts.type)) {
        throw new UsageError(`--type must be one of ${DOCUMENT_TYPES.join(', ')}, not "${opts.type}".`);
      }
      const info = await stat(folder).catch(() => null);
      if (!info?.isDirectory()) throw new UsageError(`"${folder}" is not a folder that can be read.`);

      const deps = await ctx.deps();
      const orgId = await ctx.orgId();
      const companyId = await companyOf(ctx, opts.company);
      const company = await getCompany(deps.db, orgId, companyId);
      const files = await listFiles(folder, opts.recursive);
      const summary: ImportSummary = { imported: 0, skipped: 0, failed: [] };
      const progress = progressReporter('Importing', { json: out.json });
      let bytes = 0;
      try {
        for (const [i, path] of files.entries()) {
          try {
            // Opening first turns an unreadable file into a clear error before anything is stored.
            const handle = await open(path, 'r');
            try {
              const { mtime, size } = await handle.stat();
              const name = basename(path);
              const { created } = await deps.vault.importOnce(orgId, companyId, {
                type: opts.type as DocumentType, ...factsFromName(name, mtime, company.timeZone),
                counterparty: null, amount: null, currency: null, businessAccount: null,
              }, { body: handle.createReadStream({ autoClose: false }), filename: name, mime: mimeOf(name) }, OPERATOR);
              if (created) summary.imported++; else summary.skipped++;
              bytes += size;
            } finally {
              await handle.close();
            }
          } catch (e) {
            summary.failed.push({ file: relative(folder, path), error: e instanceof Error ? e.message : String(e) });
          }
          progress.update(i + 1, files.length, bytes);
        }
      } finally {
        progress.stop();
      }
      out.result(summary, (s) => [
        `Imported ${s.imported}, skipped ${s.skipped} already there, failed ${s.failed.length} (of ${files.length} files) into ${company.name}.`,
        ...s.failed.map((f) => `  failed: ${f.file}: ${f.error}`),
      ]);
      if (summary.failed.length) process.exitCode = EXIT.failure;
    });
}
