import { Option, type Command } from 'commander';
import type { CliContext } from './context.js';

/** `dossier serve`: the API, the sync worker and the scheduler, exactly as `npm start` runs them. */
export function registerServe(program: Command, ctx: CliContext): void {
  const start = async (role: 'all' | 'api' | 'worker') => {
    // Loaded only here: the other commands need neither the web server nor its start-up cost.
    const { serve } = await import('../main/serve.js');
    await serve(role);
    // Running now: the server runs until a signal stops it, so the CLI must not close or exit.
    ctx.keepAlive = true;
  };
  program
    .command('serve')
    .description('Start the server: the API, the sync worker and the scheduler (stops on Ctrl-C or SIGTERM).')
    .addOption(new Option('--role <role>', 'with PostgreSQL: "api" answers HTTP only, and "dossier worker" processes run the jobs (docs/scale.md)').choices(['all', 'api']).default('all'))
    .action(async (opts: { role: 'all' | 'api' }) => { await start(opts.role); });
  program
    .command('worker')
    .description('With PostgreSQL: run backup passes, collection runs and schedules, without HTTP; start any number beside "dossier serve --role api".')
    .action(async () => { await start('worker'); });
}
