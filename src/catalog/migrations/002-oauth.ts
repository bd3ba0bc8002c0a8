import type { Kysely } from 'kysely';

/**
 * OAuth connections: a connection now has a state (ready, needs_reconnect, disconnected), a
 * version of its sealed secrets for compare-and-swap token updates, and when its tokens were
 * last refreshed. A destination may carry its own settings (the chosen folder) on top of a
 * shared connection's. Pending authorizations live server-side in oauth_states.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('connections').addColumn('state', 'text', (c) => c.notNull().defaultTo('ready')).execute();
  await db.schema.alterTable('connections').addColumn('state_reason', 'text').execute();
  await db.schema.alterTable('connections').addColumn('secrets_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('connections').addColumn('refreshed_at', 'text').execute();
  await db.schema.alterTable('connections').addColumn('created_by', 'text').execute();
  await db.schema.alterTable('destinations').addColumn('settings', 'text').execute();
  await db.schema.createTable('oauth_states')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text')
    .addColumn('verifier', 'text', (c) => c.notNull())
    .addColumn('browser_hash', 'text')
    .addColumn('return_to', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oauth_states_expiry').on('oauth_states').column('expires_at').execute();
}
