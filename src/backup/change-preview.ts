import { randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Db } from '../catalog/db.js';
import { isPostgres } from '../catalog/dialect.js';
import type { Database } from '../catalog/schema.js';
import { getCompany } from '../catalog/organizations.js';
import type { DestinationRow } from '../catalog/destinations.js';
import { deliveriesFor } from '../catalog/deliveries.js';
import { documentsChangedSince } from '../catalog/documents.js';
import { collisionKey, type NameRules } from '../domain/names.js';
import { resolveLayout } from '../domain/layout.js';
import { planPage } from './names.js';
import { toCandidate } from './sync.js';

export interface ChangePreview {
  /** Files already there that would go to another folder or name. */
  moves: number;
  /** Files that would be sent (new, a new version, or one to retry). */
  uploads: number;
  /** Documents the start date keeps out. */
  skipped: number;
  /** Files that stay where they are. */
  unchanged: number;
}

const PAGE = 500;

/**
 * What a new layout or start date would do at a destination, without doing it: the planner run
 * over every document of the company against the ledger, as the next pass would, so the user
 * sees how many files move before saving. Nothing is written and nothing is connected to.
 *
 * Paged like a pass (names.ts): each page reads only the names its documents could take, from
 * the ledger and from the names this preview gave documents of earlier pages. Those are kept in
 * a temporary table, not in memory, so a preview over 1,000,000 documents holds a page's names.
 * On PostgreSQL the table lives in a transaction (a temporary table belongs to one connection),
 * which writes nothing else; on SQLite, one connection, it is dropped at the end.
 */
export async function previewChange(db: Db, dst: DestinationRow, rules: NameRules, change: { layout?: string; startDate?: string | null },
  opts: { pageSize?: number; onPage?: (namesHeld: number) => void } = {}): Promise<ChangePreview> {
  if (isPostgres(db)) {
    return db.transaction().execute(async (trx) => {
      await sql`CREATE TEMPORARY TABLE preview_names (name_key text PRIMARY KEY, document_id text NOT NULL) ON COMMIT DROP`.execute(trx);
      return previewIn(trx, 'preview_names', dst, rules, change, opts);
    });
  }
  const table = `preview_names_${randomBytes(6).toString('hex')}`;
  await sql`CREATE TEMPORARY TABLE ${sql.id(table)} (name_key text PRIMARY KEY, document_id text NOT NULL)`.execute(db);
  try {
    return await previewIn(db, table, dst, rules, change, opts);
  } finally {
    await sql`DROP TABLE IF EXISTS temp.${sql.id(table)}`.execute(db);
  }
}

async function previewIn(db: Db | Transaction<Database>, table: string, dst: DestinationRow, rules: NameRules, change: { layout?: string; startDate?: string | null },
  opts: { pageSize?: number; onPage?: (namesHeld: number) => void }): Promise<ChangePreview> {
  const pageSize = opts.pageSize ?? PAGE;
  const company = await getCompany(db, dst.orgId, dst.companyId);
  const ctx = {
    template: resolveLayout(change.layout ?? dst.layout), company, rules,
    startDate: change.startDate === undefined ? dst.startDate : change.startDate, canMove: true,
  };
  // The names this preview gave, as a pass would record them as its intents.
  const claimed = async (keys: string[]) => {
    const out = new Map<string, string>();
    for (let i = 0; i < keys.length; i += 250) {
      const { rows } = await sql<{ name_key: string; document_id: string }>`SELECT name_key, document_id FROM ${sql.id(table)} WHERE name_key IN (${sql.join(keys.slice(i, i + 250))})`.execute(db);
      for (const r of rows) out.set(r.name_key, r.document_id);
    }
    return out;
  };
  const out: ChangePreview = { moves: 0, uploads: 0, skipped: 0, unchanged: 0 };
  for (let seq = 0; ;) {
    const page = await documentsChangedSince(db, dst.companyId, seq, pageSize);
    if (page.length === 0) break;
    const ledger = await deliveriesFor(db, dst.id, page.map((d) => d.id));
    const { actions, taken } = await planPage(db, dst.id, page.map(toCandidate), ledger, ctx, claimed);
    opts.onPage?.(taken.size);
    const given: Array<{ key: string; id: string }> = [];
    for (const a of actions) {
      if (a.op === 'move') out.moves++;
      else if (a.op === 'upload') out.uploads++;
      else if (a.reason === 'before_start_date') out.skipped++;
      else out.unchanged++;
      if (a.op !== 'skip') given.push({ key: collisionKey(a.path, rules), id: a.documentId });
    }
    for (let i = 0; i < given.length; i += 250) {
      const values = given.slice(i, i + 250).map((g) => sql`(${g.key}, ${g.id})`);
      await sql`INSERT INTO ${sql.id(table)} (name_key, document_id) VALUES ${sql.join(values)} ON CONFLICT (name_key) DO NOTHING`.execute(db);
    }
    seq = Number(page.at(-1)!.change_seq);
  }
  return out;
}
