import type { Kysely } from 'kysely';

/**
 * The address of each channel that receives mail through Dossier's own SMTP server: the mailbox
 * (the part before @; the domain is the operator's setting). A mailbox is never given to another
 * channel, even after its channel is removed: mail still sent to it is refused, never filed for
 * someone else.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('channel_addresses')
    .addColumn('mailbox', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
