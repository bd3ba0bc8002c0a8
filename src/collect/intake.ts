import type { Logger } from 'pino';
import { isConnectorError, joinPath, splitPath, type StorageConnector } from '../connectors/connector.js';
import { COLLECTED_FOLDER } from '../domain/channels.js';
import type { Transaction } from 'kysely';
import { isUniqueViolation, type Db } from '../catalog/db.js';
import type { Database } from '../catalog/schema.js';
import type { DocumentMeta, DocumentRow } from '../catalog/documents.js';
import type { Channel } from '../catalog/channels.js';
import type { Company } from '../catalog/organizations.js';
import type { Outcome } from '../catalog/collect-runs.js';
import type { Announce } from '../events/occurrences.js';
import { inboxItemsWithContent, inboxItemsWithKeys, insertInboxItems, noteDuplicate, type NewInboxItem } from '../catalog/inbox.js';
import { claimItems, collectedOutside, failItem, goneWithContents, LostClaim, settleItems, type LedgerItem, type Settlement } from '../catalog/ledger.js';
import { newId } from '../domain/ids.js';
import { saveDocumentTexts } from '../catalog/document-list.js';
import type { BlobStore } from '../vault/blobs.js';
import type { StagedBlob, VaultService } from '../vault/service.js';
import { documentMeta } from './fields.js';
import { mimeOf, NOT_READ_YET, readBlob, type Reading } from './reading.js';
import { recordAudit } from '../audit/log.js';
import type { AuditActor } from '../domain/audit.js';

export interface IntakeDeps {
  db: Db;
  log: Logger;
  vault: VaultService;
  blobs: BlobStore;
  /** Read each collected document (e-invoice XML, PDF text, OCR); off only for benchmarks of the transfer itself. */
  readDocuments: boolean;
  /**
   * Where the reading of new documents is queued as jobs (READ_JOB), so that any worker reads
   * them; without it they are read here, before they are filed (a process that runs no jobs).
   */
  readLater?: (orgId: string, inboxItemIds: string[]) => Promise<void>;
  /** Where webhooks and alerts hear of documents received, runs finished and channel states. */
  announce?: Announce;
}

/** What filing needs to know: the same for a folder's files and a message's attachments. */
export interface FilingJob {
  orgId: string;
  channel: Channel;
  company: Company;
  /** Who claims: this process. */
  owner: string;
}

export interface IntakeJob extends FilingJob {
  connector: StorageConnector;
}

export interface IntakeResult { outcome: Outcome; inboxItemId: string | null; error: string | null }

/** How long a claim holds without being settled: far longer than reading one document takes. */
export const CLAIM_MS = 15 * 60_000;
/** Documents read at once: reading is CPU work (PDF text, OCR), so about the cores, not the network. */
const READ_DEPTH = 2;

type RecordDocuments = (docs: Array<{ meta: DocumentMeta; blob: StagedBlob }>) => Promise<DocumentRow[]>;

/** Runs `fn` over `items`, `depth` at a time; the first error stops new starts and is thrown once the others settle. */
export async function eachLimited<T>(items: T[], depth: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      try { await fn(items[next++]!); } catch (error) { failure ??= { error }; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(depth, items.length) }, worker));
  if (failure) throw failure.error;
}

/**
 * A file's bytes in the blob store (not yet forced to disk), with its ledger row. `mime` when
 * the bytes were already judged by content (a mail attachment); else the name says it.
 */
export interface Fetched { item: LedgerItem; blob: { sha256: string; size: number }; name: string; mime?: string }
/** What one file turns out to be before it is filed; `fields` etc. only for a new document. */
type Verdict =
  | { kind: 'unchanged' | 'already_collected'; inboxItemId: string | null }
  | { kind: 'duplicate'; of: string }
  | { kind: 'new' };

/** Whether the state a batch was read against moved before its transaction: that batch is filed file by file instead. */
class StaleVerdict extends Error {}

/** What the catalog knows of a batch's contents: renamed files (gone rows) and inbox items, each by SHA-256. */
interface Known { gone: Map<string, string>; inbox: Map<string, string> }

async function known(trx: Db | Transaction<Database>, job: FilingJob, batch: Fetched[]): Promise<Known> {
  const shas = [...new Set(batch.map((f) => f.blob.sha256))];
  return { gone: await goneWithContents(trx, job.channel.id, shas), inbox: await inboxItemsWithContent(trx, job.channel.companyId, shas) };
}

