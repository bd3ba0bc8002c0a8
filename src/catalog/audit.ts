import { sql, type Transaction } from 'kysely';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { GENESIS_HASH } from '../domain/audit.js';
import { now, openSqliteReader, type Db } from './db.js';
import type { Database } from './schema.js';

export type AuditRow = Database['audit_entries'];

/**
 * Takes the organization's chain head for `count` new entries: the first statement is a write
 * to the head row, so concurrent appenders of one organization wait here (PostgreSQL row lock,
 * SQLite write lock) and each sees the head the previous one left. Answers the first seq to use
 * and the hash the first new entry chains to.
 */
export async function claimHeadIn(trx: Transaction<Database>, orgId: string, count: number): Promise<{ firstSeq: number; prevHash: string }> {
  const claim = () => trx.updateTable('audit_heads').set((eb) => ({ seq: eb('seq', '+', count), updated_at: now() }))
    .where('org_id', '=', orgId).returning(['seq', 'hash']).executeTakeFirst();
  // The head exists after an organization's first entry: the insert is tried only before that,
  // rather than on every append, where it too would wait behind the transaction holding the head.
  let head = await claim();
  if (!head) {
    await trx.insertInto('audit_heads').values({ org_id: orgId, seq: 0, hash: GENESIS_HASH, updated_at: now() })
      .onConflict((oc) => oc.column('org_id').doNothing()).execute();
    head = await claim();
  }
  if (!head) throw new Error(`the audit head of ${orgId} could not be claimed`);
  return { firstSeq: Number(head.seq) - count + 1, prevHash: head.hash };
}

const ROWS_PER_INSERT = 500;

/** The new entries and the head's new hash, in the transaction that claimed the head. */
export async function appendEntriesIn(trx: Transaction<Database>, orgId: string, rows: AuditRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await trx.insertInto('audit_entries').values(rows.slice(i, i + ROWS_PER_INSERT)).execute();
  await trx.updateTable('audit_heads').set({ hash: rows.at(-1)!.hash }).where('org_id', '=', orgId).execute();
}

export async function auditHeadRow(db: Db, orgId: string): Promise<{ seq: number; hash: string; updatedAt: string }> {
  const r = await db.selectFrom('audit_heads').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  return r ? { seq: Number(r.seq), hash: r.hash, updatedAt: r.updated_at } : { seq: 0, hash: GENESIS_HASH, updatedAt: '' };
}

/** A page of the chain in seq order, after `afterSeq`: how the verifier walks a chain of any length. */
export async function chainPage(db: Db, orgId: string, afterSeq: number, limit: number, toSeq?: number): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_entries').selectAll().where('org_id', '=', orgId).where('seq', '>', afterSeq);
  if (toSeq !== undefined) q = q.where('seq', '<=', toSeq);
  const rows = await q.orderBy('seq').limit(limit).execute();
  for (const r of rows) r.seq = Number(r.seq);
  return rows;
}

/**
 * An entry as the chain reader gives it: the stored columns the hash covers, in the order of the
 * chain rule after org_id (seq, at, type, actor_kind, actor_id, object_type, object_id,
 * company_id, details, prev_hash), then the stored hash.
 */
export type ChainTuple = [number, string, string, string, string | null, string | null, string | null, string | null, string, string, string];
const CHAIN_COLUMNS = 'seq, at, type, actor_kind, actor_id, object_type, object_id, company_id, details, prev_hash, hash';

/** Rows handed to the visitor at once; between two batches other work gets a turn. */
const CHAIN_BATCH = 10_000;

/**
 * Reads the head and every entry of the organization's chain in seq order, from one snapshot
 * (entries appended meanwhile are seen neither in the head nor among the entries, so a busy
 * chain does not look cut off), only the columns the chain rule needs: SQLite on a read-only
 * connection of its own in pages of plain arrays, PostgreSQL through one cursor in a
 * repeatable-read transaction (a query per page there planned badly and cost seconds each). `visit` answers false to stop early. Memory stays
 * at one batch whatever the chain's length.
 */
