import type { Command } from 'commander';
import { DOCUMENT_TYPES, type DocumentType } from '../domain/documents.js';
import { LAYOUT_PRESETS } from '../domain/layout.js';
import { UsageError, companyOf, type CliContext } from './context.js';
import { printerFor } from './output.js';

/** `dossier preview`: where a document would land, to try a folder layout before using it. */
export function registerPreview(program: Command, ctx: CliContext): void {
  program
    .command('preview')
    .description('Print the path a document would get at a destination, without writing anything.')
    .option('--company <id>', 'the company (its name and language shape the path; default: the only company)')
    .option('--layout <layout>', `${Object.keys(LAYOUT_PRESETS).join('|')} or a template`, 'company-year-type')
    .option('--type <type>', `document type: ${DOCUMENT_TYPES.join('|')}`, 'invoice')
    .requiredOption('--date <YYYY-MM-DD>', 'the document date')
    .option('--number <number>', 'the document number')
    .option('--counterparty <name>', 'customer or supplier')
    .option('--account <account>', 'business account')
    .option('--filename <name>', 'the original file name (gives the extension)', 'document.pdf')
    .option('--kind <kind>', 'destination kind, whose file name rules apply', 'local')
    .action(async (opts: {
      company?: string; layout: string; type: string; date: string; number?: string; counterparty?: string;
      account?: string; filename: string; kind: string;
    }, cmd: Command) => {
      const out = printerFor(cmd);
      if (!(DOCUMENT_TYPES as readonly string[]).includes(opts.type)) {
        throw new UsageError(`--type must be one of ${DOCUMENT_TYPES.join(', ')}, not "${opts.type}".`);
      }
      if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.date)) throw new UsageError('--date must be written YYYY-MM-DD.');
      const deps = await ctx.deps();
      const path = await deps.backup.preview(await ctx.orgId(), {
        companyId: await companyOf(ctx, opts.company), layout: opts.layout, kind: opts.kind,
        document: {
          type: opts.type as DocumentType, date: opts.date, number: opts.number ?? null, counterparty: opts.counterparty ?? null,
          businessAccount: opts.account ?? null, filename: opts.filename,
        },
      });
      out.result({ path }, (r) => r.path);
    });
}
