import type { Kysely } from 'kysely';

/**
 * Every try a client makes at giving a server on an invitation's page: counted per link and per
 * client address (kept as a hash), so the page cannot be used to probe servers without end, from
 * however many processes answer it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('invitation_tries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('invitation_id', 'text', (c) => c.notNull())
    .addColumn('client_hash', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invitation_tries_invitation').on('invitation_tries').column('invitation_id').execute();
  await db.schema.createIndex('invitation_tries_client').on('invitation_tries').columns(['client_hash', 'at']).execute();
}
