import type { Kysely, Transaction } from 'kysely';

/**
 * Whether a handle talks to PostgreSQL rather than SQLite, for the few statements that differ
 * (serial keys, full-text search, advisory locks). Its own module, so migrations can use it
 * without importing the catalog that lists them.
 */
export const isPostgres = (db: Kysely<any> | Transaction<any>): boolean => db.getExecutor().adapter.constructor.name.includes('Postgres');
