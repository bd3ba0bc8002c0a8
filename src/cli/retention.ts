import type { Command } from 'commander';
import { OPERATOR } from '../domain/audit.js';
import { PRESET_IDS, RETENTION_PRESETS, type RetentionPolicy, type RetentionPreset } from '../domain/retention.js';
import { companyOf, positiveInt, UsageError, type CliContext } from './context.js';
import { printerFor } from './output.js';

const describePolicy = (p: RetentionPolicy) =>
  `${p.companyId}: documents kept ${p.years} years from the end of their year${p.preset ? ` (${RETENTION_PRESETS[p.preset].title})` : ''}; legal hold ${p.legalHold ? `on${p.holdReason ? `: ${p.holdReason}` : ''}` : 'off'}.`;

/** A day option (YYYY-MM-DD), checked as commander reads it. */
export const isoDay = (name: string) => (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new UsageError(`${name} must be a day as YYYY-MM-DD, not "${value}".`);
  return value;
};

/** `dossier retention show|set|purge` and `dossier documents delete`: retention and the only ways a document is deleted. */
export function registerRetention(program: Command, ctx: CliContext): void {
  const retention = program.command('retention').description('How long documents are kept, legal holds, and the purge at the end of the period.');

  retention.command('show').description('A company\'s retention period and legal hold.').option('--company <id>', 'the company')
    .action(async (opts: { company?: string }, cmd: Command) => {
      const deps = await ctx.deps();
      printerFor(cmd).result(await deps.retention.policy(await ctx.orgId(), await companyOf(ctx, opts.company)), describePolicy);
    });

  retention.command('set').description('Set a company\'s retention period (a preset or years) or its legal hold.')
    .option('--company <id>', 'the company')
    .option('--preset <country>', `one of ${PRESET_IDS.map((p) => `${p} (${RETENTION_PRESETS[p].years} years)`).join(', ')}`)
    .option('--years <n>', 'a number of years', positiveInt('--years', 100))
    .option('--hold <reason>', 'put the company under a legal hold, with its reason')
    .option('--release', 'lift the legal hold')
    .action(async (opts: { company?: string; preset?: string; years?: number; hold?: string; release?: boolean }, cmd: Command) => {
      if (opts.preset && !PRESET_IDS.includes(opts.preset as RetentionPreset)) throw new UsageError(`--preset must be one of ${PRESET_IDS.join(', ')}.`);
      if (opts.hold !== undefined && opts.release) throw new UsageError('Give --hold or --release, not both.');
      const deps = await ctx.deps();
      const policy = await deps.retention.setPolicy(await ctx.orgId(), await companyOf(ctx, opts.company), {
        ...(opts.preset && { preset: opts.preset as RetentionPreset }), ...(opts.years !== undefined && { years: opts.years }),
        ...(opts.hold !== undefined && { legalHold: true, holdReason: opts.hold }), ...(opts.release && { legalHold: false }),
      }, OPERATOR);
      printerFor(cmd).result(policy, describePolicy);
    });

  retention.command('purge')
    .description('Delete the company\'s documents dated before --before whose retention period is over and that no hold keeps. Written to the audit log. Copies at destinations stay.')
    .option('--company <id>', 'the company')
    .requiredOption('--before <day>', 'only documents dated before this day (YYYY-MM-DD)', isoDay('--before'))
    .option('--dry-run', 'only list what would be deleted')
    .option('--yes', 'delete without asking (required unless --dry-run)')
    .action(async (opts: { company?: string; before: string; dryRun?: boolean; yes?: boolean }, cmd: Command) => {
      if (!opts.dryRun && !opts.yes) throw new UsageError('A purge deletes documents for good: run it with --dry-run first, then with --yes.');
      const deps = await ctx.deps();
      const result = await deps.retention.purge(await ctx.orgId(), await companyOf(ctx, opts.company), opts.before, OPERATOR, { dryRun: opts.dryRun });
      printerFor(cmd).result(result, (r) => [
        `${r.dryRun ? 'Would delete' : 'Deleted'} ${r.deleted.length} document(s) dated before ${r.before}.`,
        `Kept: ${r.kept.retained} still inside the retention period, ${r.kept.held} under a legal hold.`,
      ]);
    });

  const documents = program.commands.find((c) => c.name() === 'documents')!;
  documents.command('delete').description('Delete a document whose retention period is over (refused inside it or under a legal hold).')
    .argument('<id>', 'document id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const deps = await ctx.deps();
      await deps.retention.deleteDocument(await ctx.orgId(), id, OPERATOR);
      printerFor(cmd).result({ deleted: id }, () => `Deleted ${id}.`);
    });
}
