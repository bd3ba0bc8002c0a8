import type { Drive, Item, Tombstone } from './drive.js';
import { GraphError, invalidRequest } from './errors.js';

/** Where a round stands: a key of the sort order, compared element by element. */
type Key = [phase: number, depth: number, seq: number];

/**
 * What a delta token stands for: changes after `seq`, counted up to `upto`, the page going on
 * after the entry `after`, `top` entries a page (kept in the links, as Graph keeps $top).
 */
interface DeltaState { epoch: number; seq: number; upto?: number; after?: Key; top?: number }

const encode = (s: DeltaState) => Buffer.from(JSON.stringify(s)).toString('base64url');

function decode(token: string): DeltaState {
  try {
    const s = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as DeltaState;
    if (typeof s.epoch === 'number' && typeof s.seq === 'number') return s;
  } catch {
    // falls through to the error below
  }
  throw invalidRequest('The delta token is not valid.');
}

const later = (a: Key, b: Key) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

export interface DeltaPage { value: Record<string, unknown>[]; nextLink?: string; deltaLink?: string }

/**
 * root/delta and, on Personal, items/{id}/delta (docs/providers/onedrive.md, "Change feed"): a first call without
 * token enumerates everything; pages carry @odata.nextLink and the last one @odata.deltaLink,
 * whose token lists what changed since. Each item appears once per round, with its latest state;
 * folders come before their children; deleted items carry `deleted: {}` (Business leaves out
 * their name, Personal their size). Items that left a folder's tree by a move are reported gone
 * by that folder's delta too, as Graph's collection-level deltas report items moved out of scope.
 * A page goes on after the last entry it sent, so a change during paging moves an item into the
 * next round instead of shifting the others. A token from before invalidateDelta() answers 410
 * with a Location to enumerate afresh.
 */
/** `top`: the request's $top, if any; `fallback`: the page size without one. */
export function deltaPage(drive: Drive, folder: Item, token: string | null, top: number | null, fallback: number, selfUrl: string): DeltaPage {
  const link = (s: DeltaState) => `${selfUrl}?token=${encode(s)}`;
  if (token === 'latest') return { value: [], deltaLink: link({ epoch: drive.epoch, seq: drive.seq, top: top ?? undefined }) };
  const state: DeltaState = token ? decode(token) : { epoch: drive.epoch, seq: 0 };
  if (state.epoch !== drive.epoch) {
    throw new GraphError(410, 'resyncChangesApplyDifferences', 'The delta token is no longer valid; enumerate again.', 'resyncRequired', { Location: selfUrl });
  }
  const size = top ?? state.top ?? fallback;
  const upto = state.upto ?? drive.seq;
  const entries = collect(drive, folder, state.seq, upto).filter((e) => !state.after || later(e.key, state.after) > 0);
  const page = entries.slice(0, size);
  const keep = top ?? state.top;
  if (entries.length > size) {
    return { value: page.map((e) => e.json()), nextLink: link({ epoch: drive.epoch, seq: state.seq, upto, after: page.at(-1)!.key, top: keep }) };
  }
  return { value: page.map((e) => e.json()), deltaLink: link({ epoch: drive.epoch, seq: upto, top: keep }) };
}

function collect(drive: Drive, folder: Item, after: number, upto: number): Array<{ key: Key; json: () => Record<string, unknown> }> {
  const inRound = (seq: number) => seq > after && seq <= upto;
  const live: Array<{ item: Item; depth: number }> = [];
  const walk = (item: Item, depth: number) => {
    if (inRound(item.seq)) live.push({ item, depth });
    for (const id of item.children.values()) walk(drive.items.get(id)!, depth + 1);
  };
  walk(folder, 0);
  // Parents first: by depth, then in the order the changes happened.
  live.sort((a, b) => a.depth - b.depth || a.item.seq - b.item.seq);
  // The last way each item left this tree: deleted, or moved elsewhere (and still elsewhere).
  const gone = new Map<string, Tombstone>();
  for (const t of [...drive.departures.values(), ...drive.tombstones.values()]) {
    if (!inRound(t.seq) || !t.ancestors.includes(folder.id)) continue;
    const now = drive.items.get(t.id);
    if (now && drive.ancestorsOf(now).includes(folder.id)) continue;
    if ((gone.get(t.id)?.seq ?? -1) < t.seq) gone.set(t.id, t);
  }
  return [
    ...live.map(({ item, depth }) => ({ key: [0, depth, item.seq] as Key, json: () => drive.toJson(item, true) })),
    ...[...gone.values()].sort((a, b) => a.seq - b.seq).map((t) => ({ key: [1, 0, t.seq] as Key, json: () => tombstoneJson(drive, t) })),
  ];
}

function tombstoneJson(drive: Drive, t: Tombstone): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: t.id, deleted: { state: 'deleted' }, parentReference: { driveId: drive.id, driveType: drive.type, id: t.parentId },
  };
  if (drive.business) out.size = t.size;
  else out.name = t.name;
  return out;
}
