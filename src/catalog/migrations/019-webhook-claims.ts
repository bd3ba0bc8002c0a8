import type { Kysely } from 'kysely';

/**
 * The outbox is claimed one endpoint at a time, oldest first: this index answers "the waiting
 * messages of this endpoint in seq order", so a claim reads only as far as the messages it
 * takes. Before it, a claim read every due message of every endpoint and sorted them, so a slow
 * receiver's backlog of thousands was read again on each claim and held everyone back.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('webhook_messages_endpoint').on('webhook_messages').columns(['endpoint_id', 'state', 'seq']).execute();
}
