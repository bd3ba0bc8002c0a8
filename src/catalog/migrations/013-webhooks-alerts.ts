import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Signed webhooks and e-mail alerts.
 *
 * - webhook_endpoints: where an organization wants events, which types, and its signing
 *   secrets (sealed; two during a rotation).
 * - webhook_messages: the durable outbox, one row per (event, endpoint). `seq` orders the rows
 *   of one object (`order_key`, a document or destination): a row is sent only when no older row
 *   of the same endpoint and object is still waiting. Claimed with a lease, so several worker
 *   processes share the work and one killed mid-send gives its rows back.
 * - webhook_attempts: every try, with the receiver's answer, for the delivery log and replays.
 * - users.language, alert_preferences and alert_incidents: who gets which alert mail, in which
 *   language, and one mail per incident (open until the thing recovers), not per retry.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const text = 'text';
  const serial = isPostgres(db)
    ? (c: any) => c.generatedAlwaysAsIdentity().primaryKey() : (c: any) => c.autoIncrement().primaryKey();
  await db.schema.createTable('webhook_endpoints')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('url', text, (c) => c.notNull()).addColumn('description', text, (c) => c.notNull())
    .addColumn('event_types', text, (c) => c.notNull()).addColumn('secrets', text, (c) => c.notNull())
    .addColumn('state', text, (c) => c.notNull()).addColumn('state_reason', text)
    .addColumn('created_at', text, (c) => c.notNull()).addColumn('updated_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_endpoints_org').on('webhook_endpoints').column('org_id').execute();
  await db.schema.createTable('webhook_messages')
    .addColumn('seq', 'integer', serial)
    .addColumn('id', text, (c) => c.notNull()).addColumn('org_id', text, (c) => c.notNull())
    .addColumn('endpoint_id', text, (c) => c.notNull().references('webhook_endpoints.id'))
    .addColumn('event_type', text, (c) => c.notNull()).addColumn('order_key', text, (c) => c.notNull())
    .addColumn('payload', text, (c) => c.notNull()).addColumn('state', text, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull()).addColumn('next_attempt_at', text, (c) => c.notNull())
    .addColumn('lease_owner', text).addColumn('lease_until', text)
    .addColumn('created_at', text, (c) => c.notNull()).addColumn('finished_at', text).addColumn('last_error', text)
    .execute();
  await db.schema.createIndex('webhook_messages_due').on('webhook_messages').columns(['state', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_messages_order').on('webhook_messages').columns(['endpoint_id', 'order_key', 'state', 'seq']).execute();
  await db.schema.createIndex('webhook_messages_id').on('webhook_messages').columns(['org_id', 'id']).execute();
  await db.schema.createTable('webhook_attempts')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull())
    .addColumn('message_seq', 'integer', (c) => c.notNull()).addColumn('endpoint_id', text, (c) => c.notNull())
    .addColumn('at', text, (c) => c.notNull()).addColumn('status_code', 'integer').addColumn('response_body', text)
    .addColumn('duration_ms', 'integer', (c) => c.notNull()).addColumn('error', text)
    .execute();
  await db.schema.createIndex('webhook_attempts_message').on('webhook_attempts').columns(['message_seq', 'at']).execute();
  await db.schema.alterTable('users').addColumn('language', text).execute();
  await db.schema.createTable('alert_preferences')
    .addColumn('user_id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull())
    .addColumn('kinds', text, (c) => c.notNull()).addColumn('updated_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createTable('alert_incidents')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull())
    .addColumn('kind', text, (c) => c.notNull()).addColumn('subject_id', text, (c) => c.notNull())
    .addColumn('opened_at', text, (c) => c.notNull()).addColumn('closed_at', text).addColumn('reason', text)
    .execute();
  await db.schema.createIndex('alert_incidents_open').on('alert_incidents').columns(['org_id', 'subject_id', 'closed_at']).execute();
}

