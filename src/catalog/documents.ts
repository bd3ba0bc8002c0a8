import { sql, type Transaction } from 'kysely';
import { newId } from '../domain/ids.js';
import { notFound } from '../domain/errors.js';
import type { DocumentType } from '../domain/documents.js';
import { now, type Db } from './db.js';
import type { Database } from './schema.js';

export interface DocumentMeta {
  type: DocumentType;
  number: string | null;
  date: string;
  counterparty: string | null;
  amount: string | null;
  currency: string | null;
  businessAccount: string | null;
}

export interface VersionRow { id: string; documentId: string; version: number; sha256: string; size: number; filename: string; mime: string; createdAt: string }

export interface DocumentRow extends DocumentMeta {
  id: string;
  orgId: string;
  companyId: string;
  currentVersionId: string;
  versionCount: number;
  changeSeq: number;
  createdAt: string;
  updatedAt: string;
}

// The legal hold is the retention service's: documents are made without one, and read without it.
type Row = Omit<Database['documents'], 'legal_hold'>;
export const toDocument = (r: Row): DocumentRow => ({
  id: r.id, orgId: r.org_id, companyId: r.company_id, type: r.type as DocumentType, number: r.number, date: r.date,
  counterparty: r.counterparty, amount: r.amount, currency: r.currency, businessAccount: r.business_account,
  currentVersionId: r.current_version_id, versionCount: r.version_count, changeSeq: Number(r.change_seq),
  createdAt: r.created_at, updatedAt: r.updated_at,
});

/**
 * Every change to a document takes the next number of one counter, inside the change's own
 * transaction. The row lock serializes the commits, so a reader that has seen number N has
 * seen every change numbered below N: a destination can remember "synced up to N" and later
 * ask only for what came after (an incremental pass costs the changes, not the archive).
 */
async function nextChangeSeq(trx: Transaction<Database>, count = 1): Promise<number> {
  const row = await trx.updateTable('counters').set({ value: sql`value + ${count}` }).where('name', '=', 'document_change')
    .returning('value').executeTakeFirstOrThrow();
  return Number(row.value) - count + 1;
}

export type BlobRef = { sha256: string; size: number; filename: string; mime: string };

export async function insertDocument(db: Db, orgId: string, companyId: string, meta: DocumentMeta, blob: BlobRef): Promise<DocumentRow> {
  return db.transaction().execute(async (trx) => (await insertDocumentsIn(trx, orgId, companyId, [{ meta, blob }]))[0]!);
}

/** Rows per INSERT: far below the bound parameters either database takes in one statement. */
const ROWS_PER_INSERT = 500;

/**
 * Many documents inside the caller's transaction, each at version 1, in a few statements
 * whatever their number: collection files a batch of documents and their inbox items together,
 * and a statement per row cost more than the rest of filing them.
 */
export async function insertDocumentsIn(trx: Transaction<Database>, orgId: string, companyId: string,
  docs: Array<{ meta: DocumentMeta; blob: BlobRef }>): Promise<DocumentRow[]> {
  if (docs.length === 0) return [];
  const at = now();
  const first = await nextChangeSeq(trx, docs.length);
  const rows = docs.map(({ meta }, i): Row => ({
    id: newId('doc'), org_id: orgId, company_id: companyId, type: meta.type, number: meta.number, date: meta.date,
    counterparty: meta.counterparty, amount: meta.amount, currency: meta.currency, business_account: meta.businessAccount,
    current_version_id: newId('ver'), version_count: 1, change_seq: first + i, created_at: at, updated_at: at,
  }));
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    await trx.insertInto('documents').values(chunk).execute();
    await trx.insertInto('document_versions').values(chunk.map((r, j) => ({
      id: r.current_version_id, org_id: orgId, document_id: r.id, version: 1, ...docs[i + j]!.blob, created_at: at,
    }))).execute();
  }
  return rows.map(toDocument);
}

/** A new version: new bytes and/or new metadata. The old version stays, unchanged. */
export async function addVersion(db: Db, orgId: string, documentId: string, meta: Partial<DocumentMeta>,
  blob: { sha256: string; size: number; filename: string; mime: string } | null): Promise<DocumentRow> {
  return db.transaction().execute((trx) => addVersionIn(trx, orgId, documentId, meta, blob));
}

