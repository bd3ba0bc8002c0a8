import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config/config.js';
import { createLogger } from '../log/log.js';
import { migrate, openDatabase, type Db } from '../catalog/db.js';
import { getConnection, updateConnectionSettings, type DestinationRow } from '../catalog/destinations.js';
import { definitionsByKind } from '../connectors/registry.js';
import type { ConnectorContext, ConnectorDefinition, StorageConnector, TokenSource } from '../connectors/connector.js';
import type { RetryPolicy } from '../connectors/kit/retry.js';
import { EgressPolicy } from '../connectors/kit/egress.js';
import { imapDefinition, imapOAuthSettings, openOAuthMailbox } from '../connectors/imap/index.js';
import type { MailboxConnector } from '../connectors/connector.js';
import { FileBlobStore, type BlobStore } from '../vault/blobs.js';
import { S3BlobStore } from '../vault/s3-blobs.js';
import { createS3Client } from '../connectors/kit/s3-client.js';
import { VaultService } from '../vault/service.js';
import { SecretBox, loadSecretKey } from '../auth/secret-box.js';
import { InProcessQueue } from '../jobs/in-process.js';
import { PgBossQueue } from '../jobs/pg-boss.js';
import { PostgresEventRelay } from '../events/pg-relay.js';
import { afterCommit } from '../catalog/unit-of-work.js';
import type { JobQueue } from '../jobs/queue.js';
import { listDestinations } from '../catalog/destinations.js';
import { parseSchedule } from '../domain/destinations.js';
import { DomainError, invalidSettings } from '../domain/errors.js';
import { BackupService, SYNC_JOB } from '../backup/service.js';
import { LiveEvents } from '../events/live.js';
import { Scheduler } from '../backup/schedules.js';
import { ConnectorPool } from '../backup/connector-pool.js';
import { closeExtraction, configureExtraction } from '../extract/index.js';
import { OAuthClient } from '../auth/oauth/client.js';
import { ConnectionService, MAILBOX_KIND } from '../auth/oauth/connections.js';
import { SandboxDrives } from '../auth/oauth/sandbox-drives.js';
import { configuredProviders, sandboxProviders, type OAuthProvider } from '../auth/oauth/providers.js';
import { providerOf, TokenVault } from '../auth/oauth/vault.js';
import { buildSandbox, type InstalledSandbox } from './sandbox.js';
import { secureDataFolder } from './data-folder.js';
import { INSTALL_DIR, WEB_ROOT } from './install.js';
import type { Channel } from '../catalog/channels.js';
import { ChannelService, type MailboxGiven } from '../collect/channels.js';
import { DocumentReading, READ_JOB } from '../collect/reading.js';
import { CollectRuns, COLLECT_JOB } from '../collect/service.js';
import { CollectScheduler } from '../collect/schedule.js';
import { MailWatcher } from '../collect/email/watch.js';
import { InvitationService } from '../collect/invitations.js';
import { InboxService } from '../collect/inbox.js';
import { DocumentTexts, READ_TEXT_JOB } from '../collect/document-texts.js';
import type { Mailer } from '../mail/mailer.js';
import { SmtpMailer } from '../mail/smtp.js';
import { OutboxMailer } from '../mail/outbox.js';
import { UserInvitationService } from '../auth/user-invitations.js';
import type { Announce, Occurrence } from '../events/occurrences.js';
import { WebhookService } from '../webhooks/service.js';
import { WebhookDelivery } from '../webhooks/delivery.js';
import { AlertService } from '../alerts/service.js';
import { getEndpoint } from '../catalog/webhooks.js';
import { AuditHeadScheduler } from '../audit/schedule.js';
import { WebhookPruning } from '../webhooks/pruning.js';
import { EXPORT_JOB, ExportService } from '../export/jobs.js';
import { RetentionService } from '../retention/service.js';
import { OBJECT_LOCK_JOB, ObjectLockSync } from '../backup/object-lock.js';

