import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Collection: rights of users, binders, channels with their exactly-once ledger, invitations
 * of clients, runs and their per-file outcomes, and the inbox. An OAuth sign-in may now be
 * started for a channel (purpose collect) by a client who has no account.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const text = 'text';
  const serial = isPostgres(db)
    ? (c: any) => c.generatedAlwaysAsIdentity().primaryKey() : (c: any) => c.autoIncrement().primaryKey();
  await db.schema.alterTable('users').addColumn('rights', text, (c) => c.notNull().defaultTo('[]')).execute();
  await db.schema.alterTable('oauth_states').addColumn('purpose', text, (c) => c.notNull().defaultTo('destination')).execute();
  await db.schema.alterTable('oauth_states').addColumn('invitation_id', text).execute();

  await db.schema.createTable('binders')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('company_id', text, (c) => c.notNull().references('companies.id'))
    .addColumn('name', text, (c) => c.notNull()).addColumn('created_at', text, (c) => c.notNull())
    .addUniqueConstraint('binders_company_name', ['company_id', 'name']).execute();

  await db.schema.createTable('channels')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('company_id', text, (c) => c.notNull().references('companies.id'))
    .addColumn('name', text, (c) => c.notNull()).addColumn('kind', text, (c) => c.notNull())
    .addColumn('connection_id', text).addColumn('folder', text)
    .addColumn('recipient_id', text, (c) => c.notNull().references('users.id'))
    .addColumn('binder_id', text, (c) => c.notNull().references('binders.id'))
    .addColumn('collect_at', text, (c) => c.notNull()).addColumn('move_collected', 'integer', (c) => c.notNull())
    .addColumn('client_email', text).addColumn('client_name', text)
    .addColumn('state', text, (c) => c.notNull()).addColumn('state_reason', text)
    .addColumn('cursor', text).addColumn('lease_owner', text).addColumn('lease_until', text)
    .addColumn('last_run_id', text).addColumn('created_by', text)
    .addColumn('created_at', text, (c) => c.notNull()).addColumn('updated_at', text, (c) => c.notNull()).execute();
  await db.schema.createIndex('channels_company').on('channels').columns(['org_id', 'company_id']).execute();

  // The exactly-once ledger: one row per (channel, remote item). `item_key` is the provider's
  // stable id where it has one, else the path. A row is claimed (owner + expiry) before its
  // file is fetched; it turns collected in the same transaction that files the document.
  await db.schema.createTable('channel_items')
    .addColumn('channel_id', text, (c) => c.notNull().references('channels.id'))
    .addColumn('item_key', text, (c) => c.notNull()).addColumn('org_id', text, (c) => c.notNull())
    .addColumn('path', text, (c) => c.notNull()).addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', text).addColumn('remote_hash', text)
    .addColumn('state', text, (c) => c.notNull()).addColumn('sha256', text)
    .addColumn('inbox_item_id', text).addColumn('claim_owner', text).addColumn('claim_until', text)
    .addColumn('attempts', 'integer', (c) => c.notNull()).addColumn('error', text)
    .addColumn('collected_at', text).addColumn('updated_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_items_pk', ['channel_id', 'item_key']).execute();
  await db.schema.createIndex('channel_items_state').on('channel_items').columns(['channel_id', 'state']).execute();
  await db.schema.createIndex('channel_items_sha').on('channel_items').columns(['channel_id', 'sha256']).execute();

  await db.schema.createTable('channel_invitations')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('channel_id', text, (c) => c.notNull().references('channels.id'))
    .addColumn('token_hash', text, (c) => c.notNull().unique()).addColumn('email', text, (c) => c.notNull())
    .addColumn('purpose', text, (c) => c.notNull()).addColumn('connection_id', text)
    .addColumn('expires_at', text, (c) => c.notNull()).addColumn('connected_at', text).addColumn('used_at', text)
    .addColumn('revoked_at', text).addColumn('created_by', text).addColumn('created_at', text, (c) => c.notNull()).execute();
  await db.schema.createIndex('channel_invitations_channel').on('channel_invitations').columns(['channel_id', 'created_at']).execute();

  await db.schema.createTable('collect_runs')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull())
    .addColumn('channel_id', text, (c) => c.notNull().references('channels.id'))
    .addColumn('trigger', text, (c) => c.notNull()).addColumn('started_by', text)
    .addColumn('status', text, (c) => c.notNull()).addColumn('queued_at', text, (c) => c.notNull())
    .addColumn('started_at', text).addColumn('finished_at', text)
    .addColumn('found', 'integer', (c) => c.notNull()).addColumn('collected', 'integer', (c) => c.notNull())
    .addColumn('skipped', 'integer', (c) => c.notNull()).addColumn('duplicates', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull()).addColumn('error', text).execute();
  await db.schema.createIndex('collect_runs_channel').on('collect_runs').columns(['channel_id', 'queued_at']).execute();
  await db.schema.createTable('collect_run_items')
    .addColumn('id', 'integer', serial).addColumn('run_id', text, (c) => c.notNull().references('collect_runs.id'))
    .addColumn('item_key', text, (c) => c.notNull()).addColumn('path', text, (c) => c.notNull())
    .addColumn('outcome', text, (c) => c.notNull()).addColumn('inbox_item_id', text).addColumn('error', text)
    .addColumn('at', text, (c) => c.notNull()).execute();
  await db.schema.createIndex('collect_run_items_run').on('collect_run_items').columns(['run_id', 'id']).execute();

  // One inbox item per distinct content per company: the unique index is what keeps the same
  // bytes, arriving through two files or two channels at once, from being filed twice.
  await db.schema.createTable('inbox_items')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('company_id', text, (c) => c.notNull().references('companies.id'))
    .addColumn('binder_id', text, (c) => c.notNull().references('binders.id'))
    .addColumn('recipient_id', text, (c) => c.notNull().references('users.id'))
    .addColumn('channel_id', text).addColumn('document_id', text, (c) => c.notNull().references('documents.id'))
    .addColumn('sha256', text, (c) => c.notNull()).addColumn('filename', text, (c) => c.notNull())
    .addColumn('source_path', text).addColumn('status', text, (c) => c.notNull())
    .addColumn('fields', text, (c) => c.notNull()).addColumn('extraction', text, (c) => c.notNull())
    .addColumn('dedupe_key', text).addColumn('likely_duplicate_of', text).addColumn('previous_id', text)
    .addColumn('duplicates_seen', 'integer', (c) => c.notNull())
    .addColumn('reviewed_by', text).addColumn('reviewed_at', text)
    .addColumn('created_at', text, (c) => c.notNull()).addColumn('updated_at', text, (c) => c.notNull())
    .addUniqueConstraint('inbox_items_content', ['company_id', 'sha256']).execute();
  await db.schema.createIndex('inbox_items_list').on('inbox_items').columns(['org_id', 'company_id', 'status', 'id']).execute();
  await db.schema.createIndex('inbox_items_dedupe').on('inbox_items').columns(['company_id', 'dedupe_key']).execute();
}
