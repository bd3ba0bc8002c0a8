import { entryHash, GENESIS_HASH } from '../domain/audit.js';
import { auditHeadRow, chainPage, type AuditRow } from '../catalog/audit.js';
import type { Db } from '../catalog/db.js';

export type ChainProblem =
  | 'hash_mismatch' // a field of the entry was changed after it was written (its hash no longer matches)
  | 'previous_mismatch' // the entry does not chain to the one before it (entries swapped, or rewritten from here)
  | 'missing_entry' // a gap in seq: an entry was deleted
  | 'truncated' // the head says the chain is longer than the entries there are
  | 'head_mismatch'; // the last entry's hash is not the one the head recorded

export interface ChainReport {
  orgId: string;
  ok: boolean;
  /** Entries checked. */
  entries: number;
  head: { seq: number; hash: string };
  /** The first entry that does not match, with what is wrong; null when the chain is whole. */
  firstFailure: { seq: number; problem: ChainProblem; message: string } | null;
}

const PAGE = 5_000;

/**
 * Recomputes the organization's chain from its first entry, a page of rows at a time in seq
 * order (memory stays flat whatever its length), and names the first entry that does not match.
 */
export async function verifyChain(db: Db, orgId: string, onProgress?: (checked: number) => void): Promise<ChainReport> {
  const head = await auditHeadRow(db, orgId);
  let expectedSeq = 1, prevHash = GENESIS_HASH, checked = 0;
  const fail = (seq: number, problem: ChainProblem, message: string): ChainReport =>
    ({ orgId, ok: false, entries: checked, head: { seq: head.seq, hash: head.hash }, firstFailure: { seq, problem, message } });
  for (;;) {
    const rows = await chainPage(db, orgId, expectedSeq - 1, PAGE);
    if (rows.length === 0) break;
    for (const r of rows) {
      if (r.seq !== expectedSeq) return fail(expectedSeq, 'missing_entry', `Entry ${expectedSeq} is missing: the next entry there is ${r.seq}.`);
      if (r.prev_hash !== prevHash) {
        return fail(r.seq, 'previous_mismatch', `Entry ${r.seq} does not chain to entry ${r.seq - 1}: it names ${r.prev_hash} as the previous hash, which is ${prevHash}.`);
      }
      if (recompute(r) !== r.hash) return fail(r.seq, 'hash_mismatch', `Entry ${r.seq} was changed after it was written: its fields no longer give its hash ${r.hash}.`);
      prevHash = r.hash;
      expectedSeq += 1;
      checked += 1;
    }
    onProgress?.(checked);
  }
  const last = expectedSeq - 1;
  if (head.seq > last) return fail(last + 1, 'truncated', `Entries ${last + 1} to ${head.seq} are missing: the chain's head says it ends at ${head.seq}.`);
  if (head.seq < last || head.hash !== prevHash) {
    return fail(last, 'head_mismatch', `The chain ends at entry ${last} with hash ${prevHash}, but its head records entry ${head.seq} with hash ${head.hash}.`);
  }
  return { orgId, ok: true, entries: checked, head: { seq: head.seq, hash: head.hash }, firstFailure: null };
}

export function recompute(r: AuditRow): string {
  return entryHash({
    orgId: r.org_id, seq: Number(r.seq), at: r.at, type: r.type, actorKind: r.actor_kind, actorId: r.actor_id,
    objectType: r.object_type, objectId: r.object_id, companyId: r.company_id, details: r.details, prevHash: r.prev_hash,
  });
}