/** addVersion inside the caller's transaction, beside its own writes. */
export async function addVersionIn(trx: Transaction<Database>, orgId: string, documentId: string, meta: Partial<DocumentMeta>,
  blob: { sha256: string; size: number; filename: string; mime: string } | null): Promise<DocumentRow> {
  const doc = await trx.selectFrom('documents').selectAll().where('org_id', '=', orgId).where('id', '=', documentId).executeTakeFirst();
  if (!doc) throw notFound('Document', documentId);
  const at = now();
  const seq = await nextChangeSeq(trx);
  let versionId = doc.current_version_id, count = doc.version_count;
  if (blob) {
    versionId = newId('ver');
    count += 1;
    await trx.insertInto('document_versions').values({ id: versionId, org_id: orgId, document_id: documentId, version: count, ...blob, created_at: at }).execute();
  }
  await trx.updateTable('documents').set({
    ...(meta.type !== undefined && { type: meta.type }),
    ...(meta.number !== undefined && { number: meta.number }),
    ...(meta.date !== undefined && { date: meta.date }),
    ...(meta.counterparty !== undefined && { counterparty: meta.counterparty }),
    ...(meta.amount !== undefined && { amount: meta.amount }),
    ...(meta.currency !== undefined && { currency: meta.currency }),
    ...(meta.businessAccount !== undefined && { business_account: meta.businessAccount }),
    current_version_id: versionId, version_count: count, change_seq: seq, updated_at: at,
  }).where('id', '=', documentId).execute();
  return toDocument((await trx.selectFrom('documents').selectAll().where('id', '=', documentId).executeTakeFirstOrThrow()));
}

export async function getDocument(db: Db, orgId: string, id: string): Promise<DocumentRow> {
  const row = await db.selectFrom('documents').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Document', id);
  return toDocument(row);
}

/** These documents of the organization, by id; ids of none (or of another organization's) are left out. */
export async function getDocuments(db: Db, orgId: string, ids: string[]): Promise<Map<string, DocumentRow>> {
  const out = new Map<string, DocumentRow>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('documents').selectAll().where('org_id', '=', orgId).where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) out.set(r.id, toDocument(r));
  }
  return out;
}

export async function listVersions(db: Db, orgId: string, documentId: string): Promise<VersionRow[]> {
  const rows = await db.selectFrom('document_versions').selectAll().where('org_id', '=', orgId).where('document_id', '=', documentId)
    .orderBy('version').execute();
  return rows.map((r) => ({ id: r.id, documentId: r.document_id, version: r.version, sha256: r.sha256, size: Number(r.size), filename: r.filename, mime: r.mime, createdAt: r.created_at }));
}

export async function getVersion(db: Db, orgId: string, versionId: string): Promise<VersionRow> {
  const r = await db.selectFrom('document_versions').selectAll().where('org_id', '=', orgId).where('id', '=', versionId).executeTakeFirst();
  if (!r) throw notFound('Version', versionId);
  return { id: r.id, documentId: r.document_id, version: r.version, sha256: r.sha256, size: Number(r.size), filename: r.filename, mime: r.mime, createdAt: r.created_at };
}

/** The documents of a company changed after `seq`, in change order, with their current version. */
export async function documentsChangedSince(db: Db, companyId: string, seq: number, limit: number) {
  return db.selectFrom('documents as d').innerJoin('document_versions as v', 'v.id', 'd.current_version_id')
    .select(['d.id', 'd.type', 'd.number', 'd.date', 'd.counterparty', 'd.business_account', 'd.change_seq', 'd.current_version_id',
      'v.sha256', 'v.size', 'v.filename'])
    .where('d.company_id', '=', companyId).where('d.change_seq', '>', seq)
    .orderBy('d.change_seq').limit(limit).execute();
}

/** The same shape for chosen documents (those the ledger says need another look). */
export async function documentsByIds(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('documents as d').innerJoin('document_versions as v', 'v.id', 'd.current_version_id')
    .select(['d.id', 'd.type', 'd.number', 'd.date', 'd.counterparty', 'd.business_account', 'd.change_seq', 'd.current_version_id',
      'v.sha256', 'v.size', 'v.filename'])
    .where('d.id', 'in', ids).execute();
}

export type PlannableDocument = Awaited<ReturnType<typeof documentsByIds>>[number];

export async function currentChangeSeq(db: Db): Promise<number> {
  const r = await db.selectFrom('counters').select('value').where('name', '=', 'document_change').executeTakeFirstOrThrow();
  return Number(r.value);
}

/** A document of this company whose current bytes are exactly these: how a re-run import skips. */
/** A document of this company with the same type and number (or both without) whose current bytes are these. */
export async function findSameDocument(db: Db, orgId: string, companyId: string, meta: Pick<DocumentMeta, 'type' | 'number'>, sha256: string): Promise<string | undefined> {
  const r = await db.selectFrom('documents as d').innerJoin('document_versions as v', 'v.id', 'd.current_version_id')
    .select('d.id').where('d.org_id', '=', orgId).where('d.company_id', '=', companyId).where('d.type', '=', meta.type)
    .where('d.number', meta.number === null ? 'is' : '=', meta.number).where('v.sha256', '=', sha256).orderBy('d.id').executeTakeFirst();
  return r?.id;
}

export async function findDocumentByContent(db: Db, orgId: string, companyId: string, sha256: string): Promise<string | undefined> {
  const r = await db.selectFrom('documents as d').innerJoin('document_versions as v', 'v.id', 'd.current_version_id')
    .select('d.id').where('d.org_id', '=', orgId).where('d.company_id', '=', companyId).where('v.sha256', '=', sha256).executeTakeFirst();
  return r?.id;
}
