import type { Kysely } from 'kysely';

/**
 * Collection by e-mail. `channels.options` holds a channel's choices that only some kinds have
 * (for e-mail: the sender allow-list, what to do with other senders, what to do with processed
 * messages), as JSON. `mail_messages` records every message a channel took in, once, by its
 * Message-ID (or, without one, the SHA-256 of its bytes), and for IMAP by UIDVALIDITY + UID, so
 * a message is never fetched or filed again after a crash or restart. What a message's
 * attachments became stays in the channel ledger (channel_items), keyed by message and content.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('channels').addColumn('options', 'text').execute();
  await db.schema.createTable('mail_messages')
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('message_key', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('uid_validity', 'bigint')
    .addColumn('uid', 'bigint')
    .addColumn('envelope_from', 'text')
    .addColumn('from_address', 'text')
    .addColumn('subject', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('spf', 'text')
    .addColumn('dkim', 'text')
    .addColumn('dmarc', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('documents', 'integer', (c) => c.notNull())
    .addColumn('raw_sha256', 'text')
    .addColumn('run_id', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('mail_messages_pk', ['channel_id', 'message_key'])
    .execute();
  await db.schema.createIndex('mail_messages_uid').on('mail_messages').columns(['channel_id', 'uid_validity', 'uid']).execute();
  await db.schema.createIndex('mail_messages_raw').on('mail_messages').column('raw_sha256').execute();
}
