import type { Kysely } from 'kysely';

/**
 * Sign-in attempts per key (an account and client address, or a client address alone), counted
 * in the database so that concurrent requests and several server processes share one count.
 * The key is a SHA-256: guessed addresses and client IPs are not kept in the clear.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('sign_in_attempts')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    // Milliseconds since the epoch: compared with the current time in the one upsert statement.
    .addColumn('reset_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_attempts_reset').on('sign_in_attempts').column('reset_at').execute();
}
