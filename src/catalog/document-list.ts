import { sql, type Expression, type SqlBool, type Transaction } from 'kysely';
import { DomainError } from '../domain/errors.js';
import type { Db } from './db.js';
import { isPostgres } from './dialect.js';
import { toDocument, type DocumentRow } from './documents.js';
import type { Database } from './schema.js';

export const DOCUMENT_SORTS = ['date', 'amount', 'number', 'counterparty'] as const;
export type DocumentSort = (typeof DOCUMENT_SORTS)[number];
/** Where a document stands with the backups of its company that are to hold it. */
export const BACKUP_STATES = ['synced', 'pending', 'failed'] as const;
export type BackupState = (typeof BACKUP_STATES)[number];

export interface DocumentFilter {
  companyId?: string; type?: string; from?: string; to?: string; limit: number;
  /** The `next` of the previous page. */
  after?: string;
  /** Words in the number or the counterparty (any case), an amount equal to it, or words of the extracted text. */
  q?: string;
  /** synced: at every backup that is to hold it; failed: failed at one at least; pending: neither. */
  backup?: BackupState;
  /** Id order without one; documents without the value come last either way. */
  sort?: DocumentSort;
  order?: 'asc' | 'desc';
  /** Leave out documents collected into the inbox (for a caller without review_inbox). */
  withoutCollected?: boolean;
}

export interface DocumentPage { items: DocumentRow[]; next: string | null }

/** The longest text kept per document: far more than an invoice has, and a bound on what a rogue PDF costs. */
const MAX_TEXT = 200_000;

/** Keeps what the reader extracted of these documents, for search. */
export async function saveDocumentTexts(trx: Db | Transaction<Database>, orgId: string, texts: Array<{ documentId: string; text: string }>): Promise<void> {
  const rows = texts.filter((t) => t.text.trim()).map((t) => ({ document_id: t.documentId, org_id: orgId, text: t.text.slice(0, MAX_TEXT) }));
  for (let i = 0; i < rows.length; i += 100) await trx.insertInto('document_texts').values(rows.slice(i, i + 100)).execute();
}

/** Whether the text of this document is kept already. */
export async function hasDocumentText(db: Db, orgId: string, documentId: string): Promise<boolean> {
  return !!(await db.selectFrom('document_texts').select('document_id').where('org_id', '=', orgId).where('document_id', '=', documentId).executeTakeFirst());
}

/** The words of a search as each database's full-text query takes them: every word, each as a prefix. */
function textMatch(db: Db, orgId: string, text: string): Expression<SqlBool> | null {
  const words = text.split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 8);
  if (words.length === 0) return null;
  // Only letters and digits reach the query languages below, so nothing typed can be an operator.
  if (isPostgres(db)) {
    const query = words.map((w) => `${w}:*`).join(' & ');
    return sql<SqlBool>`documents.id in (select document_id from document_texts where org_id = ${orgId} and words @@ to_tsquery('simple', ${query}))`;
  }
  const query = words.map((w) => `"${w}"*`).join(' ');
  return sql<SqlBool>`documents.id in (select t.document_id from document_texts_index join document_texts t on t.id = document_texts_index.rowid
    where document_texts_index match ${query} and t.org_id = ${orgId})`;
}

/**
 * The backups a document is to be at: its company's, from their start date on. A document is
 * synced at one when the current version is there (as deliveryCounts says).
 */
const HELD_BY = sql`from destinations dst where dst.company_id = documents.company_id and dst.state != 'removed'
  and (dst.start_date is null or dst.start_date <= documents.date)`;
const NOT_SYNCED_AT_ONE = sql`exists (select 1 ${HELD_BY} and not exists (select 1 from deliveries dl where dl.destination_id = dst.id
  and dl.document_id = documents.id and dl.state = 'synced' and dl.version_id = documents.current_version_id))`;
const FAILED_AT_ONE = sql`exists (select 1 from deliveries dl join destinations dst on dst.id = dl.destination_id
  where dl.document_id = documents.id and dl.state = 'failed' and dst.state != 'removed')`;

function backupState(state: BackupState): Expression<SqlBool> {
  if (state === 'failed') return sql<SqlBool>`${FAILED_AT_ONE}`;
  if (state === 'pending') return sql<SqlBool>`not ${FAILED_AT_ONE} and ${NOT_SYNCED_AT_ONE}`;
  return sql<SqlBool>`exists (select 1 ${HELD_BY}) and not ${NOT_SYNCED_AT_ONE}`;
}

