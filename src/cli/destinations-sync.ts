import type { Command } from 'commander';
import type { Run } from '../catalog/deliveries.js';
import type { CliContext } from './context.js';
import { EXIT, formatSize, printerFor, table } from './output.js';
import { progressReporter } from './progress.js';

/** How many file outcomes a sync prints; the rest is one `dossier destinations run` away. */
const ITEMS_SHOWN = 500;

/**
 * Ctrl-C stops a pass cleanly: transfers in flight finish or are dropped, the ledger keeps
 * what is done, and the next pass resumes. A second Ctrl-C quits at once.
 */
function abortOnInterrupt(note: (s: string) => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    note('Stopping after the files in flight (press Ctrl-C again to quit at once)...');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); },
  };
}

export function runSummary(r: Run): string {
  return `Run ${r.id}: ${r.status}. Uploaded ${r.uploaded}, moved ${r.moved}, restored ${r.restored}, removed ${r.removed}, failed ${r.failed} (${formatSize(r.bytes)}).`
    + (r.error ? ` ${r.error}` : '');
}

export function registerDestinationSync(destinations: Command, ctx: CliContext): void {
  destinations
    .command('sync')
    .summary('Run a sync pass now, in this process.')
    .description([
      'Run a sync pass now, in this process, until it is done.',
      'With --wait: show progress and print the run summary with the files sent.',
      'Without --wait the pass still runs to its end here (this command cannot hand work to a running server); only the run id is printed.',
      'Exit code 1 when the run did not finish cleanly (failed files, a blocked destination, or interrupted).',
    ].join('\n'))
    .argument('<id>', 'destination id')
    .option('--wait', 'show progress and print the run summary', false)
    .action(async (id: string, opts: { wait: boolean }, cmd: Command) => {
      const out = printerFor(cmd);
      const deps = await ctx.deps();
      const orgId = await ctx.orgId();
      await deps.backup.get(orgId, id); // an unknown id fails before anything else is set up
      const progress = opts.wait ? progressReporter('Syncing', { json: out.json }) : null;
      const interrupt = abortOnInterrupt((s) => process.stderr.write(s + '\n'));
      let runId: string;
      try {
        runId = await deps.backup.syncNow(orgId, id, {
          signal: interrupt.signal,
          onProgress: progress ? (p) => progress.update(p.done, p.planned, p.bytes) : undefined,
        });
      } finally {
        progress?.stop();
        interrupt.dispose();
      }
      const { run, items } = await deps.backup.run(orgId, runId, 0, ITEMS_SHOWN);
      if (run.status !== 'done') process.exitCode = EXIT.failure;
      if (!opts.wait) {
        out.result({ runId, status: run.status }, (r) => r.runId);
        return;
      }
      const moreItems = items.length === ITEMS_SHOWN;
      out.result({ run, items, moreItems }, (r) => {
        const failed = r.items.filter((i) => i.outcome !== 'ok');
        return [
          runSummary(r.run),
          ...(failed.length ? table(['OUTCOME', 'PATH', 'ERROR'], failed.map((i) => [i.outcome, i.remotePath, i.error])).map((l) => `  ${l}`) : []),
          `Details per file: dossier destinations run ${r.run.id}`,
        ];
      });
    });

  destinations
    .command('verify')
    .summary('Check the destination against what was sent, and restore what is missing.')
    .description('Compare the destination with what Dossier sent (files deleted or changed there), then restore what is missing.')
    .argument('<id>', 'destination id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const out = printerFor(cmd);
      const deps = await ctx.deps();
      const orgId = await ctx.orgId();
      const interrupt = abortOnInterrupt((s) => process.stderr.write(s + '\n'));
      let report;
      try {
        report = await deps.backup.verify(orgId, id, { signal: interrupt.signal });
      } finally {
        interrupt.dispose();
      }
      const { runId, ...counts } = report;
      const run = runId ? (await deps.backup.run(orgId, runId, 0, 1)).run : null;
      if (run && run.status !== 'done') process.exitCode = EXIT.failure;
      out.result({ ...counts, run }, (r) => [
        `Checked ${r.checked} files: ${r.missing} missing, ${r.altered} changed there, ${r.abandoned} let go (folder deleted), ${r.strays} leftover temporary files removed.`,
        r.run ? `Restore: ${runSummary(r.run)}` : 'No restore run: the destination is not active (resume it to restore the missing files).',
      ]);
    });
}