/** Everything the entry points need, built once, as one plain object (no container, no globals). */
export interface Deps {
  config: Config;
  log: Logger;
  db: Db;
  blobs: BlobStore;
  box: SecretBox;
  queue: JobQueue;
  vault: VaultService;
  backup: BackupService;
  scheduler: Scheduler;
  /** Live progress of passes run in this process, for GET /v1/events. */
  events: LiveEvents;
  /** The destination kinds this installation offers. */
  definitions: ConnectorDefinition[];
  /** The OAuth token vault. */
  tokens: TokenVault;
  connections: ConnectionService;
  /** The in-process provider emulators, when the sandbox is on; serve mounts them under /sandbox. */
  sandbox: InstalledSandbox | null;
  /** The sandbox's drives as each organization's connections see them (off without a sandbox). */
  sandboxDrives: SandboxDrives;
  maxUploadBytes: number;
  /** Collection: channels, their runs and schedule. */
  collect: {
    channels: ChannelService; runs: CollectRuns; scheduler: CollectScheduler; invitations: InvitationService; inbox: InboxService; watcher: MailWatcher;
    reading: DocumentReading;
    /** Queues the reading of filed documents as jobs, when a process runs them (see IntakeDeps.readLater). */
    readLater?: (orgId: string, inboxItemIds: string[]) => Promise<void>;
    /** The text of plain uploads, read after their answer (for search). */
    texts: DocumentTexts;
  };
  mailer: Mailer;
  /** Users invited by e-mail. */
  users: { invitations: UserInvitationService };
  /** Signed webhooks: endpoints and the outbox; `delivery` sends it (started by serve). */
  webhooks: { service: WebhookService; delivery: WebhookDelivery; pruning: WebhookPruning };
  alerts: AlertService;
  /** The one way occurrences reach webhooks and alerts. */
  announce: Announce;
  /** The daily head of each organization's audit chain. */
  auditHeads: AuditHeadScheduler;
  /** Retention periods, legal holds, and every deletion of a document. */
  retention: RetentionService;
  /** Copies' Object Locks brought in step with retention (S3 destinations with Object Lock). */
  objectLocks: ObjectLockSync;
  /** Exports made as jobs (POST /v1/exports). */
  exports: ExportService;
  close(): Promise<void>;
}

export interface BuildOptions {
  config?: Config;
  log?: Logger;
  /** Extra or replacement connector kinds (tests use this for fault injection). */
  definitions?: ConnectorDefinition[];
  /** More OAuth providers (tests: the mail providers at the OAuth emulator and a local IMAP server). */
  providers?: OAuthProvider[];
  /** How transfers retry (tests shorten the waits). */
  retry?: RetryPolicy;
  /** Run queued jobs in this process (the server does; a one-shot CLI command does not). */
  worker?: boolean;
  /** Read collected documents (default on); benchmarks of the transfer alone turn it off. */
  readDocuments?: boolean;
}

export const KEEP_ALIVE_JOB = 'connections.keep-alive';

/**
 * The data folder, or the S3 bucket of DOSSIER_BLOB_URL. The operator set that endpoint, not a
 * user: the egress policy, which guards addresses users type, does not apply to it.
 */
function blobStoreOf(config: Config): BlobStore {
  const b = config.blobStore;
  if (b.kind === 'file') return new FileBlobStore(join(config.dataDir, 'blobs'));
  const client = createS3Client({ endpoint: b.endpoint, region: b.region, forcePathStyle: b.forcePathStyle, credentials: b.credentials, maxSockets: 32 });
  return new S3BlobStore({ client, bucket: b.bucket, prefix: b.prefix });
}