export async function readChain(
  db: Db, orgId: string, visit: (head: { seq: number; hash: string }, rows: ChainTuple[]) => boolean,
): Promise<{ seq: number; hash: string }> {
  const reader = openSqliteReader(db);
  if (reader) {
    try {
      reader.pragma('busy_timeout = 10000');
      reader.exec('BEGIN');
      const h = reader.prepare('SELECT seq, hash FROM audit_heads WHERE org_id = ?').get(orgId) as { seq: number; hash: string } | undefined;
      const head = h ? { seq: Number(h.seq), hash: h.hash } : { seq: 0, hash: GENESIS_HASH };
      // Pages of plain arrays by the primary key: better-sqlite3 builds a page in one call, where
      // iterate() crosses into JavaScript once per row (twice as slow over a million rows).
      const page = reader.prepare(`SELECT ${CHAIN_COLUMNS} FROM audit_entries WHERE org_id = ? AND seq > ? ORDER BY seq LIMIT ${CHAIN_BATCH}`).raw();
      for (let after = 0; ;) {
        const rows = page.all(orgId, after) as ChainTuple[];
        if (rows.length === 0 || !visit(head, rows) || rows.length < CHAIN_BATCH) break;
        after = rows.at(-1)![0];
        await nextTurn();
      }
      return head;
    } finally {
      reader.close();
    }
  }
  return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    const h = await trx.selectFrom('audit_heads').select(['seq', 'hash']).where('org_id', '=', orgId).executeTakeFirst();
    const head = h ? { seq: Number(h.seq), hash: h.hash } : { seq: 0, hash: GENESIS_HASH };
    await sql`DECLARE audit_chain NO SCROLL CURSOR FOR SELECT ${sql.raw(CHAIN_COLUMNS)} FROM audit_entries WHERE org_id = ${orgId} ORDER BY seq`.execute(trx);
    for (;;) {
      const { rows } = await sql<AuditRow>`FETCH ${sql.raw(String(CHAIN_BATCH))} FROM audit_chain`.execute(trx);
      if (rows.length === 0) break;
      const tuples = rows.map((r): ChainTuple => [Number(r.seq), r.at, r.type, r.actor_kind, r.actor_id, r.object_type, r.object_id, r.company_id, r.details, r.prev_hash, r.hash]);
      if (!visit(head, tuples)) break;
    }
    await sql`CLOSE audit_chain`.execute(trx);
    return head;
  });
}

export async function organizationsWithAudit(db: Db): Promise<string[]> {
  return (await db.selectFrom('organizations').select('id').orderBy('id').execute()).map((r) => r.id);
}

export interface AuditFilter {
  type?: string; actorId?: string; objectId?: string; companyId?: string;
  from?: string; to?: string;
  /** Newest first: entries with a seq below this one (the `next` of the previous page). */
  before?: number;
  limit: number;
}

/** Entries matching the filter, newest first. `from`/`to` compare with the ISO time `at`. */
export async function searchEntries(db: Db, orgId: string, f: AuditFilter): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_entries').selectAll().where('org_id', '=', orgId);
  if (f.type) q = q.where('type', '=', f.type);
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.objectId) q = q.where('object_id', '=', f.objectId);
  if (f.companyId) q = q.where('company_id', '=', f.companyId);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  if (f.before !== undefined) q = q.where('seq', '<', f.before);
  const rows = await q.orderBy('seq', 'desc').limit(f.limit).execute();
  for (const r of rows) r.seq = Number(r.seq);
  return rows;
}

/** The last entry of a type (the latest daily head). */
export async function lastEntryOfType(db: Db, orgId: string, type: string): Promise<AuditRow | undefined> {
  return db.selectFrom('audit_entries').selectAll().where('org_id', '=', orgId).where('type', '=', type).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}