/** Touched, a rename a listing saw as a new path, the same bytes as an inbox item, or a new document. */
function verdict(k: Known, f: Fetched): Verdict {
  // Touched, or changed and changed back: the bytes this row was collected with.
  if (f.item.sha256 === f.blob.sha256) return { kind: 'unchanged', inboxItemId: f.item.inboxItemId };
  // A listing sees a renamed or moved file as a new path; its bytes say it was collected.
  const renamed = k.gone.get(f.blob.sha256);
  if (renamed) return { kind: 'already_collected', inboxItemId: renamed };
  const existing = k.inbox.get(f.blob.sha256);
  return existing ? { kind: 'duplicate', of: existing } : { kind: 'new' };
}

/**
 * A new file's reading: now, or (with `readLater`) none yet, the item filed as `reading` and its
 * job queued after the commit.
 */
async function read(deps: IntakeDeps, f: Fetched): Promise<Reading> {
  if (deps.readDocuments && deps.readLater) return NOT_READ_YET;
  return readBlob(deps.blobs, f.blob, f.name, f.mime ?? mimeOf(f.name), deps.readDocuments ? undefined : 'Reading is turned off for this run.');
}

/**
 * Files fetched files inside one transaction, each as its verdict says: the vault documents and
 * their versions, the inbox items, and the ledger rows settled (only while this worker holds
 * every claim, else LostClaim rolls it all back), a few statements for the whole batch.
 * `readings` holds what was read of the files judged new beforehand; a file that became new
 * since throws StaleVerdict.
 */
async function fileIn(trx: Transaction<Database>, record: RecordDocuments, job: FilingJob, batch: Fetched[], readings: Map<Fetched, Reading>): Promise<IntakeResult[]> {
  const { channel } = job;
  const out: IntakeResult[] = [];
  const settled: Settlement[] = [];
  const duplicatesOf: string[] = [];
  const fresh: Array<{ f: Fetched; r: Reading; item: Omit<NewInboxItem, 'documentId'> & { id: string } }> = [];
  const k = await known(trx, job, batch);
  // The first item with each supplier + number + amount: one already filed, else the first of this batch.
  const firstWithKey = await inboxItemsWithKeys(trx, channel.companyId, [...readings.values()].flatMap((r) => (r.key ? [r.key] : [])));
  for (const f of batch) {
    const v = verdict(k, f);
    const settle = (state: Settlement['state'], inboxItemId: string | null) => settled.push({ key: f.item.key, state, sha256: f.blob.sha256, inboxItemId });
    if (v.kind === 'unchanged' || v.kind === 'already_collected') {
      settle('collected', v.inboxItemId);
      out.push({ outcome: v.kind, inboxItemId: v.inboxItemId, error: null });
    } else if (v.kind === 'duplicate') {
      settle('duplicate', v.of);
      duplicatesOf.push(v.of); // noted once every item of the batch is written: it may be one of them
      out.push({ outcome: 'duplicate', inboxItemId: v.of, error: null });
    } else {
      const r = readings.get(f);
      if (!r) throw new StaleVerdict();
      const id = newId('inb');
      const likely = r.key ? firstWithKey.get(r.key) ?? null : null;
      if (r.key && !likely) firstWithKey.set(r.key, id);
      fresh.push({ f, r, item: {
        id, companyId: channel.companyId, binderId: channel.binderId, recipientId: channel.recipientId, channelId: channel.id,
        sha256: f.blob.sha256, filename: f.name, sourcePath: f.item.path, fields: r.fields, extraction: r.extraction,
        dedupeKey: r.key, likelyDuplicateOf: likely, previousId: f.item.inboxItemId, status: r === NOT_READ_YET ? 'reading' : 'to_review',
      } });
      settle('collected', id);
      k.inbox.set(f.blob.sha256, id); // the same bytes later in the batch are a duplicate of this one
      out.push({ outcome: f.item.inboxItemId ? 'changed' : likely ? 'likely_duplicate' : 'collected', inboxItemId: id, error: null });
    }
  }
  const docs = await record(fresh.map(({ f, r }) => {
    const fileDate = f.item.modifiedAt ? f.item.modifiedAt.slice(0, 10) : new Date().toISOString().slice(0, 10);
    return { meta: documentMeta(r.fields, job.company.name, fileDate), blob: { ...f.blob, filename: f.name, mime: f.mime ?? mimeOf(f.name) } };
  }));
  await insertInboxItems(trx, job.orgId, fresh.map(({ item }, i) => ({ ...item, documentId: docs[i]!.id })));
  await saveDocumentTexts(trx, job.orgId, fresh.flatMap(({ r }, i) => (r.text ? [{ documentId: docs[i]!.id, text: r.text }] : [])));
  await recordAudit(trx, job.orgId, fresh.map(({ f, item }, i) => ({
    type: 'document.collected' as const, actor: collectedBy(channel.id), objectType: 'document', objectId: docs[i]!.id, companyId: channel.companyId,
    details: { channelId: channel.id, inboxItemId: item.id, sourcePath: f.item.path, sha256: f.blob.sha256, size: f.blob.size },
  })));
  for (const id of duplicatesOf) await noteDuplicate(trx, id);
  await settleItems(trx, channel.id, job.owner, settled);
  return out;
}

