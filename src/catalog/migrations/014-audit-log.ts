import type { Kysely } from 'kysely';

/**
 * The audit log: per organization one hash chain of entries (seq 1, 2, 3, ... with no gap) and
 * one head row that says where the chain ends. Appending updates the head row first, so two
 * writers of one organization take turns on that row (PostgreSQL's row lock, SQLite's write
 * lock) and the primary key (org_id, seq) refuses a second entry with the same number: the
 * chain cannot fork. Details are canonical JSON text, hashed as stored (docs/audit.md).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('audit_heads')
    .addColumn('org_id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createTable('audit_entries')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('object_type', 'text')
    .addColumn('object_id', 'text')
    .addColumn('company_id', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_entries_pk', ['org_id', 'seq'])
    .execute();
  await db.schema.createIndex('audit_entries_type').on('audit_entries').columns(['org_id', 'type', 'seq']).execute();
  await db.schema.createIndex('audit_entries_object').on('audit_entries').columns(['org_id', 'object_id']).execute();
  await db.schema.createIndex('audit_entries_actor').on('audit_entries').columns(['org_id', 'actor_id']).execute();
  await db.schema.createIndex('audit_entries_at').on('audit_entries').columns(['org_id', 'at']).execute();
}
