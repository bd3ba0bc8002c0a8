import { sql, type Kysely, type RawBuilder } from 'kysely';
import { foldName } from '../../domain/names.js';
import { isPostgres } from '../dialect.js';

/**
 * The names a destination holds, found by name instead of loaded whole: each delivery keeps its
 * remote and intended paths folded to lower case (foldName), indexed per destination. A pass
 * asks only for the names its page of documents would take (catalog/deliveries.ts namesTaken),
 * so its memory no longer grows with the number of documents at the destination. Lower case
 * finds every name a case-insensitive destination counts as the same; for a case-sensitive
 * one the caller keeps only exact matches.
 *
 * Existing rows are filled here (fillNameFolds): the fold is JavaScript's, as in the passes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('remote_fold', 'text').execute();
  await db.schema.alterTable('deliveries').addColumn('intent_fold', 'text').execute();
  await fillNameFolds(db);
  await db.schema.createIndex('deliveries_remote_fold').on('deliveries').columns(['destination_id', 'remote_fold']).execute();
  await db.schema.createIndex('deliveries_intent_fold').on('deliveries').columns(['destination_id', 'intent_fold']).execute();
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Writes the folds of every delivery that has a path. A path of ASCII characters only (nearly
 * all of them) is folded by the database in one statement: on ASCII, JavaScript's toLowerCase
 * changes A-Z to a-z and nothing else, which is what PostgreSQL's translate() is told to do
 * (lower() there follows the locale) and what SQLite's built-in lower() does. Paths with other
 * characters are folded here, a page at a time, so every fold is foldName's, as the passes write it.
 */
export async function fillNameFolds(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const ascii = (col: string): RawBuilder<boolean> => pg
    ? sql`octet_length(${sql.ref(col)}) = char_length(${sql.ref(col)})`
    : sql`length(CAST(${sql.ref(col)} AS BLOB)) = length(${sql.ref(col)})`;
  const fold = (col: string): RawBuilder<string> => pg ? sql`translate(${sql.ref(col)}, ${UPPER}, ${UPPER.toLowerCase()})` : sql`lower(${sql.ref(col)})`;
  // A path that is missing or empty has no fold, as before.
  const hasPath = (col: string) => sql<boolean>`(${sql.ref(col)} IS NOT NULL AND ${sql.ref(col)} <> '')`;
  const asciiOrNone = (col: string) => sql<boolean>`(NOT ${hasPath(col)} OR ${ascii(col)})`;
  await sql`UPDATE deliveries SET
      remote_fold = CASE WHEN ${hasPath('remote_path')} THEN ${fold('remote_path')} END,
      intent_fold = CASE WHEN ${hasPath('intent_path')} THEN ${fold('intent_path')} END
    WHERE (${hasPath('remote_path')} OR ${hasPath('intent_path')}) AND ${asciiOrNone('remote_path')} AND ${asciiOrNone('intent_path')}`.execute(db);

  let after = { destination: '', document: '' };
  for (;;) {
    const rows: Array<{ destination_id: string; document_id: string; remote_path: string | null; intent_path: string | null }> = await db.selectFrom('deliveries')
      .select(['destination_id', 'document_id', 'remote_path', 'intent_path'])
      .where(sql<boolean>`NOT (${asciiOrNone('remote_path')} AND ${asciiOrNone('intent_path')})`)
      .where((eb) => eb.or([eb('destination_id', '>', after.destination), eb.and([eb('destination_id', '=', after.destination), eb('document_id', '>', after.document)])]))
      .orderBy('destination_id').orderBy('document_id').limit(1000).execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      await db.updateTable('deliveries').set({ remote_fold: r.remote_path ? foldName(r.remote_path) : null, intent_fold: r.intent_path ? foldName(r.intent_path) : null })
        .where('destination_id', '=', r.destination_id).where('document_id', '=', r.document_id).execute();
    }
    const last = rows.at(-1)!;
    after = { destination: last.destination_id, document: last.document_id };
  }
}
