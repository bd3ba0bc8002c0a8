import type { Command } from 'commander';
import { collectBlobGarbage, type BlobGcResult } from '../vault/gc.js';
import type { CliContext } from './context.js';
import { formatSize, printerFor } from './output.js';

/** `dossier blobs gc`: the storage clean-up the server runs hourly, now, or only shown. */
export function registerBlobs(program: Command, ctx: CliContext): void {
  const blobs = program.command('blobs').description('Look after the stored document files.');

  blobs
    .command('gc')
    .description('Remove partial uploads of killed processes and stored files no document refers to (past the grace period).')
    .option('--dry-run', 'only count what would be removed')
    .action(async (opts: { dryRun?: boolean }, cmd: Command) => {
      const out = printerFor(cmd);
      const deps = await ctx.deps();
      const result = await collectBlobGarbage({ db: deps.db, blobs: deps.blobs, log: deps.log, ...deps.config.blobGc }, { dryRun: opts.dryRun });
      out.result(result, (r: BlobGcResult) => {
        const verb = r.dryRun ? 'Would remove' : 'Removed';
        return [
          `${verb} ${r.partial.files} partial upload(s), ${formatSize(r.partial.bytes)}.`,
          `${verb} ${r.unreferenced.files} stored file(s) no document refers to, ${formatSize(r.unreferenced.bytes)}.`,
        ];
      });
    });
}
