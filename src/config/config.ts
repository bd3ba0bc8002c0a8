import { isIP } from 'node:net';
import { delimiter, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/**
 * The only reader of process.env. Parsed once at start-up; a bad value stops the process with
 * a message naming the variable, instead of failing later in the middle of a backup.
 */
const schema = z.object({
  DOSSIER_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  /** The address to listen on: this machine only by default; 0.0.0.0 (or ::) for every interface. */
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Public URL of this service, used in links (OAuth redirects, invitations). */
  DOSSIER_BASE_URL: z.string().url().optional(),
  /** 32 bytes, base64: the key that encrypts secrets at rest. Else a key file in the data folder. */
  DOSSIER_SECRET_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How many files one destination uploads at once. */
  DOSSIER_TRANSFERS: z.coerce.number().int().min(1).max(64).default(8),
  /** Milliseconds a continuous destination waits for more changes before syncing. */
  DOSSIER_DEBOUNCE_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
  /** Largest document accepted, in bytes. */
  DOSSIER_MAX_UPLOAD_BYTES: z.coerce.number().int().min(1).default(2 * 1024 ** 3),
  /**
   * Storage clean-up. A blob no document refers to is removed once it is this old: longer than
   * any intake takes from storing bytes to recording them (an upload, a collected batch being read).
   */
  DOSSIER_BLOB_GRACE_SECONDS: z.coerce.number().int().min(1).default(24 * 3600),
  /** A partial upload left by a killed process is removed once nothing was written to it for this long. */
  DOSSIER_INCOMING_MAX_AGE_SECONDS: z.coerce.number().int().min(1).default(6 * 3600),
  /** How often the clean-up runs (also once at start-up). */
  DOSSIER_BLOB_GC_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(3600),
  /** OAuth apps (docs/providers/oauth-apps.md). A provider is offered once its client id and secret are set. */
  DOSSIER_ONEDRIVE_CLIENT_ID: z.string().trim().min(1).optional(),
  DOSSIER_ONEDRIVE_CLIENT_SECRET: z.string().min(1).optional(),
  DOSSIER_ONEDRIVE_REDIRECT_URL: z.string().url().optional(),
  /** common (work and personal accounts), consumers, organizations, or a tenant id. */
  DOSSIER_ONEDRIVE_TENANT: z.string().regex(/^[A-Za-z0-9.-]+$/, 'Give common, consumers, organizations or a tenant id.').default('common'),
  /** "on": ask only for Files.ReadWrite.AppFolder, so Dossier sees nothing but its own Apps/ folder. */
  DOSSIER_ONEDRIVE_APP_FOLDER: z.enum(['on', 'off']).default('off'),
  DOSSIER_GDRIVE_CLIENT_ID: z.string().trim().min(1).optional(),
  DOSSIER_GDRIVE_CLIENT_SECRET: z.string().min(1).optional(),
  DOSSIER_GDRIVE_REDIRECT_URL: z.string().url().optional(),
  DOSSIER_DROPBOX_CLIENT_ID: z.string().trim().min(1).optional(),
  DOSSIER_DROPBOX_CLIENT_SECRET: z.string().min(1).optional(),
  DOSSIER_DROPBOX_REDIRECT_URL: z.string().url().optional(),
  /**
   * The in-process provider emulators under /sandbox/. "auto": on only while no provider
   * credentials are configured and Dossier listens on a loopback address, so a real
   * installation, or one reachable from the network, never offers them by accident.
   */
  DOSSIER_SANDBOX: z.enum(['auto', 'on', 'off']).default('auto'),
  /** smtp://user:password@host:587 (or smtps://...:465). Without it, mail goes to an outbox folder in the data folder. */
  DOSSIER_SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'Give an smtp:// or smtps:// URL, such as smtp://dossier:secret@mail.example.com:587.').optional(),
  DOSSIER_MAIL_FROM: z.string().trim().min(3).default('Dossier <dossier@localhost>'),
  /**
   * Which reverse proxies may say who the client is (X-Forwarded-For, X-Forwarded-Proto): true
   * (any), a number of proxies in front of Dossier, or their addresses and CIDR ranges. Unset:
   * none, and the client is the connection's own address.
   */
  DOSSIER_TRUST_PROXY: z.string().trim().optional().transform((v, c) => {
    const parsed = parseTrustProxy(v);
    if (parsed === null) c.addIssue({ code: 'custom', message: 'Give true, the number of proxies in front of Dossier (1), or the proxies\' addresses or CIDR ranges separated by commas (127.0.0.1,10.0.0.0/8).' });
    return parsed ?? false;
  }),
  /** Milliseconds a client has to send a request's headers (slow clients holding connections open). */
  DOSSIER_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** Milliseconds a client has to send a whole request, body included: the longest upload. Live event streams are not requests being received. */
  DOSSIER_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(3_600_000),
  /** Milliseconds a connection may stay silent (nothing received or sent) before it is closed; live event streams are exempt. */
  DOSSIER_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000),
  /** Milliseconds an idle keep-alive connection is kept for the next request: above a load balancer's own idle timeout (often 60 s). */
  DOSSIER_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(72_000),
  /** How long a client's invitation link stays valid, in hours. */
  DOSSIER_INVITATION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(72),
  /**
   * The folders local destinations and channels may point into, separated by the path list
   * delimiter (":" on Linux). None listed: the local kinds are off (docs/security.md).
   */
  DOSSIER_LOCAL_ROOTS: z.string().default('').transform((v) => v.split(delimiter).map((p) => p.trim()).filter(Boolean))
    .refine((list) => list.every((p) => isAbsolute(p) && !p.split(/[\\/]/).includes('..')), 'List absolute folders without "..", separated by ":", such as /srv/dossier:/mnt/scans.'),
  /**
   * Host names, addresses and CIDR ranges (comma-separated) that servers typed by users may be
   * on although they are loopback or private, such as nas.internal,10.0.5.0/24. Default: none.
   */
  DOSSIER_ALLOW_HOSTS: z.string().default('').transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .refine((list) => list.every(isHostOrRange), 'List host names, addresses or CIDR ranges separated by commas, such as nas.internal,10.0.5.0/24.'),
  /** Documents read at once, each in its own thread (docs/security.md, "Untrusted files"); default min(2, cores). */
  DOSSIER_EXTRACT_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  /** Documents that may wait for a free thread; one more is answered busy (HTTP 503). */
  DOSSIER_EXTRACT_QUEUE: z.coerce.number().int().min(0).max(10_000).default(16),
  /** Heap of each extraction thread, in MB. */
  DOSSIER_EXTRACT_MEMORY_MB: z.coerce.number().int().min(64).max(16_384).default(512),
  /** Time to read one document, in seconds; its thread is terminated soon after. */
  DOSSIER_EXTRACT_TIMEOUT_S: z.coerce.number().min(1).max(3600).default(10),
  DOSSIER_EXTRACT_MAX_PAGES: z.coerce.number().int().min(1).max(100_000).default(300),
  /** What decompressing one document's streams may produce, in MB (the compression-bomb limit). */
  DOSSIER_EXTRACT_MAX_INFLATED_MB: z.coerce.number().int().min(1).max(65_536).default(200),
  /** Where document bytes are kept: the data folder by default, or s3://bucket/prefix (docs/providers/s3.md). */
  DOSSIER_BLOB_URL: z.string().trim().regex(/^s3:\/\/[a-z0-9][a-z0-9.\-_]{1,254}(\/.*)?$/i, 'Give s3://bucket or s3://bucket/prefix.').optional(),
  /** The S3 endpoint of the blob bucket; the AWS SDK's own AWS_ENDPOINT_URL_S3 also works; neither: AWS S3. */
  DOSSIER_BLOB_S3_ENDPOINT: z.string().url().optional(),
  AWS_ENDPOINT_URL_S3: z.string().url().optional(),
  AWS_REGION: z.string().trim().min(1).optional(),
  /** on: bucket in the path (MinIO, Garage and most self-hosted servers). */
  DOSSIER_BLOB_S3_PATH_STYLE: z.enum(['on', 'off']).default('off'),
  /** Both or neither; neither: the AWS SDK's default chain (profile, instance or container role). */
  AWS_ACCESS_KEY_ID: z.string().trim().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** With PostgreSQL: the schema the job queue (pg-boss) keeps its tables in. */
  DOSSIER_JOBS_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'Give a lower-case PostgreSQL schema name, such as pgboss.').default('pgboss'),
  /** With PostgreSQL: seconds after which a job whose worker stopped answering (killed, cut off) is taken over by another worker. */
  DOSSIER_JOB_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).max(3600).default(30),
  /**
   * Dossier's own SMTP server for mail sent to channels' addresses, as host:port (0.0.0.0:2525);
   * unset: none. Port 25 of the host the domain's MX names forwards here (docs/collect.md).
   */
  DOSSIER_SMTP_INBOUND: z.string().trim().regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:]+):\d{1,5}$/, 'Give host:port, such as 0.0.0.0:2525 or [::]:25.').optional(),
  /** The domain channels' addresses are at (in.example.com: acme-purchases@in.example.com). */
  DOSSIER_SMTP_DOMAIN: z.string().trim().toLowerCase().regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, 'Give a domain name, such as in.example.com.').optional(),
  /** PEM files of the certificate and key offered with STARTTLS; both or neither (then no STARTTLS). */
  DOSSIER_SMTP_TLS_CERT: z.string().trim().min(1).optional(),
  DOSSIER_SMTP_TLS_KEY: z.string().trim().min(1).optional(),
  /** Largest mail accepted, in bytes (announced with SIZE; a larger one is refused). */
  DOSSIER_SMTP_MAX_BYTES: z.coerce.number().int().min(1024).default(25 * 1024 * 1024),
  /** Mails per hour one sending address (IP) may deliver; more are told to try again later. */
  DOSSIER_SMTP_CLIENT_RATE_PER_HOUR: z.coerce.number().int().min(1).default(100),
  /** Mails per hour one channel's address may receive. */
  DOSSIER_SMTP_ADDRESS_RATE_PER_HOUR: z.coerce.number().int().min(1).default(200),
  /** SMTP connections at once. */
  DOSSIER_SMTP_MAX_CLIENTS: z.coerce.number().int().min(1).max(10_000).default(50),
  /** How long a webhook receiver may take to answer one delivery, in seconds. */
  DOSSIER_WEBHOOK_TIMEOUT_S: z.coerce.number().min(1).max(60).default(10),
  /** Deliveries in flight at once to one webhook endpoint. */
  DOSSIER_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(16),
  /** How long a webhook message is retried before it is given up and its endpoint disabled, in hours. */
  DOSSIER_WEBHOOK_RETRY_HOURS: z.coerce.number().min(0.01).max(168).default(24),
  /** How long delivered and given-up webhook messages (and their attempts) stay in the delivery log, in days. */
  DOSSIER_WEBHOOK_KEEP_DAYS: z.coerce.number().min(1).max(3650).default(30),
  /** How long an export made through the API can be downloaded before it is removed, in days. */
  DOSSIER_EXPORT_KEEP_DAYS: z.coerce.number().min(0.01).max(365).default(7),
  /** The hour (0-23, UTC) the daily alert digest is mailed to those who chose it. */
  DOSSIER_ALERT_DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(7),
}).superRefine((e, c) => {
  if (e.DOSSIER_HEADERS_TIMEOUT_MS > e.DOSSIER_REQUEST_TIMEOUT_MS) {
    c.addIssue({ code: 'custom', path: ['DOSSIER_HEADERS_TIMEOUT_MS'], message: `The headers are part of the request: give at most DOSSIER_REQUEST_TIMEOUT_MS (${e.DOSSIER_REQUEST_TIMEOUT_MS}).` });
  }
  if (e.DOSSIER_SMTP_INBOUND && !e.DOSSIER_SMTP_DOMAIN) {
    c.addIssue({ code: 'custom', path: ['DOSSIER_SMTP_DOMAIN'], message: 'Give the domain the SMTP server receives mail for, such as in.example.com.' });
  }
  if (!e.DOSSIER_SMTP_TLS_CERT !== !e.DOSSIER_SMTP_TLS_KEY) {
    c.addIssue({ code: 'custom', path: [e.DOSSIER_SMTP_TLS_CERT ? 'DOSSIER_SMTP_TLS_KEY' : 'DOSSIER_SMTP_TLS_CERT'], message: 'Give both the certificate and the key file, or neither.' });
  }
});

