import { buildDeps, KEEP_ALIVE_JOB } from './deps.js';
import { existsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrapIfEmpty, FIRST_START_MARKER, firstStartNotice } from '../auth/bootstrap.js';
import { buildServer } from '../api/server.js';
import { startBlobCollection } from '../vault/gc.js';

import { WEB_ROOT } from './install.js';

/** `npm start`: the API, the sync worker and the scheduler in one process. */
export async function serve(): Promise<void> {
  const deps = await buildDeps({ worker: true });
  // Printed once, to the terminal only (the key and password are stored hashed and cannot be shown
  // again), and written out before the set-up commits, so that a kill cannot keep unseen credentials.
  await bootstrapIfEmpty(deps.db, {
    markerPath: join(deps.config.dataDir, FIRST_START_MARKER),
    show: (first) => writeSync(process.stdout.fd, ['', ...firstStartNotice(first, deps.config.baseUrl), ''].join('\n') + '\n'),
  });
  const webRoot = existsSync(WEB_ROOT) ? WEB_ROOT : null;
  if (!webRoot) deps.log.warn({ path: WEB_ROOT }, 'the web app is not built (npm run build): only the API is served');
  const app = await buildServer({ ...deps, webRoot });
  await app.listen({ host: deps.config.host, port: deps.config.port });
  await deps.scheduler.start();
  await deps.collect.scheduler.start();
  deps.auditHeads.start();
  // Idle OAuth connections are refreshed at least daily (an unused OneDrive refresh token lapses
  // after 90 days); the job refreshes only those not refreshed for 20 hours, so hourly is cheap.
  const keepAlive = () => void deps.queue.send(KEEP_ALIVE_JOB, {}, { singletonKey: 'all' }).catch((err) => deps.log.error({ err }, 'could not queue the connection keep-alive'));
  keepAlive();
  const keepAliveTimer = setInterval(keepAlive, 3_600_000);
  keepAliveTimer.unref();
  // What killed uploads and intakes left in the blob store: partial files, blobs never recorded.
  const blobCollection = startBlobCollection({ db: deps.db, blobs: deps.blobs, log: deps.log, ...deps.config.blobGc }, deps.config.blobGc.intervalMs);
  if (deps.sandbox) {
    deps.log.warn({ providers: deps.connections.providers().filter((p) => p.sandbox).map((p) => p.title), url: `${deps.config.baseUrl}/sandbox/` },
      'sandbox providers are on: emulated accounts whose data lives in memory. Configure real provider credentials (docs/providers/oauth-apps.md) to turn them off.');
  }
  if (deps.config.sandboxNote) deps.log.warn(deps.config.sandboxNote);
  deps.log.info({ url: deps.config.baseUrl, data: deps.config.dataDir, database: deps.config.databaseUrl ? 'postgresql' : 'sqlite' }, 'Dossier is running');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAliveTimer);
    deps.log.info({ signal }, 'stopping: finishing the transfers in flight');
    await app.close();
    await blobCollection.stop();
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