export async function buildDeps(opts: BuildOptions = {}): Promise<Deps> {
  const config = opts.config ?? loadConfig();
  const log = opts.log ?? createLogger(config.logLevel);
  secureDataFolder(config.dataDir, log);
  configureExtraction(config.extract);
  const db = openDatabase({
    url: config.databaseUrl, sqlitePath: join(config.dataDir, 'dossier.db'),
    onConnectionLost: (err) => log.warn({ err: err.message }, 'a database connection was closed by the server; it is replaced on next use'),
  });
  await migrate(db);
  const blobs = blobStoreOf(config);
  const box = new SecretBox(loadSecretKey(config.secretKey, join(config.dataDir, 'secret.key')));
  // SQLite: one process, jobs in its memory. PostgreSQL: jobs in the database, for any number
  // of API and worker processes (docs/scale.md).
  const queue: JobQueue = config.databaseUrl
    ? new PgBossQueue({ connectionString: config.databaseUrl, schema: config.jobs.schema, log, heartbeatSeconds: config.jobs.heartbeatSeconds })
    : new InProcessQueue(log);
  const definitions = new Map(definitionsByKind);
  for (const d of opts.definitions ?? []) definitions.set(d.kind, d);
  // Every connector, wherever it is opened, gets the operator's limits on where it may go.
  const limits: ConnectorContext = {
    localFolders: { roots: config.localRoots, forbidden: [config.dataDir, INSTALL_DIR, WEB_ROOT] },
    egress: new EgressPolicy(config.allowHosts),
  };
  for (const [kind, d] of definitions) definitions.set(kind, { ...d, create: (settings, context) => d.create(settings, { ...context, ...limits }) });

  const connectors = new ConnectorPool();
  const sandbox = config.sandbox ? buildSandbox(config, log) : null;
  const providers = [
    ...configuredProviders(config.oauth),
    ...(opts.providers ?? []),
    ...(sandbox ? sandboxProviders({ authOrigin: sandbox.authOrigin, app: sandbox.app, apis: sandbox.apiSettings }) : []),
  ];
  const oauthClient = new OAuthClient();
  const tokenVault = new TokenVault({
    db, box, client: oauthClient, providers: new Map(providers.map((p) => [p.id, p])), log,
    onExpired: (orgId, c) => announce({ type: 'connection.expired', orgId, subject: c.id, data: { connectionId: c.id, kind: c.kind, label: c.label, reason: c.reason } }),
  });

  const definition = (kind: string): ConnectorDefinition => {
    const def = definitions.get(kind);
    if (!def) throw new DomainError('invalid_input', `Destination type "${kind}" is not available in this installation.`, { reason: 'kind_unavailable', params: { kind } });
    return def;
  };
  /** OAuth connectors get their settings checked (defaults filled in) and the vault's tokens. */
  const openOAuth = async (kind: string, settings: Record<string, unknown>, tokens: TokenSource): Promise<StorageConnector> => {
    const def = definition(kind);
    const parsed = def.settings.safeParse(settings);
    if (!parsed.success) throw invalidSettings({ kind: def.kind }, `The ${def.title} settings are not valid`, parsed.error);
    return def.create(parsed.data, { tokens });
  };

  const connect = async (orgId: string, dst: DestinationRow): Promise<StorageConnector> => {
    const def = definition(dst.kind);
    const conn = await getConnection(db, orgId, dst.connectionId);
    const oauth = providerOf(conn.settings);
    // Changed settings or credentials (a new password, a pinned host key) open a new connector,
    // whichever process changed them. OAuth tokens count too: a connector keeps the access token
    // it was given, so after a refresh elsewhere (about hourly) a new one takes the stored token
    // instead of refreshing once more, and after a disconnect it finds no token at all, where
    // the old one (Microsoft cannot revoke it) would have gone on writing to the account.
    const version = createHash('sha256').update(JSON.stringify([conn.settings, dst.settings, conn.state])).update(conn.secrets ?? '').digest('hex');
    return connectors.acquire(dst.id, version, async () => {
      if (oauth) return openOAuth(dst.kind, { ...conn.settings, ...dst.settings }, tokenVault.tokenSource(orgId, conn.id));
      const secrets = conn.secrets ? box.open<Record<string, unknown>>(conn.secrets) : {};
      return def.create({ ...conn.settings, ...dst.settings, ...secrets }, {
        pinHostKey: async (fingerprint) => {
          await updateConnectionSettings(db, orgId, conn.id, { ...conn.settings, hostKeySha256: fingerprint });
          log.info({ destination: dst.id, fingerprint }, 'pinned the server host key on first use');
        },
      });
    });
  };

  const egress = limits.egress!;
  const mailer: Mailer = config.mail.smtpUrl
    ? new SmtpMailer({ url: config.mail.smtpUrl, from: config.mail.from }, log)
    : new OutboxMailer(join(config.dataDir, 'outbox'), config.mail.from, log);
  const alerts = new AlertService({ db, log, mailer, baseUrl: config.baseUrl });
  let delivery: WebhookDelivery | null = null;
  let relay: PostgresEventRelay | null = null;
  // The outbox is sent by the scheduler leader only: messages another process wrote wake it
  // through the relay once committed, so its own look through the outbox is only a backstop.
  const wakeDelivery = (ids?: readonly string[]) => {
    delivery?.wake(ids);
    afterCommit(() => relay?.wake('webhooks', ids));
  };
  const webhooks = new WebhookService({ db, log, egress, seal: (v) => box.seal(v), open: (sealed) => box.open(sealed), wake: wakeDelivery,
    onEnabled: (orgId, id) => alerts.webhookEnabled(orgId, id),
  });
  delivery = new WebhookDelivery({
    db, log, egress, secretsOf: (sealed) => webhooks.secretsOf(sealed), ...config.webhooks,
    // Retries are timed to when they come due; the look for work nothing announced (a wake-up
    // lost while the relay reconnected, a CLI without one on SQLite) is every 30 s on PostgreSQL,
    // where it runs beside every other process, and every second on SQLite, as before.
    pollMs: config.databaseUrl ? 30_000 : 1_000,
    onDisabled: async (orgId, endpointId, reason) => alerts.webhookDisabled(orgId, endpointId, (await getEndpoint(db, orgId, endpointId)).url, reason),
  });
  // Each party records the occurrence on its own; one failing costs the others nothing, and the
  // work that announced it (a backup, an intake) goes on whatever happens here.
  const announce: Announce = async (occurrences) => {
    const list = (Array.isArray(occurrences) ? occurrences : [occurrences]) as readonly Occurrence[];
    if (list.length === 0) return;
    await webhooks.announce(list).catch((err) => log.error({ err, type: list[0]!.type }, 'could not record an occurrence for webhooks'));
    for (const o of list) {
      await alerts.announce(o).catch((err) => log.error({ err, type: o.type }, 'could not record an occurrence for alerts'));
    }
  };

  const events = new LiveEvents();
  relay = config.databaseUrl ? new PostgresEventRelay(config.databaseUrl, events, log) : null;
  relay?.onWake('webhooks', (ids) => delivery?.wake(ids));
  await relay?.start();
  let backup: BackupService;
  const vault = new VaultService({
    db, blobs, maxUploadBytes: config.maxUploadBytes,
    onCreated: async (orgId, docs) => {
      for (const d of docs) await announce({ type: 'document.created', orgId, subject: d.id, data: { documentId: d.id, companyId: d.companyId, type: d.type, number: d.number } });
    },
    onChange: async (orgId, companyId) => {
      // A failure here loses nothing: the scheduler's next look finds the change in the ledger.
      try {
        for (const dst of await listDestinations(db, orgId, companyId)) {
          if (dst.state === 'active' && parseSchedule(dst.schedule).kind === 'continuous') await backup.requestSync(orgId, dst.id, 'continuous', config.debounceMs);
        }
      } catch (err) {
        log.error({ err }, 'could not queue a sync after a change');
      }
    },
  });
  backup = new BackupService({
    db, blobs, log, transfers: config.transfers, retry: opts.retry, connect, forgetConnector: (id) => connectors.forget(id), queue, debounceMs: config.debounceMs, definitions,
    seal: (secrets) => box.seal(secrets), events, announce,
    // Declared further down with the other job services; called only once passes run.
    requestLockPass: (orgId, destinationId) => objectLocks.request(orgId, [destinationId]),
  });
  const scheduler = new Scheduler(db, backup, log);
  let invitations: InvitationService | null = null;
  const connections = new ConnectionService({
    db, box, client: oauthClient, vault: tokenVault, providers, open: openOAuth, log,
    onReconnected: async (orgId, connectionId) => {
      await alerts.connectionRestored(orgId, connectionId).catch((err) => log.error({ err }, 'could not close the alert of a reconnected connection'));
      await backup.connectionRestored(orgId, connectionId);
      // A signed-in mailbox: its channel is tried with the new tokens and starts (or says why not).
      await channels.mailboxSignedIn(orgId, connectionId);
    },
    onCollectConnected: async (orgId, invitationId, connectionId) => { await invitations?.connected(orgId, invitationId, connectionId); },
  });
  /** A channel's source, rooted at its folder: the client's account (OAuth tokens from the vault) or server. */
  const connectChannel = async (orgId: string, channel: Channel): Promise<StorageConnector> => {
    const def = definition(channel.kind);
    const root = channel.folder ?? '';
    if (!channel.connectionId) return def.create({ root }, {});
    const conn = await getConnection(db, orgId, channel.connectionId);
    if (providerOf(conn.settings)) return openOAuth(channel.kind, { ...conn.settings, root }, tokenVault.tokenSource(orgId, conn.id));
    const secrets = conn.secrets ? box.open<Record<string, unknown>>(conn.secrets) : {};
    const parsed = def.settings.safeParse({ ...conn.settings, ...secrets, root });
    if (!parsed.success) throw invalidSettings({ name: channel.name }, `The settings of "${channel.name}" are not valid any more`, parsed.error);
    return def.create(parsed.data, {
      pinHostKey: async (fingerprint) => {
        await updateConnectionSettings(db, orgId, conn.id, { ...conn.settings, hostKeySha256: fingerprint });
        log.info({ channel: channel.id, fingerprint }, 'pinned the server host key on first use');
      },
    });
  };
  /** An e-mail channel's mailbox: its server's settings, the password from the sealed secrets (or settings being tried). */
  const openMailbox = async (orgId: string, channel: Channel, given?: MailboxGiven): Promise<MailboxConnector> => {
    let settings: Record<string, unknown>, secrets: Record<string, unknown>, connectionId: string;
    if (given) ({ settings, secrets, connectionId } = given);
    else {
      if (!channel.connectionId) throw new DomainError('conflict', `"${channel.name}" has no mailbox settings.`, { reason: 'mailbox_missing', params: { name: channel.name } });
      const conn = await getConnection(db, orgId, channel.connectionId);
      ({ settings, id: connectionId } = conn);
      secrets = conn.secrets ? box.open<Record<string, unknown>>(conn.secrets) : {};
    }
    // Signed in with OAuth (Microsoft 365, Gmail): XOAUTH2 with the vault's access token, no password.
    if (providerOf(settings)) {
      const oauth = imapOAuthSettings.safeParse(settings);
      if (!oauth.success) throw invalidSettings({ name: channel.name }, `The mailbox settings of "${channel.name}" are not valid any more`, oauth.error);
      return openOAuthMailbox(oauth.data, tokenVault.tokenSource(orgId, connectionId), limits);
    }
    const parsed = imapDefinition.settings.safeParse({ ...settings, ...secrets });
    if (!parsed.success) throw invalidSettings({ name: channel.name }, `The mailbox settings of "${channel.name}" are not valid any more`, parsed.error);
    return imapDefinition.create(parsed.data, limits);
  };
  const channels = new ChannelService({
    db, log, definitions, mailbox: imapDefinition, seal: (secrets) => box.seal(secrets), open: (sealed) => box.open<Record<string, unknown>>(sealed),
    connect: connectChannel, openMailbox, intakeDomain: config.inboundSmtp?.domain ?? null, mailSignIns: providers.filter((p) => p.kind === MAILBOX_KIND),
    grantToRevoke: (orgId, connectionId) => connections.grantToRevoke(orgId, connectionId),
  });
  // Reading is a job wherever some process runs jobs: always on PostgreSQL (the workers), and
  // in a process that works its own in-process queue. A one-shot command on SQLite reads inline.
  const reading = new DocumentReading({ db, log, vault, blobs, queue });
  const readLater = config.databaseUrl || opts.worker ? (orgId: string, ids: string[]) => reading.queue(orgId, ids) : undefined;
  const collectRuns = new CollectRuns({
    db, log, vault, blobs, queue, connect: connectChannel, openMailbox, readDocuments: opts.readDocuments ?? true, readLater, concurrency: Math.min(config.transfers, 8), events, announce,
  });
  const collectScheduler = new CollectScheduler(db, collectRuns, queue, log);
  const mailWatcher = new MailWatcher({ db, log, openMailbox, request: (orgId, channelId) => collectRuns.request(orgId, channelId, 'new_mail', null) });
  invitations = new InvitationService({
    db, log, mailer, baseUrl: config.baseUrl, ttlMs: config.invitationTtlMs, channels, runs: collectRuns, connections, connect: connectChannel, definitions, announce,
  });

  const exports = new ExportService({ db, blobs, queue, events, log, keepMs: config.exportKeepMs });
  const texts = new DocumentTexts({ db, vault, blobs, queue, log, readDocuments: opts.readDocuments ?? true });
  const objectLocks = new ObjectLockSync({ db, queue, log, connect });

  if (opts.worker) {
    queue.work(EXPORT_JOB, (data) => exports.runJob(data), { concurrency: 1 });
    queue.work(COLLECT_JOB, (data) => collectRuns.runJob(data), { concurrency: 4 });
    // Reading is CPU work (PDF text, OCR): about the extraction threads, not the network.
    queue.work(READ_JOB, (data) => reading.runJob(data), { concurrency: 2 });
    queue.work(SYNC_JOB, (data) => backup.runJob(data), { concurrency: 4 });
    queue.work(KEEP_ALIVE_JOB, async () => { await tokenVault.refreshIdle(); });
    // One at a time: uploads sent with read=true and collected files share the readers, and come first.
    queue.work(READ_TEXT_JOB, (data) => texts.runJob(data), { concurrency: 1 });
    queue.work(OBJECT_LOCK_JOB, (data) => objectLocks.runJob(data), { concurrency: 1 });
  }

  // The head goes to the log and, as an audit.head event, to every webhook endpoint that wants it.
  const auditHeads = new AuditHeadScheduler(db, async (head) => {
    log.info(head, 'the audit chain\'s head of the day');
    await announce({ type: 'audit.head', orgId: head.orgId, subject: `audit:${head.orgId}`, data: { seq: head.seq, hash: head.hash, at: head.at } });
  },
    (err) => log.error({ err }, 'could not write the audit chain\'s head of the day'));

  const webhookPruning = new WebhookPruning(db, config.webhookKeepMs, (err) => log.error({ err }, 'could not prune old webhook messages'));

  return {
    config, log, db, blobs, box, queue, vault, backup, scheduler, events, definitions: [...definitions.values()], maxUploadBytes: config.maxUploadBytes,
    tokens: tokenVault, connections, sandbox, sandboxDrives: new SandboxDrives({ db, vault: tokenVault, providers, open: openOAuth }),
    collect: { channels, runs: collectRuns, scheduler: collectScheduler, invitations, inbox: new InboxService(db, vault, announce), watcher: mailWatcher,
      reading, readLater, texts }, mailer,
    webhooks: { service: webhooks, delivery, pruning: webhookPruning },
    alerts, announce,
    users: { invitations: new UserInvitationService({ db, mailer, baseUrl: config.baseUrl, ttlMs: config.invitationTtlMs }) },
    auditHeads, retention: new RetentionService(db, objectLocks), objectLocks, exports,
    close: async () => {
      await delivery.stop();
      auditHeads.stop();
      webhookPruning.stop();
      scheduler.stop();
      collectScheduler.stop();
      await mailWatcher.stop();
      await queue.stop();
      await relay?.stop();
      await connectors.closeAll();
      await closeExtraction();
      if (blobs instanceof S3BlobStore) blobs.close();
      await db.destroy();
    },
  };
}
