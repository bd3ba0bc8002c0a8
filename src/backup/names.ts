import { collisionKey, foldName } from '../domain/names.js';
import { renderPath } from '../domain/layout.js';
import type { Db } from '../catalog/db.js';
import { namesTaken } from '../catalog/deliveries.js';
import { plan, type Action, type Candidate, type LedgerEntry, type PlanContext } from './planner.js';

/**
 * The names a page of documents could take, read from the ledger for that page only. The
 * planner asks with `get`; a name it asks for that was not read yet is noted in `missing`, and
 * the page is planned again once those are read too. Names claimed while planning are this
 * pass's own. So a pass holds a page's names, never every name at the destination: its memory
 * does not grow with the archive (docs/scale.md).
 */
class PageNames extends Map<string, string> {
  readonly missing = new Set<string>();
  constructor(private readonly known: Set<string>, loaded: Map<string, string>) {
    super(loaded);
  }

  override get(key: string): string | undefined {
    if (!this.known.has(key) && !super.has(key)) this.missing.add(key);
    return super.get(key);
  }
}

/** Candidates tried before asking the ledger again: the name itself and its first two " (n)" forms. */
const FIRST_TRIES = 3;

/**
 * Plans a page against the names the ledger holds for it: reads the names the page's documents
 * would take first, plans, and when the planner went further down a " (n)" row than what was
 * read, reads those and plans again. Returns the actions and the names map the executor keeps
 * up to date while it transfers.
 */
export async function planPage(db: Db, destinationId: string, docs: Candidate[], ledger: Map<string, LedgerEntry>,
  ctx: Omit<PlanContext, 'taken'>,
  /** Names taken that the ledger does not hold (a preview's own, claimed on earlier pages), by collision key. */
  claimedElsewhere?: (keys: string[]) => Promise<Map<string, string>>): Promise<{ actions: Action[]; taken: Map<string, string> }> {
  const known = new Set<string>();
  const loaded = new Map<string, string>();
  const load = async (keys: Iterable<string>) => {
    const want = [...keys].filter((k) => !known.has(k));
    for (const k of want) known.add(k);
    const wanted = new Set(want);
    for (const r of await namesTaken(db, destinationId, want.map(foldName))) {
      const key = collisionKey(r.path, ctx.rules);
      if (wanted.has(key)) loaded.set(key, r.documentId);
    }
    if (claimedElsewhere) for (const [key, id] of await claimedElsewhere(want)) if (!loaded.has(key)) loaded.set(key, id);
  };
  const first: string[] = [];
  for (const d of docs) {
    for (let n = 1; n <= FIRST_TRIES; n++) first.push(collisionKey(renderPath(ctx.template, d, ctx.company, ctx.rules, n === 1 ? '' : ` (${n})`), ctx.rules));
  }
  await load(first);
  for (;;) {
    const taken = new PageNames(known, loaded);
    const actions = plan(docs, ledger, { ...ctx, taken });
    if (taken.missing.size === 0) return { actions, taken };
    await load(taken.missing);
  }
}