/** Names proxy-addr (Fastify's trustProxy) knows for well-known ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IPv4/IPv6 address, or one with a /prefix. */
function isAddressOrCidr(s: string): boolean {
  const [address = '', bits, ...rest] = s.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

const isAddressOrRange = (s: string): boolean => RANGE_NAMES.has(s) || isAddressOrCidr(s);

/** Only this machine can reach an address of the loopback interface. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\./.test(h);
}

/** Fastify's trustProxy from DOSSIER_TRUST_PROXY; null when it is none of the accepted forms. */
export function parseTrustProxy(value: string | undefined): boolean | number | string[] | null {
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  return list.length > 0 && list.every(isAddressOrRange) ? list : null;
}

/** A host name, an IPv4/IPv6 address, or an address with a /prefix. */
function isHostOrRange(entry: string): boolean {
  return isAddressOrCidr(entry) || /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(entry);
}

export type OAuthProviderId = 'onedrive' | 'gdrive' | 'dropbox';

export interface OAuthAppConfig {
  clientId: string;
  clientSecret: string;
  redirectUrl: string;
}

export interface OAuthConfig {
  onedrive?: OAuthAppConfig & { tenant: string; appFolder: boolean };
  gdrive?: OAuthAppConfig;
  dropbox?: OAuthAppConfig;
}

export interface Config {
  dataDir: string;
  databaseUrl: string | undefined;
  host: string;
  port: number;
  baseUrl: string;
  secretKey: string | undefined;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  transfers: number;
  debounceMs: number;
  maxUploadBytes: number;
  /** Storage clean-up (src/vault/gc.ts): grace period of unreferenced blobs, age of abandoned partial uploads, period. */
  blobGc: { graceMs: number; incomingMaxAgeMs: number; intervalMs: number };
  oauth: OAuthConfig;
  /** Offer the sandbox providers (emulators mounted under /sandbox/). */
  sandbox: boolean;
  /** Why "auto" left the sandbox off although no provider is configured, for the start-up log. */
  sandboxNote: string | null;
  /** SMTP, or null: mails are written to an outbox folder. */
  mail: { smtpUrl: string | null; from: string };
  /** Dossier's own SMTP server for channels' addresses, or null: none. */
  inboundSmtp: InboundSmtpConfig | null;
  invitationTtlMs: number;
  /** Fastify's trustProxy: which proxies' X-Forwarded-* headers are believed. */
  trustProxy: boolean | number | string[];
  /** The HTTP server's limits on slow and silent clients. */
  timeouts: { headersMs: number; requestMs: number; idleMs: number; keepAliveMs: number };
  /** Real folders local destinations and channels may use; empty: the local kinds are off. */
  localRoots: string[];
  /** Loopback and private hosts (names, addresses, CIDR ranges) users' servers may be on. */
  allowHosts: string[];
  /** Where document bytes are kept (src/vault): the data folder, or an S3 bucket. */
  blobStore: BlobStoreConfig;
  /** With PostgreSQL, the shared job queue: its schema and how soon a dead worker's jobs are taken over. */
  jobs: { schema: string; heartbeatSeconds: number };
  /** Webhook delivery: one receiver's answer time, deliveries in flight per endpoint, retry window. */
  webhooks: { timeoutMs: number; concurrency: number; retryWindowMs: number };
  /** How long finished webhook messages are kept before pruning. */
  webhookKeepMs: number;
  /** How long a made export stays downloadable. */
  exportKeepMs: number;
  /** E-mail alerts: the hour (UTC) of the daily digest. */
  alerts: { digestHour: number };
  /** Reading documents: threads, waiting line, memory and per-document limits. */
  extract: {
    workers: number | undefined;
    queue: number;
    memoryMb: number;
    limits: { timeoutMs: number; maxPages: number; maxInflatedBytes: number };
  };
}

export type BlobStoreConfig =
  | { kind: 'file' }
  | {
    kind: 's3'; bucket: string; prefix: string; endpoint?: string; region: string; forcePathStyle: boolean;
    credentials?: { accessKeyId: string; secretAccessKey: string };
  };

function blobStoreOf(e: z.infer<typeof schema>): BlobStoreConfig {
  if (!e.DOSSIER_BLOB_URL) return { kind: 'file' };
  const [bucket, ...rest] = e.DOSSIER_BLOB_URL.slice('s3://'.length).split('/');
  if (!e.AWS_ACCESS_KEY_ID !== !e.AWS_SECRET_ACCESS_KEY) {
    throw new Error('Dossier cannot start: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither.');
  }
  const endpoint = e.DOSSIER_BLOB_S3_ENDPOINT ?? e.AWS_ENDPOINT_URL_S3;
  return {
    kind: 's3', bucket: bucket!, prefix: rest.filter(Boolean).join('/'), region: e.AWS_REGION ?? 'us-east-1',
    forcePathStyle: e.DOSSIER_BLOB_S3_PATH_STYLE === 'on',
    ...(endpoint ? { endpoint } : {}),
    ...(e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY ? { credentials: { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY } } : {}),
  };
}

export interface InboundSmtpConfig {
  host: string;
  port: number;
  domain: string;
  /** Paths of the PEM certificate and key for STARTTLS, or null. */
  tls: { certFile: string; keyFile: string } | null;
  maxBytes: number;
  rate: { perClientPerHour: number; perAddressPerHour: number };
  maxClients: number;
}

/** host:port, [v6]:port. */
function hostPort(value: string): { host: string; port: number } {
  const at = value.lastIndexOf(':');
  const port = Number(value.slice(at + 1));
  if (port > 65535) throw new Error('Dossier cannot start: the configuration is invalid.\n  DOSSIER_SMTP_INBOUND: the port is at most 65535.');
  return { host: value.slice(0, at).replace(/^\[|\]$/g, ''), port };
}

const CALLBACK_PATH = '/v1/oauth/callback';

/** A provider's app, when both halves of its credentials are set; one half alone is a mistake worth stopping for. */
function oauthApp(name: string, id: string | undefined, secret: string | undefined, redirect: string | undefined, baseUrl: string): OAuthAppConfig | undefined {
  if (!id && !secret) return undefined;
  if (!id || !secret) {
    throw new Error(`Dossier cannot start: set both DOSSIER_${name}_CLIENT_ID and DOSSIER_${name}_CLIENT_SECRET, or neither.`);
  }
  return { clientId: id, clientSecret: secret, redirectUrl: redirect ?? new URL(CALLBACK_PATH, baseUrl).toString() };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Dossier cannot start: the configuration is invalid.\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const baseUrl = e.DOSSIER_BASE_URL ?? `http://localhost:${e.PORT}`;
  const onedrive = oauthApp('ONEDRIVE', e.DOSSIER_ONEDRIVE_CLIENT_ID, e.DOSSIER_ONEDRIVE_CLIENT_SECRET, e.DOSSIER_ONEDRIVE_REDIRECT_URL, baseUrl);
  const gdrive = oauthApp('GDRIVE', e.DOSSIER_GDRIVE_CLIENT_ID, e.DOSSIER_GDRIVE_CLIENT_SECRET, e.DOSSIER_GDRIVE_REDIRECT_URL, baseUrl);
  const dropbox = oauthApp('DROPBOX', e.DOSSIER_DROPBOX_CLIENT_ID, e.DOSSIER_DROPBOX_CLIENT_SECRET, e.DOSSIER_DROPBOX_REDIRECT_URL, baseUrl);
  const oauth: OAuthConfig = {
    ...(onedrive && { onedrive: { ...onedrive, tenant: e.DOSSIER_ONEDRIVE_TENANT, appFolder: e.DOSSIER_ONEDRIVE_APP_FOLDER === 'on' } }),
    ...(gdrive && { gdrive }),
    ...(dropbox && { dropbox }),
  };
  const anyReal = Object.keys(oauth).length > 0;
  const loopback = isLoopback(e.HOST);
  const sandboxNote = e.DOSSIER_SANDBOX === 'auto' && !anyReal && !loopback
    ? `The sandbox providers are off because Dossier listens on ${e.HOST}, where anyone who can reach it could use them. Set DOSSIER_SANDBOX=on to offer them anyway.`
    : null;
  return {
    dataDir: resolve(e.DOSSIER_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    host: e.HOST,
    port: e.PORT,
    baseUrl,
    secretKey: e.DOSSIER_SECRET_KEY,
    logLevel: e.LOG_LEVEL,
    transfers: e.DOSSIER_TRANSFERS,
    debounceMs: e.DOSSIER_DEBOUNCE_MS,
    maxUploadBytes: e.DOSSIER_MAX_UPLOAD_BYTES,
    blobGc: {
      graceMs: e.DOSSIER_BLOB_GRACE_SECONDS * 1000,
      incomingMaxAgeMs: e.DOSSIER_INCOMING_MAX_AGE_SECONDS * 1000,
      intervalMs: e.DOSSIER_BLOB_GC_INTERVAL_SECONDS * 1000,
    },
    oauth,
    sandbox: e.DOSSIER_SANDBOX === 'on' || (e.DOSSIER_SANDBOX === 'auto' && !anyReal && loopback),
    sandboxNote,
    mail: { smtpUrl: e.DOSSIER_SMTP_URL ?? null, from: e.DOSSIER_MAIL_FROM },
    inboundSmtp: e.DOSSIER_SMTP_INBOUND && e.DOSSIER_SMTP_DOMAIN ? {
      ...hostPort(e.DOSSIER_SMTP_INBOUND),
      domain: e.DOSSIER_SMTP_DOMAIN,
      tls: e.DOSSIER_SMTP_TLS_CERT && e.DOSSIER_SMTP_TLS_KEY ? { certFile: resolve(e.DOSSIER_SMTP_TLS_CERT), keyFile: resolve(e.DOSSIER_SMTP_TLS_KEY) } : null,
      maxBytes: e.DOSSIER_SMTP_MAX_BYTES,
      rate: { perClientPerHour: e.DOSSIER_SMTP_CLIENT_RATE_PER_HOUR, perAddressPerHour: e.DOSSIER_SMTP_ADDRESS_RATE_PER_HOUR },
      maxClients: e.DOSSIER_SMTP_MAX_CLIENTS,
    } : null,
    invitationTtlMs: e.DOSSIER_INVITATION_TTL_HOURS * 3_600_000,
    trustProxy: e.DOSSIER_TRUST_PROXY,
    timeouts: {
      headersMs: e.DOSSIER_HEADERS_TIMEOUT_MS, requestMs: e.DOSSIER_REQUEST_TIMEOUT_MS, idleMs: e.DOSSIER_IDLE_TIMEOUT_MS, keepAliveMs: e.DOSSIER_KEEP_ALIVE_TIMEOUT_MS,
    },
    localRoots: e.DOSSIER_LOCAL_ROOTS.map((p) => resolve(p)),
    allowHosts: e.DOSSIER_ALLOW_HOSTS,
    blobStore: blobStoreOf(e),
    jobs: { schema: e.DOSSIER_JOBS_SCHEMA, heartbeatSeconds: e.DOSSIER_JOB_HEARTBEAT_SECONDS },
    webhooks: { timeoutMs: e.DOSSIER_WEBHOOK_TIMEOUT_S * 1000, concurrency: e.DOSSIER_WEBHOOK_CONCURRENCY, retryWindowMs: e.DOSSIER_WEBHOOK_RETRY_HOURS * 3_600_000 },
    webhookKeepMs: e.DOSSIER_WEBHOOK_KEEP_DAYS * 86_400_000,
    exportKeepMs: e.DOSSIER_EXPORT_KEEP_DAYS * 86_400_000,
    alerts: { digestHour: e.DOSSIER_ALERT_DIGEST_HOUR },
    extract: {
      workers: e.DOSSIER_EXTRACT_WORKERS, queue: e.DOSSIER_EXTRACT_QUEUE, memoryMb: e.DOSSIER_EXTRACT_MEMORY_MB,
      limits: { timeoutMs: e.DOSSIER_EXTRACT_TIMEOUT_S * 1000, maxPages: e.DOSSIER_EXTRACT_MAX_PAGES, maxInflatedBytes: e.DOSSIER_EXTRACT_MAX_INFLATED_MB * 1024 * 1024 },
    },
  };
}
