import type { Transaction } from 'kysely';
import { now, type Db } from './db.js';
import type { Database } from './schema.js';

/**
 * What the Object Lock pass (src/retention/object-lock.ts) reads and records: which S3
 * destinations of a company must bring their copies' locks in step, and which lock each copy
 * is known to carry.
 */

/**
 * Marks the company's S3 destinations as having locks to bring in step, in the transaction of
 * the change that asks for it, so that a restart (or a lost job) cannot lose it. The pass itself
 * skips destinations without Object Lock. Returns the destinations marked.
 */
export async function markLocksDueIn(trx: Transaction<Database>, orgId: string, companyId: string): Promise<string[]> {
  const rows = await trx.updateTable('destinations').set({ lock_sync_due: now() })
    .where('org_id', '=', orgId).where('company_id', '=', companyId).where('kind', '=', 's3').where('state', '!=', 'removed')
    .returning('id').execute();
  return rows.map((r) => r.id);
}

/** Marks one destination's copies as having locks to bring in step: a backup found it sent some with a lock that a change has since outgrown. */
export async function markLockDue(db: Db, orgId: string, destinationId: string): Promise<void> {
  await db.updateTable('destinations').set({ lock_sync_due: now() }).where('org_id', '=', orgId).where('id', '=', destinationId).execute();
}

export async function lockSyncOf(db: Db, orgId: string, destinationId: string): Promise<{ due: string | null; error: string | null }> {
  const r = await db.selectFrom('destinations').select(['lock_sync_due', 'lock_sync_error']).where('org_id', '=', orgId).where('id', '=', destinationId).executeTakeFirst();
  return { due: r?.lock_sync_due ?? null, error: r?.lock_sync_error ?? null };
}

/**
 * Records a pass's outcome: its failure, or none, and then the marker it started from is
 * cleared, unless a later change set it again meanwhile (that change gets its own pass).
 */
export async function finishLockSync(db: Db | Transaction<Database>, orgId: string, destinationId: string, startedFrom: string | null, error: string | null): Promise<void> {
  const dst = db.updateTable('destinations').where('org_id', '=', orgId).where('id', '=', destinationId);
  await dst.set({ lock_sync_error: error }).execute();
  if (!error && startedFrom) await dst.set({ lock_sync_due: null }).where('lock_sync_due', '=', startedFrom).execute();
}

/** Every destination whose marker is set, a page at a time: the jobs a stopped process took with it. */
export async function destinationsWithLocksDue(db: Db, after: string | undefined, limit: number): Promise<Array<{ id: string; orgId: string }>> {
  let q = db.selectFrom('destinations').select(['id', 'org_id']).where('lock_sync_due', 'is not', null).where('state', '!=', 'removed');
  if (after) q = q.where('id', '>', after);
  return (await q.orderBy('id').limit(limit).execute()).map((r) => ({ id: r.id, orgId: r.org_id }));
}

/** Every destination with a pass due, with its mark: few at any time, so all in one statement. */
export async function destinationsMarked(db: Db): Promise<Array<{ id: string; orgId: string; due: string }>> {
  const rows = await db.selectFrom('destinations').select(['id', 'org_id', 'lock_sync_due']).where('lock_sync_due', 'is not', null).where('state', '!=', 'removed').execute();
  return rows.map((r) => ({ id: r.id, orgId: r.org_id, due: r.lock_sync_due! }));
}

export interface LockedCopy {
  documentId: string; remotePath: string; date: string; createdAt: string; legalHold: boolean;
  lockUntil: string | null; lockHold: boolean | null;
}

/** A page of a destination's copies, in document id order after `after`, with what their documents' retention needs. */
export async function copiesPage(db: Db, orgId: string, destinationId: string, after: string, limit: number): Promise<LockedCopy[]> {
  const rows = await db.selectFrom('deliveries as d').innerJoin('documents as doc', 'doc.id', 'd.document_id')
    .select(['d.document_id', 'd.remote_path', 'd.lock_until', 'd.lock_hold', 'doc.date', 'doc.created_at', 'doc.legal_hold'])
    .where('d.org_id', '=', orgId).where('d.destination_id', '=', destinationId).where('d.state', '=', 'synced')
    .where('d.remote_path', 'is not', null).where('d.document_id', '>', after)
    .orderBy('d.document_id').limit(limit).execute();
  return rows.map((r) => ({
    documentId: r.document_id, remotePath: r.remote_path!, date: r.date, createdAt: r.created_at, legalHold: r.legal_hold === 1,
    lockUntil: r.lock_until, lockHold: r.lock_hold === null ? null : r.lock_hold === 1,
  }));
}

export async function recordCopyLock(db: Db, destinationId: string, documentId: string, lock: { until: string | null; legalHold: boolean }): Promise<void> {
  await db.updateTable('deliveries').set({ lock_until: lock.until, lock_hold: lock.legalHold ? 1 : 0 })
    .where('destination_id', '=', destinationId).where('document_id', '=', documentId).execute();
}
