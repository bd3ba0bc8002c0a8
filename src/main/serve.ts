import { buildDeps, KEEP_ALIVE_JOB, type Deps } from './deps.js';
import { existsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrapIfEmpty, FIRST_START_MARKER, firstStartNotice } from '../auth/bootstrap.js';
import { buildServer } from '../api/server.js';
import { startBlobCollection } from '../vault/gc.js';
import { Leadership } from './leader.js';
import { startDigests } from '../alerts/digest.js';

import { WEB_ROOT } from './install.js';
import { startInboundMail } from './inbound-mail.js';

/**
 * What a process does (docs/scale.md). `all`: the API, the workers and the schedulers in one
 * process, the only way with SQLite. With PostgreSQL, any number of `api` processes answer HTTP
 * and any number of `worker` processes run passes, collection and reading; one of the processes
 * that run jobs also runs the schedulers (an advisory lock decides which).
 */
export type Role = 'all' | 'api' | 'worker';

/** `npm start` and `dossier serve`: the API, the sync worker and the scheduler in one process. */
export async function serve(role: Role = 'all'): Promise<void> {
  const deps = await buildDeps({ worker: role !== 'api' });
  if (role !== 'all' && !deps.config.databaseUrl) {
    await deps.close();
    throw new Error(`Dossier cannot start as "${role}": separate API and worker processes share their jobs through PostgreSQL. Set DATABASE_URL, or run "dossier serve" alone.`);
  }
  // Printed once, to the terminal only (the key and password are stored hashed and cannot be shown
  // again), and written out before the set-up commits, so that a kill cannot keep unseen credentials.
  await bootstrapIfEmpty(deps.db, {
    markerPath: join(deps.config.dataDir, FIRST_START_MARKER),
    show: (first) => writeSync(process.stdout.fd, ['', ...firstStartNotice(first, deps.config.baseUrl), ''].join('\n') + '\n'),
  });
  let app: Awaited<ReturnType<typeof buildServer>> | null = null;
  if (role !== 'worker') {
    const webRoot = existsSync(WEB_ROOT) ? WEB_ROOT : null;
    if (!webRoot) deps.log.warn({ path: WEB_ROOT }, 'the web app is not built (npm run build): only the API is served');
    app = await buildServer({ ...deps, webRoot });
    await app.listen({ host: deps.config.host, port: deps.config.port });
  }
  // Mail to channels' addresses, and what a stop left spooled (DOSSIER_SMTP_INBOUND): received where HTTP is.
  const inboundMail = role === 'worker' ? null : await startInboundMail(deps);
  const leadership = role === 'api' ? null : new Leadership(deps.config.databaseUrl, () => startSchedulers(deps), deps.log);
  await leadership?.start();
  if (deps.sandbox && app) {
    deps.log.warn({ providers: deps.connections.providers().filter((p) => p.sandbox).map((p) => p.title), url: `${deps.config.baseUrl}/sandbox/` },
      'sandbox providers are on: emulated accounts whose data lives in memory. Configure real provider credentials (docs/providers/oauth-apps.md) to turn them off.');
  }
  if (deps.config.sandboxNote) deps.log.warn(deps.config.sandboxNote);
  deps.log.info({ role, url: app ? deps.config.baseUrl : undefined, data: deps.config.dataDir, database: deps.config.databaseUrl ? 'postgresql' : 'sqlite' }, 'Dossier is running');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.log.info({ signal }, 'stopping: finishing the transfers in flight');
    await app?.close();
    await inboundMail?.close();
    await leadership?.stop();
    await deps.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

const REQUEUE_LEFT_MS = 10 * 60_000;
const NOTICE_MARKS_MS = 30_000;

/** The work of one process only: schedules, the hourly token keep-alive, the storage clean-up. */
async function startSchedulers(deps: Deps): Promise<{ stop(): Promise<void> }> {
  await deps.scheduler.start();
  await deps.collect.scheduler.start();
  // Documents filed as being read whose jobs a stopped process took with it (the in-process
  // queue), or whose job could not be queued: at start, then every 10 minutes. A job queued
  // again for an item being read finds it read and does nothing.
  // Object Lock passes marked by a retention change and not finished: the same, for the same reason.
  const requeueLeft = () => {
    void deps.collect.reading.requeueUnread().catch((err) => deps.log.error({ err }, 'could not queue the reading of documents left unread'));
    void deps.objectLocks.requeueDue().catch((err) => deps.log.error({ err }, 'could not queue the Object Lock passes left unfinished'));
  };
  requeueLeft();
  const requeueTimer = setInterval(requeueLeft, REQUEUE_LEFT_MS);
  requeueTimer.unref();
  // On SQLite a retention change made on the command line marks its destinations in the
  // database, but its job dies with that process: looked for every 30 s rather than every 10
  // minutes. (On PostgreSQL the command line's job is in the shared queue already.)
  const noticeTimer = deps.config.databaseUrl ? null : setInterval(() => {
    void deps.objectLocks.noticeMarked().catch((err) => deps.log.error({ err }, 'could not queue the Object Lock passes marked by another process'));
  }, NOTICE_MARKS_MS);
  noticeTimer?.unref();
  // IMAP IDLE per e-mail channel: here, so each mailbox has one watcher among all processes.
  await deps.collect.watcher.start();
  // Webhook messages are sent from here, apart from the backups that wrote them.
  deps.webhooks.delivery.start();
  const digests = startDigests({ db: deps.db, alerts: deps.alerts, hour: deps.config.alerts.digestHour, onError: (err) => deps.log.error({ err }, 'could not send the daily alert digest') });
  deps.auditHeads.start();
  deps.webhooks.pruning.start();
  // Exports past DOSSIER_EXPORT_KEEP_DAYS go; the storage clean-up then removes their ZIPs.
  const expireExports = () => void deps.exports.removeExpired().catch((err) => deps.log.error({ err }, 'could not remove expired exports'));
  expireExports();
  const exportTimer = setInterval(expireExports, 3_600_000);
  exportTimer.unref();
  // Idle OAuth connections are refreshed at least daily (an unused OneDrive refresh token lapses
  // after 90 days); the job refreshes only those not refreshed for 20 hours, so hourly is cheap.
  const keepAlive = () => void deps.queue.send(KEEP_ALIVE_JOB, {}, { singletonKey: 'all' }).catch((err) => deps.log.error({ err }, 'could not queue the connection keep-alive'));
  keepAlive();
  const keepAliveTimer = setInterval(keepAlive, 3_600_000);
  keepAliveTimer.unref();
  // What killed uploads and intakes left in the blob store: partial files, blobs never recorded.
  const blobCollection = startBlobCollection({ db: deps.db, blobs: deps.blobs, log: deps.log, ...deps.config.blobGc }, deps.config.blobGc.intervalMs);
  return {
    stop: async () => {
      clearInterval(keepAliveTimer);
      clearInterval(requeueTimer);
      if (noticeTimer) clearInterval(noticeTimer);
      clearInterval(exportTimer);
      digests.stop();
      deps.auditHeads.stop();
      deps.webhooks.pruning.stop();
      deps.scheduler.stop();
      deps.collect.scheduler.stop();
      await deps.collect.watcher.stop();
      await blobCollection.stop();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const role = (process.argv.find((a) => a.startsWith('--role='))?.slice('--role='.length) ?? 'all') as Role;
  serve(role).catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
