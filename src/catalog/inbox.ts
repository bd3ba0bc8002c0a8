import { sql, type Transaction } from 'kysely';
import { newId } from '../domain/ids.js';
import { notFound } from '../domain/errors.js';
import type { InboxStatus } from '../domain/channels.js';
import { now, type Db } from './db.js';
import { isPostgres } from './dialect.js';
import type { Database } from './schema.js';

/** The inbox: what was collected for a company, waiting for data entry. Scoped to one organization. */
export type StoredProvenance =
  | { kind: 'xml'; path: string }
  | { kind: 'text'; page: number; start: number; end: number }
  | { kind: 'user'; userId: string | null; at: string };

export interface StoredField { value: unknown; confidence: number; provenance: StoredProvenance }

export interface ExtractionSummary {
  ok: boolean;
  source: string | null;
  /** Why reading failed, when it did. */
  reason: string | null;
  message: string | null;
  warnings: Array<{ code: string; message: string; field?: string }>;
  pages: number | null;
}

export interface InboxItem {
  id: string; orgId: string; companyId: string; binderId: string; recipientId: string; channelId: string | null;
  documentId: string; sha256: string; filename: string; sourcePath: string | null; status: InboxStatus;
  fields: Record<string, StoredField>; extraction: ExtractionSummary;
  dedupeKey: string | null; likelyDuplicateOf: string | null; previousId: string | null; duplicatesSeen: number;
  reviewedBy: string | null; reviewedAt: string | null; createdAt: string; updatedAt: string;
}

type Trx = Transaction<Database> | Db;

const toItem = (r: Database['inbox_items']): InboxItem => ({
  id: r.id, orgId: r.org_id, companyId: r.company_id, binderId: r.binder_id, recipientId: r.recipient_id, channelId: r.channel_id,
  documentId: r.document_id, sha256: r.sha256, filename: r.filename, sourcePath: r.source_path, status: r.status as InboxStatus,
  fields: JSON.parse(r.fields), extraction: JSON.parse(r.extraction), dedupeKey: r.dedupe_key, likelyDuplicateOf: r.likely_duplicate_of,
  previousId: r.previous_id, duplicatesSeen: r.duplicates_seen, reviewedBy: r.reviewed_by, reviewedAt: r.reviewed_at,
  createdAt: r.created_at, updatedAt: r.updated_at,
});

export type NewInboxItem = Pick<InboxItem, 'companyId' | 'binderId' | 'recipientId' | 'channelId' | 'documentId' | 'sha256' | 'filename'
  | 'sourcePath' | 'fields' | 'extraction' | 'dedupeKey' | 'likelyDuplicateOf' | 'previousId'> & {
  /** `reading` while a job reads it (the fields come then), else ready for review. */
  status?: Extract<InboxStatus, 'reading' | 'to_review'>;
}

/** Many items at once, their ids chosen by the caller (a batch refers to them before they are written). */
export async function insertInboxItems(trx: Trx, orgId: string, items: Array<NewInboxItem & { id: string }>): Promise<void> {
  const at = now();
  for (let n = 0; n < items.length; n += 500) {
    await trx.insertInto('inbox_items').values(items.slice(n, n + 500).map((i) => ({
      id: i.id, org_id: orgId, company_id: i.companyId, binder_id: i.binderId, recipient_id: i.recipientId, channel_id: i.channelId,
      document_id: i.documentId, sha256: i.sha256, filename: i.filename, source_path: i.sourcePath, status: i.status ?? 'to_review',
      fields: JSON.stringify(i.fields), extraction: JSON.stringify(i.extraction), dedupe_key: i.dedupeKey,
      likely_duplicate_of: i.likelyDuplicateOf, previous_id: i.previousId, duplicates_seen: 0, reviewed_by: null, reviewed_at: null,
      created_at: at, updated_at: at,
    }))).execute();
  }
}

/** The inbox items holding exactly these bytes in this company: from each content to its item. */
export async function inboxItemsWithContent(trx: Trx, companyId: string, sha256s: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < sha256s.length; i += 500) {
    const rows = await trx.selectFrom('inbox_items').select(['id', 'sha256']).where('company_id', '=', companyId).where('sha256', 'in', sha256s.slice(i, i + 500)).execute();
    for (const r of rows) out.set(r.sha256, r.id);
  }
  return out;
}

/** The first item of the company with the same supplier, number and amount. */
export async function inboxItemWithKey(trx: Trx, companyId: string, key: string, except?: string): Promise<string | null> {
  let q = trx.selectFrom('inbox_items').select('id').where('company_id', '=', companyId).where('dedupe_key', '=', key);
  if (except) q = q.where('id', '!=', except);
  const r = await q.orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  return r?.id ?? null;
}

/** For each supplier + number + amount key, the first item of the company that has it. */
export async function inboxItemsWithKeys(trx: Trx, companyId: string, keys: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await trx.selectFrom('inbox_items').select(['id', 'dedupe_key']).where('company_id', '=', companyId)
      .where('dedupe_key', 'in', unique.slice(i, i + 500)).orderBy('created_at').orderBy('id').execute();
    for (const r of rows) if (!out.has(r.dedupe_key!)) out.set(r.dedupe_key!, r.id);
  }
  return out;
}

