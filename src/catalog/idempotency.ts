import type { Transaction } from 'kysely';
import { now, type Db } from './db.js';
import type { Database } from './schema.js';

/** One use of an Idempotency-Key: who sent it, and a digest of what they sent. */
export interface KeyedRequest { orgId: string; principal: string; key: string; fingerprint: string }

/** The answer a key was first given. */
export interface KeptAnswer { fingerprint: string; status: number; documentId: string }

/**
 * Claims the key inside the caller's transaction; false when it is taken (by an earlier request,
 * or by one committing at this moment: PostgreSQL waits for it). An expired use does not count.
 */
export async function claimKeyIn(trx: Transaction<Database>, k: KeyedRequest, ttlMs: number): Promise<boolean> {
  const at = now();
  await trx.deleteFrom('idempotency_keys').where('org_id', '=', k.orgId).where('principal', '=', k.principal).where('key', '=', k.key)
    .where('expires_at', '<=', at).execute();
  const res = await trx.insertInto('idempotency_keys').values({
    org_id: k.orgId, principal: k.principal, key: k.key, fingerprint: k.fingerprint, status: null, document_id: null,
    created_at: at, expires_at: new Date(Date.now() + ttlMs).toISOString(),
  }).onConflict((oc) => oc.columns(['org_id', 'principal', 'key']).doNothing()).executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Records the answer of a claimed key, in the same transaction as the work. */
export async function keepAnswerIn(trx: Transaction<Database>, k: KeyedRequest, status: number, documentId: string): Promise<void> {
  await trx.updateTable('idempotency_keys').set({ status, document_id: documentId })
    .where('org_id', '=', k.orgId).where('principal', '=', k.principal).where('key', '=', k.key).execute();
}

export async function keptAnswer(db: Db, k: KeyedRequest): Promise<KeptAnswer | null> {
  const row = await db.selectFrom('idempotency_keys').select(['fingerprint', 'status', 'document_id'])
    .where('org_id', '=', k.orgId).where('principal', '=', k.principal).where('key', '=', k.key).where('expires_at', '>', now()).executeTakeFirst();
  if (!row || row.status === null || row.document_id === null) return null;
  return { fingerprint: row.fingerprint, status: Number(row.status), documentId: row.document_id };
}

/** Keys past their time, removed by the periodic storage clean-up. */
export async function removeExpiredKeys(db: Db): Promise<number> {
  const res = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now()).executeTakeFirst();
  return Number(res.numDeletedRows ?? 0);
}
