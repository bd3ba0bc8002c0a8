import type { Command } from 'commander';
import { positiveInt, type CliContext } from './context.js';
import { formatSize, printerFor, table } from './output.js';

/** `dossier documents list|show`: what the vault holds, and where each document has been copied. */
export function registerDocuments(program: Command, ctx: CliContext): void {
  const documents = program.command('documents').description('List documents or show one.');

  documents
    .command('list')
    .description('List documents, oldest first (by id); page on with --after <last id>.')
    .option('--company <id>', 'only this company\'s documents')
    .option('--type <type>', 'only this document type')
    .option('--after <id>', 'start after this document id (the last one of the previous page)')
    .option('--limit <n>', 'at most this many (default 50)', positiveInt('--limit', 1000), 50)
    .action(async (opts: { company?: string; type?: string; after?: string; limit: number }, cmd: Command) => {
      const out = printerFor(cmd);
      const deps = await ctx.deps();
      const { items: docs } = await deps.vault.list(await ctx.orgId(), { companyId: opts.company, type: opts.type, after: opts.after, limit: opts.limit });
      out.result({ documents: docs }, ({ documents: ds }) => ds.length
        ? table(['ID', 'DATE', 'TYPE', 'NUMBER', 'COUNTERPARTY', 'VERSIONS'], ds.map((d) => [d.id, d.date, d.type, d.number, d.counterparty, d.versionCount]))
        : 'No documents.');
    });

  documents
    .command('show')
    .description('Show a document, its versions, and its copy at each destination.')
    .argument('<id>', 'document id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const out = printerFor(cmd);
      const deps = await ctx.deps();
      const orgId = await ctx.orgId();
      const document = await deps.vault.get(orgId, id);
      const deliveries = await deps.backup.documentStatus(orgId, id);
      const names = new Map((await deps.backup.list(orgId, document.companyId)).map((d) => [d.id, d.name]));
      const destinations = deliveries.map((d) => ({ ...d, destinationName: names.get(d.destinationId) ?? null }));
      out.result({ document, destinations }, (r) => {
        const d = r.document;
        const current = d.versions.find((v) => v.id === d.currentVersionId);
        return [
          `${d.id}  ${d.type}  ${d.number ?? '(no number)'}  ${d.date}`,
          `  company:      ${d.companyId}`,
          `  counterparty: ${d.counterparty ?? '-'}`,
          ...(d.amount ? [`  amount:       ${d.amount} ${d.currency ?? ''}`.trimEnd()] : []),
          `  file:         ${current?.filename ?? '-'} (${current ? formatSize(current.size) : '-'})`,
          '',
          'Versions:',
          ...table(['VERSION', 'ID', 'FILE', 'SIZE', 'SHA-256', 'ADDED'],
            d.versions.map((v) => [v.version, v.id, v.filename, v.size, v.sha256.slice(0, 16), v.createdAt])).map((l) => `  ${l}`),
          '',
          r.destinations.length ? 'Destinations:' : 'Not sent to any destination yet.',
          ...(r.destinations.length
            ? table(['DESTINATION', 'STATE', 'VERSION', 'PATH', 'ERROR'], r.destinations.map((x) => [
              x.destinationName ?? x.destinationId, x.state, d.versions.find((v) => v.id === x.versionId)?.version, x.remotePath ?? x.intentPath, x.error,
            ])).map((l) => `  ${l}`)
            : []),
        ];
      });
    });
}
