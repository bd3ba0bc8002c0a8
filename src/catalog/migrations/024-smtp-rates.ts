import type { Kysely } from 'kysely';

/**
 * smtp_rates: the inbound SMTP listener's hourly counts (per remote address, per receiving
 * address), in the database so that every listener process counts against the same limit. One
 * row per scope, key and window; the window start is aligned to the clock, so processes agree on
 * it without talking to each other.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('smtp_rates')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('smtp_rates_pk', ['scope', 'key', 'window_start'])
    .execute();
  await db.schema.createIndex('smtp_rates_window').on('smtp_rates').column('window_start').execute();
}
