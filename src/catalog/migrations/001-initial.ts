import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/** The first schema. Migrations are append-only: a change is a new file, never an edit. */
export async function up(db: Kysely<any>): Promise<void> {
  const text = 'text';
  await db.schema.createTable('organizations')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('name', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull()).execute();
  await db.schema.createTable('users')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('email', text, (c) => c.notNull()).addColumn('name', text, (c) => c.notNull())
    .addColumn('role', text, (c) => c.notNull()).addColumn('created_at', text, (c) => c.notNull())
    .addUniqueConstraint('users_org_email', ['org_id', 'email']).execute();
  await db.schema.createTable('api_keys')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('user_id', text, (c) => c.notNull().references('users.id')).addColumn('name', text, (c) => c.notNull())
    .addColumn('prefix', text, (c) => c.notNull().unique()).addColumn('hash', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull()).addColumn('last_used_at', text).addColumn('revoked_at', text).execute();
  await db.schema.createTable('companies')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('name', text, (c) => c.notNull()).addColumn('language', text, (c) => c.notNull())
    .addColumn('time_zone', text, (c) => c.notNull()).addColumn('created_at', text, (c) => c.notNull()).execute();
  await db.schema.createTable('documents')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('company_id', text, (c) => c.notNull().references('companies.id'))
    .addColumn('type', text, (c) => c.notNull()).addColumn('number', text).addColumn('date', text, (c) => c.notNull())
    .addColumn('counterparty', text).addColumn('amount', text).addColumn('currency', text).addColumn('business_account', text)
    .addColumn('current_version_id', text, (c) => c.notNull()).addColumn('version_count', 'integer', (c) => c.notNull())
    .addColumn('change_seq', 'bigint', (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull()).addColumn('updated_at', text, (c) => c.notNull()).execute();
  await db.schema.createIndex('documents_company_seq').on('documents').columns(['company_id', 'change_seq']).execute();
  await db.schema.createTable('document_versions')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull())
    .addColumn('document_id', text, (c) => c.notNull().references('documents.id'))
    .addColumn('version', 'integer', (c) => c.notNull()).addColumn('sha256', text, (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull()).addColumn('filename', text, (c) => c.notNull())
    .addColumn('mime', text, (c) => c.notNull()).addColumn('created_at', text, (c) => c.notNull())
    .addUniqueConstraint('versions_doc_version', ['document_id', 'version']).execute();
  await db.schema.createTable('connections')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('kind', text, (c) => c.notNull()).addColumn('label', text, (c) => c.notNull())
    .addColumn('settings', text, (c) => c.notNull()).addColumn('secrets', text)
    .addColumn('created_at', text, (c) => c.notNull()).addColumn('updated_at', text, (c) => c.notNull()).execute();
  await db.schema.createTable('destinations')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('company_id', text, (c) => c.notNull().references('companies.id'))
    .addColumn('name', text, (c) => c.notNull()).addColumn('kind', text, (c) => c.notNull())
    .addColumn('connection_id', text, (c) => c.notNull().references('connections.id'))
    .addColumn('layout', text, (c) => c.notNull()).addColumn('start_date', text)
    .addColumn('schedule', text, (c) => c.notNull()).addColumn('restore_deleted', 'integer', (c) => c.notNull())
    .addColumn('respect_folder_deletions', 'integer', (c) => c.notNull())
    .addColumn('state', text, (c) => c.notNull()).addColumn('state_reason', text)
    .addColumn('cursor_seq', 'bigint', (c) => c.notNull()).addColumn('lease_owner', text).addColumn('lease_until', text)
    .addColumn('last_run_id', text)
    .addColumn('created_at', text, (c) => c.notNull()).addColumn('updated_at', text, (c) => c.notNull()).execute();
  await db.schema.createTable('deliveries')
    .addColumn('destination_id', text, (c) => c.notNull().references('destinations.id'))
    .addColumn('document_id', text, (c) => c.notNull().references('documents.id'))
    .addColumn('org_id', text, (c) => c.notNull())
    .addColumn('version_id', text).addColumn('remote_path', text).addColumn('intent_path', text).addColumn('remote_id', text)
    .addColumn('sha256', text).addColumn('size', 'bigint').addColumn('state', text, (c) => c.notNull())
    .addColumn('error', text).addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('synced_at', text).addColumn('updated_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('deliveries_pk', ['destination_id', 'document_id']).execute();
  await db.schema.createIndex('deliveries_state').on('deliveries').columns(['destination_id', 'state']).execute();
  await db.schema.createTable('runs')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull())
    .addColumn('destination_id', text, (c) => c.notNull().references('destinations.id'))
    .addColumn('trigger', text, (c) => c.notNull()).addColumn('status', text, (c) => c.notNull())
    .addColumn('started_at', text, (c) => c.notNull()).addColumn('finished_at', text)
    .addColumn('planned', 'integer', (c) => c.notNull()).addColumn('uploaded', 'integer', (c) => c.notNull())
    .addColumn('moved', 'integer', (c) => c.notNull()).addColumn('restored', 'integer', (c) => c.notNull())
    .addColumn('removed', 'integer', (c) => c.notNull()).addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull()).addColumn('error', text).execute();
  await db.schema.createIndex('runs_destination').on('runs').columns(['destination_id', 'started_at']).execute();
  const serial = isPostgres(db)
    ? (c: any) => c.generatedAlwaysAsIdentity().primaryKey() : (c: any) => c.autoIncrement().primaryKey();
  await db.schema.createTable('run_items')
    .addColumn('id', 'integer', serial).addColumn('run_id', text, (c) => c.notNull().references('runs.id'))
    .addColumn('document_id', text).addColumn('action', text, (c) => c.notNull()).addColumn('outcome', text, (c) => c.notNull())
    .addColumn('remote_path', text).addColumn('bytes', 'bigint', (c) => c.notNull()).addColumn('error', text)
    .addColumn('at', text, (c) => c.notNull()).execute();
  await db.schema.createIndex('run_items_run').on('run_items').columns(['run_id', 'id']).execute();
  await db.schema.createTable('counters')
    .addColumn('name', text, (c) => c.primaryKey()).addColumn('value', 'bigint', (c) => c.notNull()).execute();
  await db.insertInto('counters').values({ name: 'document_change', value: 0 }).execute();
  void sql;
}
