import type { Kysely } from 'kysely';

/**
 * Retention: per company how many years its documents are kept (a country's preset or a
 * number), and a legal hold that keeps them past it; a hold per document too. A company
 * without a row keeps its documents for the longest preset (10 years).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('retention_policies')
    .addColumn('company_id', 'text', (c) => c.primaryKey().references('companies.id'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('preset', 'text')
    .addColumn('years', 'integer', (c) => c.notNull())
    .addColumn('legal_hold', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hold_reason', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('documents').addColumn('legal_hold', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
