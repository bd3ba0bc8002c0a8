import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The only reader of process.env. Parsed once at start-up; a bad value stops the process with
 * a message naming the variable, instead of failing later in the middle of a backup.
 */
const schema = z.object({
  DOSSIER_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  HOST: z.string().default('0.0.0.0'),
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
   * credentials are configured, so a real installation never offers them by accident.
   */
  DOSSIER_SANDBOX: z.enum(['auto', 'on', 'off']).default('auto'),
  /** smtp://user:password@host:587 (or smtps://...:465). Without it, mail goes to an outbox folder in the data folder. */
  DOSSIER_SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'Give an smtp:// or smtps:// URL, such as smtp://dossier:secret@mail.example.com:587.').optional(),
  DOSSIER_MAIL_FROM: z.string().trim().min(3).default('Dossier <dossier@localhost>'),
  /** How long a client's invitation link stays valid, in hours. */
  DOSSIER_INVITATION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(72),
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
});

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
  oauth: OAuthConfig;
  /** Offer the sandbox providers (emulators mounted under /sandbox/). */
  sandbox: boolean;
  /** SMTP, or null: mails are written to an outbox folder. */
  mail: { smtpUrl: string | null; from: string };
  invitationTtlMs: number;
  /** Reading documents: threads, waiting line, memory and per-document limits. */
  extract: {
    workers: number | undefined;
    queue: number;
    memoryMb: number;
    limits: { timeoutMs: number; maxPages: number; maxInflatedBytes: number };
  };
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
    oauth,
    sandbox: e.DOSSIER_SANDBOX === 'on' || (e.DOSSIER_SANDBOX === 'auto' && !anyReal),
    mail: { smtpUrl: e.DOSSIER_SMTP_URL ?? null, from: e.DOSSIER_MAIL_FROM },
    invitationTtlMs: e.DOSSIER_INVITATION_TTL_HOURS * 3_600_000,
    extract: {
      workers: e.DOSSIER_EXTRACT_WORKERS, queue: e.DOSSIER_EXTRACT_QUEUE, memoryMb: e.DOSSIER_EXTRACT_MEMORY_MB,
      limits: { timeoutMs: e.DOSSIER_EXTRACT_TIMEOUT_S * 1000, maxPages: e.DOSSIER_EXTRACT_MAX_PAGES, maxInflatedBytes: e.DOSSIER_EXTRACT_MAX_INFLATED_MB * 1024 * 1024 },
    },
  };
}
