import { sql, type Transaction } from 'kysely';
import { now, type Db } from './db.js';
import type { Database } from './schema.js';

/**
 * The channel ledger: one row per (channel, remote item), the truth of what was collected. A
 * row is `pending` when its file is new or changed, is claimed (owner + expiry) while its file
 * is fetched and read, and leaves pending only in the transaction that files it, so a crash
 * at any point leaves it pending (to be collected again) or done (never collected again).
 */
export type ItemState = 'pending' | 'failed' | 'collected' | 'duplicate' | 'gone';

export interface LedgerItem {
  channelId: string; key: string; path: string; size: number; modifiedAt: string | null; remoteHash: string | null;
  state: ItemState; sha256: string | null; inboxItemId: string | null; attempts: number; error: string | null;
}

/** What the source says a file is now. */
export interface Sighting { key: string; path: string; size: number; modifiedAt: string | null; remoteHash: string | null }

/** Failed files are tried again by later runs, this many times in all. */
export const MAX_ATTEMPTS = 5;

const toItem = (r: Database['channel_items']): LedgerItem => ({
  channelId: r.channel_id, key: r.item_key, path: r.path, size: Number(r.size), modifiedAt: r.modified_at, remoteHash: r.remote_hash,
  state: r.state as ItemState, sha256: r.sha256, inboxItemId: r.inbox_item_id, attempts: r.attempts, error: r.error,
});

export async function ledgerItems(db: Db, channelId: string, keys?: string[]): Promise<Map<string, LedgerItem>> {
  const out = new Map<string, LedgerItem>();
  if (keys && keys.length === 0) return out;
  const chunks = keys ? Array.from({ length: Math.ceil(keys.length / 500) }, (_, i) => keys.slice(i * 500, i * 500 + 500)) : [null];
  for (const chunk of chunks) {
    let q = db.selectFrom('channel_items').selectAll().where('channel_id', '=', channelId);
    if (chunk) q = q.where('item_key', 'in', chunk);
    for (const r of await q.execute()) out.set(r.item_key, toItem(r));
  }
  return out;
}

/** New files, and known files whose content may have changed: pending, to be collected. */
export async function markPending(db: Db, orgId: string, channelId: string, seen: Sighting[]): Promise<void> {
  const at = now();
  for (let i = 0; i < seen.length; i += 200) {
    await db.insertInto('channel_items').values(seen.slice(i, i + 200).map((s) => ({
      channel_id: channelId, item_key: s.key, org_id: orgId, path: s.path, size: s.size, modified_at: s.modifiedAt, remote_hash: s.remoteHash,
      state: 'pending', sha256: null, inbox_item_id: null, claim_owner: null, claim_until: null, attempts: 0, error: null, collected_at: null, updated_at: at,
    }))).onConflict((oc) => oc.columns(['channel_id', 'item_key']).doUpdateSet((eb) => ({
      path: eb.ref('excluded.path'), size: eb.ref('excluded.size'), modified_at: eb.ref('excluded.modified_at'),
      remote_hash: eb.ref('excluded.remote_hash'), state: 'pending', attempts: 0, error: null, updated_at: at,
    }))).execute();
  }
}

/** A known file renamed, moved or touched without a change: only where it is now is recorded. */
export async function recordSighting(db: Db, channelId: string, s: Sighting, state?: ItemState): Promise<void> {
  await db.updateTable('channel_items').set({ path: s.path, size: s.size, modified_at: s.modifiedAt, remote_hash: s.remoteHash, ...(state && { state }), updated_at: now() })
    .where('channel_id', '=', channelId).where('item_key', '=', s.key).execute();
}

/** Files no longer in the folder. What they were collected as stays; only the row says gone. */
export async function markGone(db: Db, channelId: string, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 500) {
    await db.updateTable('channel_items').set({ state: 'gone', updated_at: now() })
      .where('channel_id', '=', channelId).where('item_key', 'in', keys.slice(i, i + 500)).execute();
  }
}

/**
 * The files a run has to collect (new, changed, or failed fewer than MAX_ATTEMPTS times), in
 * key order from just after `after`: a run pages through them instead of reading all that
 * are left for every batch.
 */
export async function itemsToCollect(db: Db, channelId: string, limit: number, after: string | null = null): Promise<LedgerItem[]> {
  let q = db.selectFrom('channel_items').selectAll().where('channel_id', '=', channelId)
    .where((eb) => eb.or([eb('state', '=', 'pending'), eb.and([eb('state', '=', 'failed'), eb('attempts', '<', MAX_ATTEMPTS)])]));
  if (after !== null) q = q.where('item_key', '>', after);
  const rows = await q.orderBy('item_key').limit(limit).execute();
  return rows.map(toItem);
}

