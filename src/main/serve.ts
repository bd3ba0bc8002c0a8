import { buildDeps } from './deps.js';
import { bootstrapIfEmpty } from '../auth/bootstrap.js';
import { buildServer } from '../api/server.js';

/** `npm start`: the API, the sync worker and the scheduler in one process. */
export async function serve(): Promise<void> {
  const deps = await buildDeps({ worker: true });
  const first = await bootstrapIfEmpty(deps.db);
  if (first) {
    // Printed once, to the terminal only: the key is stored hashed and cannot be shown again.
    process.stdout.write([
      '',
      'Dossier is set up. Keep this API key: it is shown only now.',
      `  API key:    ${first.apiKey}`,
      `  Company id: ${first.companyId}`,
      '',
    ].join('\n') + '\n');
  }
  const app = await buildServer(deps);
  await app.listen({ host: deps.config.host, port: deps.config.port });
  await deps.scheduler.start();
  deps.log.info({ url: deps.config.baseUrl, data: deps.config.dataDir, database: deps.config.databaseUrl ? 'postgresql' : 'sqlite' }, 'Dossier is running');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.log.info({ signal }, 'stopping: finishing the transfers in flight');
    await app.close();
    await deps.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  serve().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
