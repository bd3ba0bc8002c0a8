import type { Kysely } from 'kysely';

/**
 * Garbage collection asks, a batch of hashes at a time, which blobs the catalog still refers to
 * (src/catalog/blob-references.ts): an index on each referring column keeps that a lookup per hash.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('document_versions_sha256').on('document_versions').column('sha256').execute();
  await db.schema.createIndex('inbox_items_sha256').on('inbox_items').column('sha256').execute();
}
