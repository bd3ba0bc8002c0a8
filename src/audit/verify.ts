import { GENESIS_HASH, hashChainFields } from '../domain/audit.js';
import { readChain } from '../catalog/audit.js';
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

/**
 * Recomputes the organization's chain from its first entry, in one ordered read of a snapshot
 * (memory stays flat whatever its length), and names the first entry that does not match. Each
 * row is hashed from its stored columns as read: the chain rule hashes the stored text of
 * details, so nothing is parsed or re-serialised, and every field the rule covers is checked.
 */
export async function verifyChain(db: Db, orgId: string, onProgress?: (checked: number) => void): Promise<ChainReport> {
  let expectedSeq = 1, prevHash = GENESIS_HASH, checked = 0;
  let failure = null as ChainReport['firstFailure'];
  const fail = (seq: number, problem: ChainProblem, message: string) => { failure = { seq, problem, message }; return false; };
  // The rule's fields: version, org_id, then the row's columns up to prev_hash (filled per row).
  const fields: Array<string | number | null> = [1, orgId, 0, '', '', '', null, null, null, null, '', ''];
  const head = await readChain(db, orgId, (_head, rows) => {
    for (const r of rows) {
      const seq = r[0];
      if (seq !== expectedSeq) return fail(expectedSeq, 'missing_entry', `Entry ${expectedSeq} is missing: the next entry there is ${seq}.`);
      if (r[9] !== prevHash) {
        return fail(seq, 'previous_mismatch', `Entry ${seq} does not chain to entry ${seq - 1}: it names ${r[9]} as the previous hash, which is ${prevHash}.`);
      }
      for (let i = 0; i < 10; i++) fields[i + 2] = r[i]!;
      if (hashChainFields(fields) !== r[10]) return fail(seq, 'hash_mismatch', `Entry ${seq} was changed after it was written: its fields no longer give its hash ${r[10]}.`);
      prevHash = r[10];
      expectedSeq += 1;
      checked += 1;
    }
    onProgress?.(checked);
    return true;
  });
  const report = (firstFailure: ChainReport['firstFailure']): ChainReport =>
    ({ orgId, ok: firstFailure === null, entries: checked, head: { seq: head.seq, hash: head.hash }, firstFailure });
  if (failure) return report(failure);
  const last = expectedSeq - 1;
  if (head.seq > last) return report({ seq: last + 1, problem: 'truncated', message: `Entries ${last + 1} to ${head.seq} are missing: the chain's head says it ends at ${head.seq}.` });
  if (head.seq < last || head.hash !== prevHash) {
    return report({ seq: last, problem: 'head_mismatch', message: `The chain ends at entry ${last} with hash ${prevHash}, but its head records entry ${head.seq} with hash ${head.hash}.` });
  }
  return report(null);
}
