import type { Transaction } from 'kysely';
import { DEFAULT_RETENTION_YEARS, retainedUntil, type RetentionPolicy, type RetentionPreset } from '../domain/retention.js';
import { now, type Db } from './db.js';
import type { Database } from './schema.js';

export async function retentionPolicy(db: Db, orgId: string, companyId: string): Promise<RetentionPolicy> {
  const r = await db.selectFrom('retention_policies').selectAll().where('org_id', '=', orgId).where('company_id', '=', companyId).executeTakeFirst();
  if (!r) return { companyId, preset: null, years: DEFAULT_RETENTION_YEARS, legalHold: false, holdReason: null };
  return { companyId, preset: r.preset as RetentionPreset | null, years: Number(r.years), legalHold: r.legal_hold === 1, holdReason: r.hold_reason };
}

export async function saveRetentionPolicyIn(trx: Transaction<Database>, orgId: string, p: RetentionPolicy): Promise<void> {
  const row = { company_id: p.companyId, org_id: orgId, preset: p.preset, years: p.years, legal_hold: p.legalHold ? 1 : 0, hold_reason: p.holdReason, updated_at: now() };
  await trx.insertInto('retention_policies').values(row)
    .onConflict((oc) => oc.column('company_id').doUpdateSet({ preset: row.preset, years: row.years, legal_hold: row.legal_hold, hold_reason: row.hold_reason, updated_at: row.updated_at }))
    .execute();
}

export async function setDocumentHoldIn(trx: Transaction<Database>, orgId: string, documentId: string, hold: boolean): Promise<void> {
  await trx.updateTable('documents').set({ legal_hold: hold ? 1 : 0 }).where('org_id', '=', orgId).where('id', '=', documentId).execute();
}

export async function documentHold(db: Db, orgId: string, documentId: string): Promise<boolean> {
  const r = await db.selectFrom('documents').select('legal_hold').where('org_id', '=', orgId).where('id', '=', documentId).executeTakeFirst();
  return r?.legal_hold === 1;
}

/** A company's documents dated before `before`, oldest first, a page after `after` (id order within a date). */
export async function documentsDatedBefore(db: Db, orgId: string, companyId: string, before: string) {
  return db.selectFrom('documents').select(['id', 'date', 'created_at', 'legal_hold', 'number', 'type'])
    .where('org_id', '=', orgId).where('company_id', '=', companyId).where('date', '<', before).orderBy('date').orderBy('id').execute();
}

/**
 * Removes a document and everything that names it (versions, deliveries, inbox item, kept
 * idempotent answers). Its blobs become unreferenced, and the storage clean-up removes them
 * after its grace period. Only the retention service calls this, once the period is over.
 */
export async function deleteDocumentIn(trx: Transaction<Database>, orgId: string, documentId: string): Promise<void> {
  await trx.deleteFrom('deliveries').where('org_id', '=', orgId).where('document_id', '=', documentId).execute();
  await trx.updateTable('run_items').set({ document_id: null }).where('document_id', '=', documentId).execute();
  await trx.deleteFrom('inbox_items').where('org_id', '=', orgId).where('document_id', '=', documentId).execute();
  await trx.deleteFrom('idempotency_keys').where('org_id', '=', orgId).where('document_id', '=', documentId).execute();
  await trx.deleteFrom('document_versions').where('org_id', '=', orgId).where('document_id', '=', documentId).execute();
  await trx.deleteFrom('document_texts').where('org_id', '=', orgId).where('document_id', '=', documentId).execute();
  await trx.deleteFrom('documents').where('org_id', '=', orgId).where('id', '=', documentId).execute();
}

export interface DocumentLock { until: Date; legalHold: boolean }

/**
 * When a document's retention ends and whether it is held, for a destination that locks what it
 * stores: the same rule as the refusal to delete (domain/retention.ts), with the company's
 * policy given by the caller (one read per pass, not per file).
 */
export async function documentRetention(db: Db, orgId: string, documentId: string, policy: RetentionPolicy): Promise<DocumentLock> {
  const found = (await documentRetentions(db, orgId, [documentId], policy)).get(documentId);
  if (!found) throw new Error(`Document ${documentId} is not in the catalog`);
  return found;
}

/** The same for many documents in one statement (ids of one batch: a few dozen). */
export async function documentRetentions(db: Db, orgId: string, documentIds: string[], policy: RetentionPolicy): Promise<Map<string, DocumentLock>> {
  const out = new Map<string, DocumentLock>();
  if (documentIds.length === 0) return out;
  const rows = await db.selectFrom('documents').select(['id', 'date', 'created_at', 'legal_hold']).where('org_id', '=', orgId).where('id', 'in', documentIds).execute();
  for (const d of rows) out.set(d.id, { until: new Date(`${retainedUntil(d.date, d.created_at, policy.years)}T00:00:00Z`), legalHold: policy.legalHold || d.legal_hold === 1 });
  return out;
}
