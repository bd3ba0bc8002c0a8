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
});

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
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Dossier cannot start: the configuration is invalid.\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    dataDir: resolve(e.DOSSIER_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    host: e.HOST,
    port: e.PORT,
    baseUrl: e.DOSSIER_BASE_URL ?? `http://localhost:${e.PORT}`,
    secretKey: e.DOSSIER_SECRET_KEY,
    logLevel: e.LOG_LEVEL,
    transfers: e.DOSSIER_TRANSFERS,
    debounceMs: e.DOSSIER_DEBOUNCE_MS,
    maxUploadBytes: e.DOSSIER_MAX_UPLOAD_BYTES,
  };
}
