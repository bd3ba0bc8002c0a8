import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import pg from 'pg';
import type { Database } from './schema.js';
import { withUnitsOfWork } from './unit-of-work.js';
import * as initial from './migrations/001-initial.js';
import * as oauth from './migrations/002-oauth.js';
import * as collect from './migrations/003-collect.js';
import * as sessions from './migrations/004-sessions.js';
import * as userInvitations from './migrations/005-user-invitations.js';
import * as blobReferences from './migrations/006-blob-references.js';
import * as idempotencyKeys from './migrations/007-idempotency-keys.js';
import * as signInAttempts from './migrations/008-sign-in-attempts.js';
import * as invitationTries from './migrations/009-invitation-tries.js';
import * as rights from './migrations/010-rights.js';
import * as namesLanguages from './migrations/018-names-languages.js';
import * as mail from './migrations/011-mail.js';
import * as channelAddresses from './migrations/012-channel-addresses.js';
import * as webhooksAlerts from './migrations/013-webhooks-alerts.js';
import * as auditLog from './migrations/014-audit-log.js';
import * as retention from './migrations/015-retention.js';
import * as documentTexts from './migrations/017-document-texts.js';
import * as webhookClaims from './migrations/019-webhook-claims.js';
import * as exportsIncidents from './migrations/022-exports-incidents.js';
import * as smtpRates from './migrations/024-smtp-rates.js';
import * as deliveryNameFolds from './migrations/025-delivery-name-folds.js';
import * as objectLockSync from './migrations/027-object-lock-sync.js';

export type Db = Kysely<Database>;

/** The file of each SQLite database opened here, for readers that need a connection of their own. */
const sqliteFiles = new WeakMap<Db, string>();

/**
 * A second, read-only connection to the SQLite file behind `db` (undefined on PostgreSQL): WAL
 * lets it read a snapshot in its own transaction while the main connection goes on writing,
 * and a long read on it (the audit verifier's) never holds the main connection busy.
 */
export function openSqliteReader(db: Db): SQLite.Database | undefined {
  const file = sqliteFiles.get(db);
  return file ? new SQLite(file, { readonly: true, fileMustExist: true }) : undefined;
}

// int8 columns (sizes, sequence numbers) come back as strings by default; they fit a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-oauth': oauth,
  '003-collect': collect,
  '004-sessions': sessions,
  '005-user-invitations': userInvitations,
  '006-blob-references': blobReferences,
  '007-idempotency-keys': idempotencyKeys,
  '008-sign-in-attempts': signInAttempts,
  '009-invitation-tries': invitationTries,
  '010-rights': rights,
  '018-names-languages': namesLanguages,
  '011-mail': mail,
  '012-channel-addresses': channelAddresses,
  '013-webhooks-alerts': webhooksAlerts,
  '014-audit-log': auditLog,
  '015-retention': retention,
  '017-document-texts': documentTexts,
  '019-webhook-claims': webhookClaims,
  '022-exports-incidents': exportsIncidents,
  '024-smtp-rates': smtpRates,
  '025-delivery-name-folds': deliveryNameFolds,
  '027-object-lock-sync': objectLockSync,
};

export interface DatabaseOptions {
  /** postgres://... to use PostgreSQL; otherwise SQLite at sqlitePath. */
  url?: string;
  sqlitePath: string;
  /**
   * Told when PostgreSQL drops an idle pooled connection (a server restart, an administrator's
   * pg_terminate_backend). The pool replaces the connection on its next use; without a listener
   * the pool's 'error' event would end the whole process.
   */
  onConnectionLost?: (err: Error) => void;
}

export function openDatabase(opts: DatabaseOptions): Db {
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: 10 });
    pool.on('error', (err) => opts.onConnectionLost?.(err));
    return new Kysely<Database>({ dialect: withUnitsOfWork(new PostgresDialect({ pool }), { singleConnection: false, begin: 'begin' }) });
  }
  // The database is for Dossier's user only; SQLite gives its -wal and -shm files the same mode.
  mkdirSync(dirname(opts.sqlitePath), { recursive: true, mode: 0o700 });
  closeSync(openSync(opts.sqlitePath, 'a', 0o600));
  const sqlite = new SQLite(opts.sqlitePath);
  // WAL lets readers (the API) run beside the writer (a sync). With WAL, synchronous=NORMAL never
  // loses a committed transaction when the process dies (only a power cut can drop the last few),
  // and busy_timeout lets a second process (the CLI) wait its turn instead of failing.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  // A unit of work takes the write lock as it begins (immediate), never on a later statement: a
  // deferred transaction that read first fails at once if the CLI wrote meanwhile.
  const db = new Kysely<Database>({ dialect: withUnitsOfWork(new SqliteDialect({ database: withStatementCache(sqlite) }), { singleConnection: true, begin: 'begin immediate' }) });
  sqliteFiles.set(db, opts.sqlitePath);
  return db;
}

const STATEMENT_CACHE = 256;

/**
 * Kysely prepares every query afresh; compiling the SQL again costs more than running it for
 * the small statements a batch of collected files makes by the thousand. Statements are kept
 * by their text (most recently used last) and reused unless one is still being iterated.
 */
function withStatementCache(sqlite: SQLite.Database): { close(): void; prepare(sql: string): SQLite.Statement } {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => { cache.clear(); sqlite.close(); },
    prepare: (text) => {
      const hit = cache.get(text);
      if (hit && !hit.busy) {
        cache.delete(text);
        cache.set(text, hit);
        return hit;
      }
      const stmt = sqlite.prepare(text);
      if (!hit) {
        cache.set(text, stmt);
        if (cache.size > STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
      }
      return stmt;
    },
  };
}

export async function migrate(db: Db): Promise<void> {
  // Migrations of parallel work may land in any order (004 before 003): none depends on another's tables.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed: ${(error as Error).message ?? error}`, { cause: error });
  }
}

export const now = () => new Date().toISOString();

/** A row refused because its key or a unique index is taken, in PostgreSQL or SQLite: someone else got there first. */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
    || /UNIQUE constraint failed/.test(err?.message ?? '');
}
