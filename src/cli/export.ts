import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Command } from 'commander';
import { writeExport } from '../export/export.js';
import { companyOf, UsageError, type CliContext } from './context.js';
import { formatSize, printerFor } from './output.js';
import { isoDay as day } from './retention.js';

/** `dossier export`: a ZIP of a company's originals of a period, their index with hashes, and the audit entries. */
export function registerExport(program: Command, ctx: CliContext): void {
  program.command('export')
    .description('Write a ZIP for the accountant or auditor: every original of the documents dated --from to --to, index.csv and index.json with SHA-256 hashes, the audit entries of the period and VERIFY.txt.')
    .option('--company <id>', 'the company')
    .requiredOption('--from <day>', 'first document date (YYYY-MM-DD)', day('--from'))
    .requiredOption('--to <day>', 'last document date (YYYY-MM-DD)', day('--to'))
    .requiredOption('--out <file.zip>', 'where to write the ZIP')
    .action(async (opts: { company?: string; from: string; to: string; out: string }, cmd: Command) => {
      if (opts.from > opts.to) throw new UsageError('--from must not come after --to.');
      const deps = await ctx.deps();
      const orgId = await ctx.orgId();
      const companyId = await companyOf(ctx, opts.company);
      // Written under another name first: a ZIP cut off half-way never stands under the name asked for.
      const partial = `${opts.out}.partial`;
      try {
        const summary = await writeExport(deps, orgId, { companyId, from: opts.from, to: opts.to }, createWriteStream(partial));
        await rename(partial, opts.out);
        printerFor(cmd).result({ ...summary, out: opts.out }, (s) =>
          `Wrote ${s.out}: ${s.files} file(s) of ${s.documents} document(s), ${formatSize(s.bytes)}, and ${s.auditEntries} audit entries.`);
      } catch (e) {
        await rm(partial, { force: true });
        throw e;
      }
    });
}
