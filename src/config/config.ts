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
});

/** A host name, an IPv4/IPv6 address, or an address with a /prefix. */
function isHostOrRange(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  if (extra !== undefined) return false;
  if (prefix !== undefined) {
    const family = isIP(address!);
    return family !== 0 && /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
  }
  return isIP(address!) !== 0 || /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(address!);
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
  oauth: OAuthConfig;
  /** Offer the sandbox providers (emulators mounted under /sandbox/). */
  sandbox: boolean;
  /** SMTP, or null: mails are written to an outbox folder. */
  mail: { smtpUrl: string | null; from: string };
  invitationTtlMs: number;
  /** Real folders local destinations and channels may use; empty: the local kinds are off. */
  localRoots: string[];
  /** Loopback and private hosts (names, addresses, CIDR ranges) users' servers may be on. */
  allowHosts: string[];
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
    localRoots: e.DOSSIER_LOCAL_ROOTS.map((p) => resolve(p)),
    allowHosts: e.DOSSIER_ALLOW_HOSTS,
  };
}
