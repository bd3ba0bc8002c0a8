import type { Kysely } from 'kysely';

/**
 * A company's VAT identification number (shown on its settings, checked when it is given), and
 * the language a channel's client reads (its invitation and reminders are written in it; null
 * keeps the company's language, as every channel made before this did). And an index for the
 * collection history across every channel of an organization, newest first.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('companies').addColumn('vat_id', 'text').execute();
  await db.schema.alterTable('channels').addColumn('client_language', 'text').execute();
  await db.schema.createIndex('collect_runs_org').on('collect_runs').columns(['org_id', 'queued_at', 'id']).execute();
}