/**
 * What a sort orders by, never null (a flag puts the documents without a value last), so a
 * page's last row is a cursor the next page compares with. Amounts are stored as text:
 * "double precision" is a number on PostgreSQL and REAL on SQLite. Numbers and names any case.
 */
function sortKey(sort: DocumentSort) {
  const column = { date: sql.ref('date'), amount: sql.ref('amount'), number: sql.ref('number'), counterparty: sql.ref('counterparty') }[sort];
  const value = sort === 'amount' ? sql`coalesce(cast(amount as double precision), 0)` : sort === 'date' ? column : sql`coalesce(lower(${column}), '')`;
  return { missing: sql<number>`case when ${column} is null then 1 else 0 end`, value };
}

type Cursor = [missing: number, value: string | number, id: string];

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(raw: string, sort: DocumentSort): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString()) as unknown;
    if (Array.isArray(c) && c.length === 3 && (c[0] === 0 || c[0] === 1) && typeof c[2] === 'string'
      && typeof c[1] === (sort === 'amount' ? 'number' : 'string')) return c as Cursor;
  } catch { /* refused below */ }
  throw new DomainError('invalid_input', 'after is not the next value of a page listed with this sort; start from the first page.', { reason: 'invalid_cursor' });
}

/** A page of documents, in id order or by the sort asked; `next` continues it (null on the last page). */
export async function listDocuments(db: Db, orgId: string, f: DocumentFilter): Promise<DocumentPage> {
  let q = db.selectFrom('documents').selectAll().where('org_id', '=', orgId);
  if (f.companyId) q = q.where('company_id', '=', f.companyId);
  if (f.type) q = q.where('type', '=', f.type);
  if (f.from) q = q.where('date', '>=', f.from);
  if (f.to) q = q.where('date', '<=', f.to);
  if (f.backup) q = q.where(backupState(f.backup));
  const text = f.q?.trim().toLowerCase();
  if (text) {
    // LIKE's own wildcards in what the user typed are literal; lower() on both sides, as PostgreSQL's LIKE minds case.
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const amount = /^-?\d+([.,]\d{1,2})?$/.test(text) ? Number(text.replace(',', '.')).toFixed(2) : null;
    const words = textMatch(db, orgId, text);
    q = q.where((eb) => eb.or([
      eb(eb.fn('lower', ['number']), 'like', sql<string>`${like} escape '\\'`),
      eb(eb.fn('lower', ['counterparty']), 'like', sql<string>`${like} escape '\\'`),
      ...(amount ? [eb('amount', '=', amount)] : []),
      ...(words ? [words] : []),
    ]));
  }
  if (f.withoutCollected) q = q.where(({ not, exists, selectFrom }) => not(exists(selectFrom('inbox_items').select('inbox_items.id').whereRef('inbox_items.document_id', '=', 'documents.id'))));

  if (!f.sort) {
    if (f.after) q = q.where('id', '>', f.after);
    // One extra row tells whether another page exists without a count query.
    const rows = (await q.orderBy('id').limit(f.limit + 1).execute()).map(toDocument);
    const items = rows.slice(0, f.limit);
    return { items, next: rows.length > f.limit ? items.at(-1)!.id : null };
  }

  const { missing, value } = sortKey(f.sort);
  const desc = f.order === 'desc';
  if (f.after) {
    const [m, v, id] = decodeCursor(f.after, f.sort);
    const beyond = desc ? sql`<` : sql`>`;
    q = q.where(sql<SqlBool>`(${missing} > ${m} or (${missing} = ${m} and (${value} ${beyond} ${v} or (${value} = ${v} and id ${beyond} ${id}))))`);
  }
  const rows = await q.select([missing.as('sort_missing'), value.as('sort_value')])
    .orderBy(missing, 'asc').orderBy(value, desc ? 'desc' : 'asc').orderBy('id', desc ? 'desc' : 'asc')
    .limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  const next = rows.length > f.limit && last
    ? encodeCursor([Number(last.sort_missing), f.sort === 'amount' ? Number(last.sort_value) : String(last.sort_value), last.id]) : null;
  return { items: page.map(toDocument), next };
}
