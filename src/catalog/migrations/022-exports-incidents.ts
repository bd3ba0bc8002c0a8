import { sql, type Kysely } from 'kysely';

/**
 * - exports: an export ZIP made as a job (POST /v1/exports): its period, progress, and, once
 *   made, the blob holding it (content-addressed like every stored file) until it expires; the
 *   storage clean-up keeps the blob while the row refers to it (catalog/blob-references.ts).
 * - alert_incidents: at most one open incident per organization and subject, enforced by the
 *   database, so two processes opening the same incident at once make one row and one mail.
 *   Duplicates an earlier race left open are closed first (the oldest stays open).
 * - webhook_messages: an index for pruning finished messages by age.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const text = 'text';
  await db.schema.createTable('exports')
    .addColumn('id', text, (c) => c.primaryKey()).addColumn('org_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('company_id', text, (c) => c.notNull()).addColumn('from_day', text, (c) => c.notNull()).addColumn('to_day', text, (c) => c.notNull())
    .addColumn('state', text, (c) => c.notNull()).addColumn('done', 'integer', (c) => c.notNull()).addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('sha256', text).addColumn('size', 'bigint').addColumn('summary', text).addColumn('error', text)
    .addColumn('created_by', text).addColumn('created_at', text, (c) => c.notNull()).addColumn('finished_at', text)
    .addColumn('expires_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('exports_org').on('exports').columns(['org_id', 'created_at']).execute();
  await db.schema.createIndex('exports_sha256').on('exports').column('sha256').execute();
  await db.schema.createIndex('exports_expires').on('exports').column('expires_at').execute();

  await sql`update alert_incidents set closed_at = opened_at where closed_at is null and exists (
    select 1 from alert_incidents o where o.org_id = alert_incidents.org_id and o.subject_id = alert_incidents.subject_id
      and o.closed_at is null and (o.opened_at < alert_incidents.opened_at or (o.opened_at = alert_incidents.opened_at and o.id < alert_incidents.id)))`.execute(db);
  await db.schema.createIndex('alert_incidents_one_open').unique().on('alert_incidents').columns(['org_id', 'subject_id'])
    .where(sql.ref('closed_at'), 'is', null).execute();

  await db.schema.createIndex('webhook_messages_finished').on('webhook_messages').columns(['state', 'finished_at']).execute();
}
