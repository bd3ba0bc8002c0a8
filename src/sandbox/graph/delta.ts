import type { Drive, Item, Tombstone } from './drive.js';
import { GraphError, invalidRequest } from './errors.js';

/** What a delta token stands for: changes after `seq`, counted up to `upto`, page from `offset`. */
interface DeltaState { epoch: number; seq: number; upto?: number; offset?: number }

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

export interface DeltaPage { value: Record<string, unknown>[]; nextLink?: string; deltaLink?: string }

/**
 * root/delta (research/providers.md 1.6): a first call without token enumerates everything;
 * pages carry @odata.nextLink and the last one @odata.deltaLink, whose token lists what changed
 * since. Each item appears once per round, with its latest state; folders come before their
 * children; deleted items carry `deleted: {}` (Business leaves out their name, Personal their size).
 * A token from before invalidateDelta() answers 410 with a Location to enumerate afresh.
 */
export function deltaPage(drive: Drive, folder: Item, token: string | null, top: number, selfUrl: string): DeltaPage {
  if (token === 'latest') return { value: [], deltaLink: `${selfUrl}?token=${encode({ epoch: drive.epoch, seq: drive.seq })}` };
  const state: DeltaState = token ? decode(token) : { epoch: drive.epoch, seq: 0 };
  if (state.epoch !== drive.epoch) {
    throw new GraphError(410, 'resyncChangesApplyDifferences', 'The delta token is no longer valid; enumerate again.', 'resyncRequired', { Location: selfUrl });
  }
  const upto = state.upto ?? drive.seq;
  const changes = collect(drive, folder, state.seq, upto);
  const offset = state.offset ?? 0;
  const value = changes.slice(offset, offset + top);
  if (offset + top < changes.length) {
    return { value, nextLink: `${selfUrl}?token=${encode({ epoch: drive.epoch, seq: state.seq, upto, offset: offset + top })}` };
  }
  return { value, deltaLink: `${selfUrl}?token=${encode({ epoch: drive.epoch, seq: upto })}` };
}

function collect(drive: Drive, folder: Item, after: number, upto: number): Record<string, unknown>[] {
  const inRound = (seq: number) => seq > after && seq <= upto;
  const live: Array<{ item: Item; depth: number }> = [];
  const walk = (item: Item, depth: number) => {
    if (inRound(item.seq)) live.push({ item, depth });
    for (const id of item.children.values()) walk(drive.items.get(id)!, depth + 1);
  };
  walk(folder, 0);
  // Parents first: by depth, then in the order the changes happened.
  live.sort((a, b) => a.depth - b.depth || a.item.seq - b.item.seq);
  const gone = [...drive.tombstones.values()]
    .filter((t) => inRound(t.seq) && (t.ancestors.includes(folder.id)))
    .sort((a, b) => a.seq - b.seq);
  return [...live.map(({ item }) => drive.toJson(item, true)), ...gone.map((t) => tombstoneJson(drive, t))];
}

function tombstoneJson(drive: Drive, t: Tombstone): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: t.id, deleted: { state: 'deleted' }, parentReference: { driveId: drive.id, driveType: drive.type, id: t.parentId },
  };
  if (drive.business) out.size = t.size;
  else out.name = t.name;
  return out;
}