export async function noteDuplicate(trx: Trx, id: string): Promise<void> {
  await trx.updateTable('inbox_items').set({ duplicates_seen: sql`duplicates_seen + 1`, updated_at: now() }).where('id', '=', id).execute();
}

export interface InboxFilter { companyId?: string; binderId?: string; recipientId?: string; status?: InboxStatus; after?: string; limit: number }

/** A page in id order; `after` is the last id of the previous page. */
export async function listInbox(db: Db, orgId: string, f: InboxFilter): Promise<InboxItem[]> {
  let q = db.selectFrom('inbox_items').selectAll().where('org_id', '=', orgId);
  if (f.companyId) q = q.where('company_id', '=', f.companyId);
  if (f.binderId) q = q.where('binder_id', '=', f.binderId);
  if (f.recipientId) q = q.where('recipient_id', '=', f.recipientId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.after) q = q.where('id', '>', f.after);
  return (await q.orderBy('id').limit(f.limit).execute()).map(toItem);
}

/** Whether a document of the vault came from collection (is an inbox item's original). */
export async function isCollectedDocument(db: Db, orgId: string, documentId: string): Promise<boolean> {
  const r = await db.selectFrom('inbox_items').select('id').where('org_id', '=', orgId).where('document_id', '=', documentId).limit(1).executeTakeFirst();
  return !!r;
}

/** The inbox items of these documents (each collected document has one), by document id. */
export async function inboxItemsOfDocuments(db: Db, orgId: string, documentIds: string[]): Promise<Map<string, InboxItem>> {
  const out = new Map<string, InboxItem>();
  for (let i = 0; i < documentIds.length; i += 500) {
    const rows = await db.selectFrom('inbox_items').selectAll().where('org_id', '=', orgId).where('document_id', 'in', documentIds.slice(i, i + 500)).execute();
    for (const r of rows) out.set(r.document_id, toItem(r));
  }
  return out;
}

export async function findInboxItem(db: Db, orgId: string, id: string): Promise<InboxItem | null> {
  const r = await db.selectFrom('inbox_items').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return r ? toItem(r) : null;
}

/** Items whose reading job has not finished, of every organization, a page in id order. */
export async function inboxItemsBeingRead(db: Db, after: string | undefined, limit: number): Promise<Array<{ id: string; orgId: string }>> {
  let q = db.selectFrom('inbox_items').select(['id', 'org_id']).where('status', '=', 'reading');
  if (after) q = q.where('id', '>', after);
  return (await q.orderBy('id').limit(limit).execute()).map((r) => ({ id: r.id, orgId: r.org_id }));
}

/**
 * What the reading job found, written once: only while the item is still `reading`, so a job
 * that runs twice changes nothing the second time (false). The first item of the company with
 * the same supplier, number and amount becomes its likely original; on PostgreSQL the company
 * row is locked for it, so two workers reading two copies at once cannot both miss the other.
 */
export async function finishReading(trx: Transaction<Database>, orgId: string, item: Pick<InboxItem, 'id' | 'companyId'>,
  r: { fields: Record<string, StoredField>; extraction: ExtractionSummary; key: string | null }): Promise<boolean> {
  if (isPostgres(trx)) await sql`select id from companies where id = ${item.companyId} for update`.execute(trx);
  const likely = r.key ? await inboxItemWithKey(trx, item.companyId, r.key, item.id) : null;
  const res = await trx.updateTable('inbox_items').set({
    status: 'to_review', fields: JSON.stringify(r.fields), extraction: JSON.stringify(r.extraction), dedupe_key: r.key,
    likely_duplicate_of: likely, updated_at: now(),
  }).where('org_id', '=', orgId).where('id', '=', item.id).where('status', '=', 'reading').executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function getInboxItem(db: Db, orgId: string, id: string): Promise<InboxItem> {
  const r = await db.selectFrom('inbox_items').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('Inbox item', id);
  return toItem(r);
}

export type InboxPatch = Partial<Pick<InboxItem, 'binderId' | 'recipientId' | 'status' | 'fields' | 'dedupeKey' | 'likelyDuplicateOf' | 'reviewedBy' | 'reviewedAt'>>;

export async function updateInboxItem(db: Db, orgId: string, id: string, p: InboxPatch): Promise<InboxItem> {
  await db.updateTable('inbox_items').set({
    updated_at: now(),
    ...(p.binderId !== undefined && { binder_id: p.binderId }),
    ...(p.recipientId !== undefined && { recipient_id: p.recipientId }),
    ...(p.status !== undefined && { status: p.status }),
    ...(p.fields !== undefined && { fields: JSON.stringify(p.fields) }),
    ...(p.dedupeKey !== undefined && { dedupe_key: p.dedupeKey }),
    ...(p.likelyDuplicateOf !== undefined && { likely_duplicate_of: p.likelyDuplicateOf }),
    ...(p.reviewedBy !== undefined && { reviewed_by: p.reviewedBy }),
    ...(p.reviewedAt !== undefined && { reviewed_at: p.reviewedAt }),
  }).where('org_id', '=', orgId).where('id', '=', id).execute();
  return getInboxItem(db, orgId, id);
}
