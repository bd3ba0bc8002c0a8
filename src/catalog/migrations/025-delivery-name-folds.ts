import type { Kysely } from 'kysely';
import { foldName } from '../../domain/names.js';

/**
 * The names a destination holds, found by name instead of loaded whole: each delivery keeps its
 * remote and intended paths folded to lower case (foldName), indexed per destination. A pass
 * asks only for the names its page of documents would take (catalog/deliveries.ts namesTaken),
 * so its memory no longer grows with the number of documents at the destination. Lower case
 * finds every name a case-insensitive destination counts as the same; for a case-sensitive
 * one the caller keeps only exact matches.
 *
 * Existing rows are filled here, a page at a time (the fold is JavaScript's, as in the passes).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('remote_fold', 'text').execute();
  await db.schema.alterTable('deliveries').addColumn('intent_fold', 'text').execute();
  await fillNameFolds(db);
  await db.schema.createIndex('deliveries_remote_fold').on('deliveries').columns(['destination_id', 'remote_fold']).execute();
  await db.schema.createIndex('deliveries_intent_fold').on('deliveries').columns(['destination_id', 'intent_fold']).execute();
}

/** Writes the folds of every delivery that has a path, in key order a page at a time. */
export async function fillNameFolds(db: Kysely<any>): Promise<void> {
  let after = { destination: '', document: '' };
  for (;;) {
    const rows: Array<{ destination_id: string; document_id: string; remote_path: string | null; intent_path: string | null }> = await db.selectFrom('deliveries')
      .select(['destination_id', 'document_id', 'remote_path', 'intent_path'])
      .where((eb) => eb.or([eb('destination_id', '>', after.destination), eb.and([eb('destination_id', '=', after.destination), eb('document_id', '>', after.document)])]))
      .orderBy('destination_id').orderBy('document_id').limit(1000).execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      if (!r.remote_path && !r.intent_path) continue;
      await db.updateTable('deliveries').set({ remote_fold: r.remote_path ? foldName(r.remote_path) : null, intent_fold: r.intent_path ? foldName(r.intent_path) : null })
        .where('destination_id', '=', r.destination_id).where('document_id', '=', r.document_id).execute();
    }
    const last = rows.at(-1)!;
    after = { destination: last.destination_id, document: last.document_id };
  }
}