/** A collected file comes from the client's folder of a channel: the channel is who brought it. */
const collectedBy = (channelId: string): AuditActor => ({ kind: 'client', id: channelId });

/** The outcomes of a file that became a new inbox item. */
const FILED = new Set<Outcome>(['collected', 'changed', 'likely_duplicate']);

/** Reads the files judged new, then files the batch in one transaction. */
async function file(deps: IntakeDeps, job: FilingJob, batch: Fetched[]): Promise<IntakeResult[]> {
  const readings = new Map<Fetched, Reading>();
  const fresh: Fetched[] = [];
  const k = await known(deps.db, job, batch);
  const bytes = new Set<string>(); // the same bytes twice in a batch: read once, the second is its duplicate
  for (const f of batch) if (verdict(k, f).kind === 'new' && !bytes.has(f.blob.sha256)) { bytes.add(f.blob.sha256); fresh.push(f); }
  await eachLimited(fresh, READ_DEPTH, async (f) => { readings.set(f, await read(deps, f)); });
  const results = await deps.vault.recordStaged(job.orgId, job.channel.companyId, (trx, record) => fileIn(trx, record, job, batch, readings), collectedBy(job.channel.id));
  // Queued after the commit; a job lost before it runs is queued again at the next start.
  const unread = results.flatMap((r, i) => (r.inboxItemId && readings.get(batch[i]!) === NOT_READ_YET && FILED.has(r.outcome) ? [r.inboxItemId] : []));
  if (unread.length > 0) await deps.readLater!(job.orgId, unread).catch((err: unknown) => deps.log.warn({ err, channel: job.channel.id }, 'could not queue the reading of collected documents; they are queued again at the next start'));
  // Announced after the commit: a receiver is never told of an item a rollback took back.
  for (const [i, r] of results.entries()) {
    if (!r.inboxItemId || !FILED.has(r.outcome)) continue;
    await deps.announce?.({
      type: 'collection.document_received', orgId: job.orgId, subject: r.inboxItemId,
      data: { inboxItemId: r.inboxItemId, channelId: job.channel.id, companyId: job.channel.companyId, binderId: job.channel.binderId, filename: batch[i]!.name, outcome: r.outcome },
    });
  }
  return results;
}

/** A file that could not be collected: failed in the ledger (retried by later runs), unless the whole run has to stop. */
async function failure(deps: IntakeDeps, job: FilingJob, item: LedgerItem, e: unknown, signal?: AbortSignal): Promise<IntakeResult | null> {
  if (e instanceof LostClaim) return null;
  if (signal?.aborted || isConnectorError(e, 'cancelled')) throw e;
  // A connection that broke concerns the whole channel: the run stops and says so.
  if (isConnectorError(e, 'auth_expired') || isConnectorError(e, 'permission_denied')) throw e;
  const message = e instanceof Error ? e.message : String(e);
  await failItem(deps.db, job.channel.id, item.key, job.owner, message);
  deps.log.warn({ channel: job.channel.id, path: item.path, err: message }, 'collecting a file failed');
  return { outcome: 'failed', inboxItemId: null, error: message };
}

export interface BatchResult { item: LedgerItem; result: IntakeResult }

/** A batch downloaded and not yet filed: its files, and the results of those that failed already. */
export interface FetchedBatch { fetched: Fetched[]; results: BatchResult[] }

