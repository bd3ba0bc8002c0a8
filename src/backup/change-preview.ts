import type { Db } from '../catalog/db.js';
import { getCompany } from '../catalog/organizations.js';
import type { DestinationRow } from '../catalog/destinations.js';
import { deliveriesFor, remotePaths } from '../catalog/deliveries.js';
import { documentsChangedSince } from '../catalog/documents.js';
import { collisionKey, type NameRules } from '../domain/names.js';
import { resolveLayout } from '../domain/layout.js';
import { plan } from './planner.js';
import { toCandidate } from './sync.js';

export interface ChangePreview {
  /** Files already there that would go to another folder or name. */
  moves: number;
  /** Files that would be sent (new, a new version, or one to retry). */
  uploads: number;
  /** Documents the start date keeps out. */
  skipped: number;
  /** Files that stay where they are. */
  unchanged: number;
}

const PAGE = 500;

/**
 * What a new layout or start date would do at a destination, without doing it: the planner run
 * over every document of the company against the ledger, as the next pass would, so the user
 * sees how many files move before saving. Nothing is written and nothing is connected to.
 */
export async function previewChange(db: Db, dst: DestinationRow, rules: NameRules, change: { layout?: string; startDate?: string | null }): Promise<ChangePreview> {
  const company = await getCompany(db, dst.orgId, dst.companyId);
  const taken = new Map<string, string>();
  for (const r of await remotePaths(db, dst.id)) taken.set(collisionKey(r.path, rules), r.documentId);
  const ctx = {
    template: resolveLayout(change.layout ?? dst.layout), company, rules,
    startDate: change.startDate === undefined ? dst.startDate : change.startDate, canMove: true, taken,
  };
  const out: ChangePreview = { moves: 0, uploads: 0, skipped: 0, unchanged: 0 };
  for (let seq = 0; ;) {
    const page = await documentsChangedSince(db, dst.companyId, seq, PAGE);
    if (page.length === 0) break;
    const ledger = await deliveriesFor(db, dst.id, page.map((d) => d.id));
    for (const a of plan(page.map(toCandidate), ledger, ctx)) {
      if (a.op === 'move') out.moves++;
      else if (a.op === 'upload') out.uploads++;
      else if (a.reason === 'before_start_date') out.skipped++;
      else out.unchanged++;
    }
    seq = Number(page.at(-1)!.change_seq);
  }
  return out;
}
