import type { Transaction } from 'kysely';
import { canonicalJson, entryHash, type AuditEvent } from '../domain/audit.js';
import { appendEntriesIn, auditHeadRow, claimHeadIn, type AuditRow } from '../catalog/audit.js';
import { now, type Db } from '../catalog/db.js';
import type { Database } from '../catalog/schema.js';

/**
 * The one way anything is written to the audit log. Inside the caller's transaction when given
 * one (the entry commits with the change it records, or neither does), else in a transaction
 * of its own. Several events of one organization are appended together, in order.
 */
export async function recordAudit(db: Db | Transaction<Database>, orgId: string, events: AuditEvent | AuditEvent[]): Promise<void> {
  const list = Array.isArray(events) ? events : [events];
  if (list.length === 0) return;
  if (db.isTransaction) return appendIn(db as Transaction<Database>, orgId, list);
  await db.transaction().execute((trx) => appendIn(trx, orgId, list));
}

async function appendIn(trx: Transaction<Database>, orgId: string, events: AuditEvent[]): Promise<void> {
  const { firstSeq, prevHash } = await claimHeadIn(trx, orgId, events.length);
  const at = now();
  let prev = prevHash;
  const rows: AuditRow[] = events.map((e, i) => {
    const fields = {
      orgId, seq: firstSeq + i, at, type: e.type, actorKind: e.actor.kind, actorId: e.actor.id,
      objectType: e.objectType ?? null, objectId: e.objectId ?? null, companyId: e.companyId ?? null,
      details: canonicalJson(e.details ?? {}), prevHash: prev,
    };
    const hash = entryHash(fields);
    prev = hash;
    return {
      org_id: orgId, seq: fields.seq, at, type: fields.type, actor_kind: fields.actorKind, actor_id: fields.actorId,
      object_type: fields.objectType, object_id: fields.objectId, company_id: fields.companyId, details: fields.details,
      prev_hash: fields.prevHash, hash,
    };
  });
  await appendEntriesIn(trx, orgId, rows);
}

/** Where the organization's chain ends: send this elsewhere (a webhook, a mail) to make a truncation detectable. */
export async function auditHead(db: Db, orgId: string): Promise<{ orgId: string; seq: number; hash: string; at: string }> {
  const head = await auditHeadRow(db, orgId);
  return { orgId, seq: head.seq, hash: head.hash, at: head.updatedAt || now() };
}