/**
 * The first half of collecting a batch of pending files: claims them in one statement and
 * fetches them `depth` at a time into the blob store, not yet forced to disk. Files not this
 * worker's (done meanwhile, or claimed by another live worker) are left out.
 */
export async function fetchBatch(deps: IntakeDeps, job: IntakeJob, items: LedgerItem[], depth: number, signal?: AbortSignal): Promise<FetchedBatch> {
  const held = await claimItems(deps.db, job.channel.id, items.map((i) => i.key), job.owner, CLAIM_MS);
  const out: FetchedBatch = { fetched: [], results: [] };
  await eachLimited(items.filter((i) => held.has(i.key)), depth, async (item) => {
    try {
      signal?.throwIfAborted();
      const blob = await deps.vault.stage(await job.connector.read(item.path, { signal }), { durable: false });
      out.fetched.push({ item, blob, name: splitPath(item.path)[1] });
    } catch (e) {
      const result = await failure(deps, job, item, e, signal);
      if (result) out.results.push({ item, result });
    }
  });
  out.fetched.sort((a, b) => (a.item.key < b.item.key ? -1 : 1)); // filed in ledger order, whatever order the reads ended in
  return out;
}

/**
 * The second half: forces the batch's bytes to disk in one pass, reads the new documents, and
 * files the whole batch in one transaction. A crash anywhere leaves each file pending (its
 * bytes at most an unreferenced blob) or filed. When the batch transaction cannot commit (the
 * same bytes filed by another channel a moment ago, a claim lost), each file is filed on its
 * own, so one file's conflict does not hold back the others.
 */
export async function fileBatch(deps: IntakeDeps, job: FilingJob | IntakeJob, batch: FetchedBatch, signal?: AbortSignal): Promise<BatchResult[]> {
  const { fetched } = batch;
  const out = [...batch.results];
  if (fetched.length === 0) return out;
  await deps.vault.syncStaged(fetched.map((f) => f.blob.sha256));
  try {
    const results = await file(deps, job, fetched);
    fetched.forEach((f, i) => out.push({ item: f.item, result: results[i]! }));
  } catch {
    for (const f of fetched) {
      const result = await file(deps, job, [f]).then((r) => r[0]!, async (e: unknown) => {
        // The same bytes filed by another channel a moment ago: the unique index caught it; judged again, it is a duplicate.
        if (isUniqueViolation(e)) return file(deps, job, [f]).then((r) => r[0]!, (again: unknown) => failure(deps, job, f.item, again, signal));
        return failure(deps, job, f.item, e, signal);
      });
      if (result) out.push({ item: f.item, result });
    }
  }
  if ('connector' in job) for (const { item, result } of out) if (result.outcome === 'collected' || result.outcome === 'likely_duplicate' || result.outcome === 'changed') await moveAside(deps, job, item.path);
  return out;
}

/**
 * With the option on, the files collected by earlier runs that are still in the folder move
 * to Collected/: the process may have died between filing a file and moving it.
 */
export async function moveOutstanding(deps: IntakeDeps, job: IntakeJob): Promise<void> {
  if (!job.channel.moveCollected || !job.connector.move) return;
  for (const path of await collectedOutside(deps.db, job.channel.id, COLLECTED_FOLDER)) await moveAside(deps, job, path);
}

/** With the option on, a collected file moves to Collected/ in the source folder; a failure there loses nothing. */
async function moveAside(deps: IntakeDeps, job: IntakeJob, path: string): Promise<void> {
  const c = job.connector;
  if (!job.channel.moveCollected || !c.move || path.startsWith(`${COLLECTED_FOLDER}/`)) return;
  const [, name] = splitPath(path);
  const dot = name.lastIndexOf('.');
  for (let n = 1; n < 100; n++) {
    const candidate = n === 1 ? name : dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
    const target = joinPath(COLLECTED_FOLDER, candidate);
    const taken = await c.stat(target).then(() => true, (e) => (isConnectorError(e, 'not_found') ? false : Promise.reject(e)));
    if (taken) continue;
    try {
      await c.mkdir(COLLECTED_FOLDER);
      await c.move(path, target);
    } catch (e) {
      deps.log.warn({ channel: job.channel.id, path, err: (e as Error).message }, 'could not move a collected file to Collected/');
    }
    return;
  }
}
