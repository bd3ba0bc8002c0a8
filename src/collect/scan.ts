import { joinPath, type Change, type Entry, type HashType, type StorageConnector } from '../connectors/connector.js';
import { COLLECTED_FOLDER } from '../domain/channels.js';
import type { Db } from '../catalog/db.js';
import { ledgerItems, markGone, markPending, recordSighting, type LedgerItem, type Sighting } from '../catalog/ledger.js';

/**
 * Reading the source into the ledger, before anything is collected: which files are new or
 * changed (pending), which were only renamed, moved or touched (recorded where they are now),
 * and which left the folder. Only pending files cost a download.
 */

/** Not documents: system and editor files that folders collect by themselves. */
export function isDocumentName(name: string): boolean {
  return !name.startsWith('.') && !name.startsWith('~$') && !/^(thumbs\.db|desktop\.ini|icon\r)$/i.test(name) && !/\.(tmp|part|crdownload)$/i.test(name);
}

// The provider's own content hash, in a fixed order of preference, as "type:value".
const HASH_ORDER: HashType[] = ['quickxor', 'dropbox', 'md5', 'sha1', 'sha256'];
function remoteHash(e: Entry): string | null {
  for (const t of HASH_ORDER) if (e.hashes?.[t]) return `${t}:${e.hashes[t]}`;
  return null;
}

const sighting = (key: string, e: Entry): Sighting => ({ key, path: e.path, size: e.size, modifiedAt: e.modifiedAt?.toISOString() ?? null, remoteHash: remoteHash(e) });

/**
 * Whether a known file's content may have changed: the provider's hash says so when both
 * sides have one; else its size or modification time moved.
 */
function mayHaveChanged(row: LedgerItem, s: Sighting): boolean {
  if (row.remoteHash && s.remoteHash && row.remoteHash.split(':')[0] === s.remoteHash.split(':')[0]) return row.remoteHash !== s.remoteHash;
  return row.size !== s.size || row.modifiedAt !== s.modifiedAt;
}

export interface ScanResult { pending: number }

/** Brings the ledger up to date with a batch of sightings (a feed page, or a whole listing). */
async function record(db: Db, orgId: string, channelId: string, seen: Sighting[], known: Map<string, LedgerItem>): Promise<ScanResult> {
  const pending: Sighting[] = [];
  for (const s of seen) {
    const row = known.get(s.key);
    if (row?.state === 'failed' && !mayHaveChanged(row, s)) {
      continue; // retried by itemsToCollect until it has failed MAX_ATTEMPTS times; a change starts it afresh
    } else if (!row || row.state === 'pending' || row.state === 'failed' || !row.sha256 || mayHaveChanged(row, s)) {
      pending.push(s);
    } else if (row.path !== s.path || row.state === 'gone' || row.modifiedAt !== s.modifiedAt || row.remoteHash !== s.remoteHash) {
      // Renamed, moved or touched: the same content, so it is not collected again.
      await recordSighting(db, channelId, s, row.state === 'gone' ? 'collected' : undefined);
    }
  }
  await markPending(db, orgId, channelId, pending);
  return { pending: pending.length };
}

/** Files below `dir`, every level, leaving out the Collected folder when files are moved there. */
async function* walk(connector: StorageConnector, dir: string, skipCollected: boolean, signal?: AbortSignal): AsyncGenerator<Entry> {
  const dirs: Entry[] = [];
  for await (const e of connector.list(dir, { signal })) {
    if (!isDocumentName(e.name)) continue;
    if (e.isDir) { if (!(skipCollected && dir === '' && e.name === COLLECTED_FOLDER)) dirs.push(e); } else yield e;
  }
  for (const d of dirs) yield* walk(connector, joinPath(dir, d.name), false, signal);
}

/** A source without a change feed (SFTP, WebDAV, a local folder): one listing, compared with the whole ledger. */
export async function scanListing(db: Db, orgId: string, channelId: string, connector: StorageConnector, skipCollected: boolean, signal?: AbortSignal): Promise<ScanResult> {
  const known = await ledgerItems(db, channelId);
  const seen: Sighting[] = [];
  for await (const e of walk(connector, '', skipCollected, signal)) seen.push(sighting(e.path, e));
  const result = await record(db, orgId, channelId, seen, known);
  const present = new Set(seen.map((s) => s.key));
  await markGone(db, channelId, [...known.values()].filter((r) => r.state !== 'gone' && !present.has(r.key)).map((r) => r.key));
  return result;
}

/**
 * One page of a change feed. A delete may come without a name, so rows are keyed by the
 * provider's id. After a reset, files listed again are compared like any other sighting, and
 * nothing is taken as deleted.
 */
export async function recordChanges(db: Db, orgId: string, channelId: string, changes: Change[], skipCollected: boolean): Promise<ScanResult> {
  // The feed may repeat an item within a page: the last occurrence is the current one.
  const last = new Map<string, Change>();
  for (const c of changes) last.set(c.type === 'upsert' ? c.entry.id : c.id, c);
  const ids = [...last.keys()];
  const known = await ledgerItems(db, channelId, ids);
  const seen: Sighting[] = [];
  const gone: string[] = [];
  for (const [id, c] of last) {
    if (c.type === 'delete' || c.entry.isDir || !isDocumentName(c.entry.name)) {
      if (c.type === 'delete' && known.has(id)) gone.push(id);
      continue;
    }
    // Moved into Collected/ by Dossier itself: still known by its id, never collected again.
    if (skipCollected && c.entry.path.startsWith(`${COLLECTED_FOLDER}/`) && !known.has(id)) continue;
    seen.push(sighting(id, c.entry));
  }
  const result = await record(db, orgId, channelId, seen, known);
  const byPath = [...last.values()].flatMap((c) => (c.type === 'delete' && !known.has(c.id) && c.path ? [c.path] : []));
  if (byPath.length > 0) gone.push(...(await keysAt(db, channelId, byPath, new Set(seen.map((s) => s.key)))));
  await markGone(db, channelId, gone);
  return result;
}

/**
 * The rows at, or below, paths a feed said were deleted without an id the ledger knows: Dropbox
 * names deletes by path only (a deleted folder is one entry for all below it), and a folder
 * removed from Drive or OneDrive is one delete for its files. Paths compare without case, as
 * Dropbox reports them lower-cased; files seen again in the same page (a move) stay.
 */
async function keysAt(db: Db, channelId: string, paths: string[], seen: Set<string>): Promise<string[]> {
  const lower = paths.map((p) => p.toLowerCase());
  const rows = await db.selectFrom('channel_items').select(['item_key', 'path']).where('channel_id', '=', channelId).where('state', '!=', 'gone').execute();
  return rows.filter((r) => !seen.has(r.item_key) && lower.some((p) => { const l = r.path.toLowerCase(); return l === p || l.startsWith(`${p}/`); })).map((r) => r.item_key);
}