/** Claims a batch of files at once (one statement, one query): the keys this worker now holds. */
export async function claimItems(db: Db, channelId: string, keys: string[], owner: string, ttlMs: number): Promise<Set<string>> {
  const at = new Date();
  const held = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    await db.updateTable('channel_items').set({ claim_owner: owner, claim_until: new Date(at.getTime() + ttlMs).toISOString() })
      .where('channel_id', '=', channelId).where('item_key', 'in', chunk).where('state', 'in', ['pending', 'failed'])
      .where((eb) => eb.or([eb('claim_owner', 'is', null), eb('claim_owner', '=', owner), eb('claim_until', '<', at.toISOString())]))
      .execute();
    const rows = await db.selectFrom('channel_items').select('item_key').where('channel_id', '=', channelId).where('item_key', 'in', chunk)
      .where('state', 'in', ['pending', 'failed']).where('claim_owner', '=', owner).execute();
    for (const r of rows) held.add(r.item_key);
  }
  return held;
}

/** Claims held by workers known to be gone (a killed process): freed so this run can take them. */
export async function releaseClaims(db: Db, channelId: string, owners: string[]): Promise<void> {
  if (owners.length === 0) return;
  await db.updateTable('channel_items').set({ claim_owner: null, claim_until: null }).where('channel_id', '=', channelId).where('claim_owner', 'in', owners).execute();
}

export async function claimOwners(db: Db, channelId: string): Promise<string[]> {
  const rows = await db.selectFrom('channel_items').select('claim_owner').distinct().where('channel_id', '=', channelId).where('claim_owner', 'is not', null).execute();
  return rows.map((r) => r.claim_owner!);
}

export class LostClaim extends Error {
  constructor(key: string) {
    super(`Another worker took over ${key} while this one read it; it keeps its result.`);
  }
}

/**
 * Settles a claimed file, inside the transaction that files it (or records it as a duplicate):
 * throws LostClaim, rolling everything back, when this worker no longer holds the claim.
 */
export interface Settlement { key: string; state: 'collected' | 'duplicate'; sha256: string; inboxItemId: string | null }

/**
 * Files a batch's rows as collected or duplicate, in one statement per 200 rows (a CASE per
 * column picks each row's values), only while this worker holds every claim: a row claimed
 * away throws LostClaim, and the caller's transaction undoes the batch.
 */
export async function settleItems(trx: Transaction<Database> | Db, channelId: string, owner: string, rows: Settlement[]): Promise<void> {
  const at = now();
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    const pick = (value: (r: Settlement) => string | null) => sql<string>`case item_key ${sql.join(chunk.map((r) => sql`when ${r.key} then ${value(r)}`), sql` `)} end`;
    const res = await trx.updateTable('channel_items').set({
      state: pick((r) => r.state), sha256: pick((r) => r.sha256), inbox_item_id: pick((r) => r.inboxItemId),
      claim_owner: null, claim_until: null, error: null, collected_at: at, updated_at: at,
    }).where('channel_id', '=', channelId).where('item_key', 'in', chunk.map((r) => r.key)).where('claim_owner', '=', owner).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== chunk.length) throw new LostClaim(chunk.length === 1 ? chunk[0]!.key : 'a file of this batch');
  }
}

export async function failItem(db: Db, channelId: string, key: string, owner: string, error: string): Promise<void> {
  await db.updateTable('channel_items').set({ state: 'failed', error, attempts: sql`attempts + 1`, claim_owner: null, claim_until: null, updated_at: now() })
    .where('channel_id', '=', channelId).where('item_key', '=', key).where('claim_owner', '=', owner).execute();
}

/**
 * Rows of this channel that held these bytes and whose file has left the folder (a rename seen
 * as a new path): from each content to the inbox item it was collected as.
 */
export async function goneWithContents(db: Db, channelId: string, sha256s: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < sha256s.length; i += 500) {
    const rows = await db.selectFrom('channel_items').select(['sha256', 'inbox_item_id']).where('channel_id', '=', channelId)
      .where('sha256', 'in', sha256s.slice(i, i + 500)).where('state', '=', 'gone').where('inbox_item_id', 'is not', null).execute();
    for (const r of rows) if (!out.has(r.sha256!)) out.set(r.sha256!, r.inbox_item_id!);
  }
  return out;
}

/** Paths of collected files not yet under `folder`: what a move to that folder still has to do. */
export async function collectedOutside(db: Db, channelId: string, folder: string): Promise<string[]> {
  const rows = await db.selectFrom('channel_items').select('path').where('channel_id', '=', channelId).where('state', '=', 'collected')
    .where('path', 'not like', `${folder}/%`).orderBy('item_key').execute();
  return rows.map((r) => r.path);
}

export async function ledgerCounts(db: Db, channelId: string): Promise<Record<ItemState, number>> {
  const rows = await db.selectFrom('channel_items').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).where('channel_id', '=', channelId).groupBy('state').execute();
  const out: Record<ItemState, number> = { pending: 0, failed: 0, collected: 0, duplicate: 0, gone: 0 };
  for (const r of rows) out[r.state as ItemState] = Number(r.n);
  return out;
}
