import type { Command } from 'commander';
import type { CliContext } from './context.js';

/** `dossier serve`: the API, the sync worker and the scheduler, exactly as `npm start` runs them. */
export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('Start the server: the API, the sync worker and the scheduler (stops on Ctrl-C or SIGTERM).')
    .action(async () => {
      // Loaded only here: the other commands need neither the web server nor its start-up cost.
      const { serve } = await import('../main/serve.js');
      await serve();
      // Listening now: the server runs until a signal stops it, so the CLI must not close or exit.
      ctx.keepAlive = true;
    });
}
