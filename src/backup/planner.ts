import type { CompanyFacts, DocumentFacts } from '../domain/documents.js';
import { collisionKey, type NameRules } from '../domain/names.js';
import { renderPath } from '../domain/layout.js';

/**
 * The pure heart of a sync: given documents, what the ledger says about them and the names
 * already taken at the destination, decide what to do. No I/O, so every rule is table-tested.
 */
export interface Candidate extends DocumentFacts {
  versionId: string;
  sha256: string;
  size: number;
}

export interface LedgerEntry {
  versionId: string | null;
  remotePath: string | null;
  intentPath: string | null;
  state: 'pending' | 'synced' | 'failed';
}

export interface PlanContext {
  template: string;
  company: CompanyFacts;
  rules: NameRules;
  startDate: string | null;
  canMove: boolean;
  /** Collision key -> document that holds that name at the destination (or is writing it). */
  taken: Map<string, string>;
}

interface Target { documentId: string; versionId: string; sha256: string; size: number; path: string }

export type Action =
  | (Target & { op: 'upload'; reason: 'new' | 'new_version' | 'restore' | 'retry'; previousPath: string | null; staleIntent: string | null })
  | (Target & { op: 'move'; from: string; staleIntent: string | null })
  | { op: 'skip'; documentId: string; reason: 'before_start_date' | 'up_to_date' | 'folder_deleted' };

/** The first free name for `doc`: its rendered path, else with " (2)", " (3)", ... */
function assignPath(doc: Candidate, ctx: PlanContext): string {
  for (let n = 1; ; n++) {
    const path = renderPath(ctx.template, doc, ctx.company, ctx.rules, n === 1 ? '' : ` (${n})`);
    const owner = ctx.taken.get(collisionKey(path, ctx.rules));
    if (owner === undefined || owner === doc.id) return path;
  }
}

/**
 * Plans one document. Claims the chosen path in `ctx.taken` so later documents in the same
 * plan do not collide with it.
 */
export function planDocument(doc: Candidate, ledger: LedgerEntry | undefined, ctx: PlanContext): Action {
  if (ctx.startDate && doc.date < ctx.startDate) return { op: 'skip', documentId: doc.id, reason: 'before_start_date' };
  if (ledger?.state === 'synced' && ledger.remotePath === null && ledger.versionId === doc.versionId) {
    // The user deleted its folder and asked us to respect that; a new version is sent again.
    return { op: 'skip', documentId: doc.id, reason: 'folder_deleted' };
  }
  const path = assignPath(doc, ctx);
  ctx.taken.set(collisionKey(path, ctx.rules), doc.id);
  const target: Target = { documentId: doc.id, versionId: doc.versionId, sha256: doc.sha256, size: doc.size, path };
  const stale = ledger?.intentPath && ledger.intentPath !== path && ledger.intentPath !== ledger.remotePath ? ledger.intentPath : null;

  if (!ledger || ledger.remotePath === null) {
    return { ...target, op: 'upload', reason: ledger?.state === 'failed' ? 'retry' : 'new', previousPath: null, staleIntent: stale };
  }
  const previousPath = ledger.remotePath !== path ? ledger.remotePath : null;
  if (ledger.versionId !== doc.versionId) {
    return { ...target, op: 'upload', reason: 'new_version', previousPath, staleIntent: stale };
  }
  if (ledger.state !== 'synced') {
    // Verify found it gone or altered, or the last attempt failed: send the bytes again.
    return { ...target, op: 'upload', reason: ledger.state === 'failed' ? 'retry' : 'restore', previousPath, staleIntent: stale };
  }
  if (previousPath) {
    return ctx.canMove
      ? { ...target, op: 'move', from: previousPath, staleIntent: stale }
      : { ...target, op: 'upload', reason: 'new_version', previousPath, staleIntent: stale };
  }
  return { op: 'skip', documentId: doc.id, reason: 'up_to_date' };
}

/** Plans a batch, in the given order (oldest change first keeps the earlier document's name). */
export function plan(docs: Candidate[], ledger: Map<string, LedgerEntry>, ctx: PlanContext): Action[] {
  return docs.map((d) => planDocument(d, ledger.get(d.id), ctx));
}
