import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { Run } from '../catalog/deliveries.js';
import { UsageError, positiveInt, type CliContext } from './context.js';
import { formatSize, printerFor, table } from './output.js';
import { humanDestination, registerDestinationAdd } from './destinations-add.js';
import { registerDestinationSync } from './destinations-sync.js';

export function runRows(runs: Run[]): string[] {
  return table(['RUN', 'TRIGGER', 'STATUS', 'STARTED', 'UPLOADED', 'MOVED', 'RESTORED', 'FAILED', 'SIZE', 'ERROR'],
    runs.map((r) => [r.id, r.trigger, r.status, r.startedAt, r.uploaded, r.moved, r.restored, r.failed, formatSize(r.bytes), r.error]));
}

/** Asks on the terminal; anything but "y"/"yes" is a no. */
async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** `dossier destinations ...`: where the documents are copied to, and how that goes. */
export function registerDestinations(program: Command, ctx: CliContext): void {
  const destinations = program.command('destinations').description('Add, inspect, sync, verify, pause, resume or remove destinations.');
  registerDestinationAdd(destinations, ctx);

  destinations
    .command('list')
    .description('List the destinations.')
    .option('--company <id>', 'only this company\'s destinations')
    .action(async (opts: { company?: string }, cmd: Command) => {
      const out = printerFor(cmd);
      const list = await (await ctx.deps()).backup.list(await ctx.orgId(), opts.company);
      out.result({ destinations: list }, ({ destinations: ds }) => ds.length
        ? table(['ID', 'NAME', 'KIND', 'STATE', 'SCHEDULE', 'COMPANY'], ds.map((d) => [d.id, d.name, d.kind, d.state, d.schedule, d.companyId]))
        : 'No destinations yet.');
    });

  destinations
    .command('status')
    .description('Show a destination\'s state, document counts, free space and last runs.')
    .argument('<id>', 'destination id')
    .option('--runs <n>', 'how many recent runs to show (default 5)', positiveInt('--runs', 100), 5)
    .action(async (id: string, opts: { runs: number }, cmd: Command) => {
      const out = printerFor(cmd);
      const deps = await ctx.deps();
      const orgId = await ctx.orgId();
      const status = await deps.backup.status(orgId, id);
      const runs = await deps.backup.runs(orgId, id, opts.runs);
      out.result({ ...status, runs }, (s) => [
        ...humanDestination(s),
        `  documents: ${s.documents.synced} synced, ${s.documents.pending} pending, ${s.documents.failed} failed`,
        `  space:    ${s.quota?.free != null ? `${formatSize(s.quota.free)} free${s.quota.total ? ` of ${formatSize(s.quota.total)}` : ''}` : 'not reported by the destination'}`,
        ...(s.quota?.warning ? [`  warning:  ${s.quota.warning}`] : []),
        '',
        ...(s.runs.length ? runRows(s.runs) : ['No runs yet.']),
      ]);
    });

  destinations
    .command('pause')
    .description('Pause a destination: nothing is sent until it is resumed.')
    .argument('<id>', 'destination id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const out = printerFor(cmd);
      const dst = await (await ctx.deps()).backup.pause(await ctx.orgId(), id);
      out.result(dst, (d) => `Paused "${d.name}" (${d.id}).`);
    });

  destinations
    .command('resume')
    .description('Resume a paused destination (or one that needed attention).')
    .argument('<id>', 'destination id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const out = printerFor(cmd);
      const dst = await (await ctx.deps()).backup.resume(await ctx.orgId(), id);
      out.result(dst, (d) => `Resumed "${d.name}" (${d.id}): the server syncs it again from its next trigger.`);
      out.note(`To catch up now: dossier destinations sync ${id} --wait`);
    });

  destinations
    .command('remove')
    .summary('Remove a destination (asks first; --yes to skip).')
    .description('Remove a destination and forget its credentials. Files already copied stay there; the history stays here.')
    .argument('<id>', 'destination id')
    .option('--yes', 'do not ask for confirmation (needed when not run at a terminal)', false)
    .action(async (id: string, opts: { yes: boolean }, cmd: Command) => {
      const out = printerFor(cmd);
      const deps = await ctx.deps();
      const orgId = await ctx.orgId();
      const dst = await deps.backup.get(orgId, id);
      if (!opts.yes) {
        // Without a person to answer, removing silently would be a surprise: demand --yes instead.
        if (!process.stdin.isTTY) throw new UsageError(`Removing "${dst.name}" needs confirmation: add --yes.`);
        if (!(await confirm(`Remove destination "${dst.name}" (${dst.id})? Files already copied stay there.`))) {
          throw new Error(`"${dst.name}" was not removed: the removal was not confirmed.`);
        }
      }
      await deps.backup.remove(orgId, id);
      out.result({ removed: id }, () => `Removed "${dst.name}" (${id}).`);
    });

  destinations
    .command('runs')
    .description('List a destination\'s runs, newest first.')
    .argument('<id>', 'destination id')
    .option('--limit <n>', 'at most this many (default 20)', positiveInt('--limit', 1000), 20)
    .action(async (id: string, opts: { limit: number }, cmd: Command) => {
      const out = printerFor(cmd);
      const runs = await (await ctx.deps()).backup.runs(await ctx.orgId(), id, opts.limit);
      out.result({ runs }, (r) => (r.runs.length ? runRows(r.runs) : 'No runs yet.'));
    });

  registerDestinationSync(destinations, ctx);
  registerRun(destinations, ctx);
}

/** `dossier destinations run <runId>`: one run and what it did to each file. */
function registerRun(destinations: Command, ctx: CliContext): void {
  destinations
    .command('run')
    .description('Show one run of a destination and the outcome per file.')
    .argument('<runId>', 'run id')
    .option('--after <itemId>', 'page on: only items after this item id', positiveInt('--after', Number.MAX_SAFE_INTEGER))
    .option('--limit <n>', 'at most this many items (default 500)', positiveInt('--limit', 5000), 500)
    .action(async (runId: string, opts: { after?: number; limit: number }, cmd: Command) => {
      const out = printerFor(cmd);
      const result = await (await ctx.deps()).backup.run(await ctx.orgId(), runId, opts.after ?? 0, opts.limit);
      out.result(result, (r) => [
        ...runRows([r.run]),
        '',
        ...(r.items.length
          ? table(['ITEM', 'ACTION', 'OUTCOME', 'PATH', 'SIZE', 'ERROR'], r.items.map((i) => [i.id, i.action, i.outcome, i.remotePath, formatSize(i.bytes), i.error]))
          : ['No files were touched in this run.']),
      ]);
    });
}
