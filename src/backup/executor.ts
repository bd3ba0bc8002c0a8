import type { Logger } from 'pino';
import { collisionKey } from '../domain/names.js';
import { isConnectorError, type ConnectorError, type Entry, type StorageConnector } from '../connectors/connector.js';
import { withRetry, type RetryPolicy } from '../connectors/kit/retry.js';
import { ContentHashingStream, contentHashOf } from '../connectors/kit/content-hash.js';
import type { Db } from '../catalog/db.js';
import type { Announce } from '../events/occurrences.js';
import { documentsBackedUp } from './announce.js';
import { documentRetention, documentRetentions, retentionPolicy, type DocumentLock } from '../catalog/retention.js';
import { markLockDue } from '../catalog/object-locks.js';
import type { RetentionPolicy } from '../domain/retention.js';
import { addRunItems, markFailed, markSyncedMany, recordIntents, type RunCounts, type SyncedDelivery } from '../catalog/deliveries.js';
import type { BlobStore } from '../vault/blobs.js';
import type { Action } from './planner.js';
import { BatchVerifier, type LocalHash, type MatchedHash } from './verifier.js';
import { recordAudit } from '../audit/log.js';
import { SYSTEM, type AuditEvent } from '../domain/audit.js';

/** A failure that concerns the whole destination, not one file: the run stops and says why. */
export class DestinationBlocked extends Error {
  constructor(readonly state: 'paused' | 'needs_attention', message: string) {
    super(message);
  }
}

export function blockedBy(e: ConnectorError, destinationName: string): DestinationBlocked | null {
  switch (e.kind) {
    case 'quota_exceeded':
      return new DestinationBlocked('paused', `"${destinationName}" is full: free some space there (or raise its quota), then resume the destination.`);
    case 'auth_expired':
      return new DestinationBlocked('needs_attention', `"${destinationName}" refused our credentials: ${e.message} Update the connection, then resume.`);
    case 'permission_denied':
      return new DestinationBlocked('needs_attention', `"${destinationName}" denied access: ${e.message} Check the folder's permissions, then resume.`);
    default:
      return null;
  }
}

export interface ExecuteJob {
  orgId: string;
  companyId: string;
  destinationId: string;
  destinationName: string;
  runId: string;
  connector: StorageConnector;
  actions: Action[];
  transfers: number;
  taken: Map<string, string>;
  signal?: AbortSignal;
  onProgress?(done: number, bytes: number): void;
}

export interface ExecuteDeps {
  db: Db; blobs: BlobStore; log: Logger; retry?: RetryPolicy; announce?: Announce;
  /** Queues a destination's Object Lock pass (ObjectLockSync.request); without it the mark waits for the server's look. */
  requestLockPass?(orgId: string, destinationId: string): Promise<void>;
}

/** Synced marks written per statement: about one verify batch. */
const LEDGER_BATCH = 64;

type Transfer = Exclude<Action, { op: 'skip' }>;

/** Hashes of vault blobs in the types destinations report other than SHA-256 (OneDrive's quickxor). */
function localHashOf(blobs: BlobStore): LocalHash {
  return async (type, sha256, size) => contentHashOf(type, blobs.open(sha256, size));
}

/**
 * Carries out a plan: uploads and moves run `transfers` at a time; each file is marked synced
 * in the ledger only after the destination's own hash of it matched. The intents of the whole
 * plan are written to the ledger before any bytes move, so a crash at any point is resumed by
 * the next plan. Ledger writes go in batches: a crash before a batch of synced marks is
 * written costs those files one more upload to the same path, never a lost or stray file.
 */
export async function execute(deps: ExecuteDeps, job: ExecuteJob): Promise<RunCounts> {
  const counts: RunCounts = { planned: 0, uploaded: 0, moved: 0, restored: 0, removed: 0, failed: 0, bytes: 0 };
  const transfers = job.actions.filter((a): a is Transfer => a.op !== 'skip');
  counts.planned = transfers.length;
  const stop = new AbortController();
  const signal = job.signal ? AbortSignal.any([job.signal, stop.signal]) : stop.signal;
  const verifier = new BatchVerifier(job.connector, 64, signal, deps.retry, localHashOf(deps.blobs));
  const completions: Promise<void>[] = [];
  const items: Parameters<typeof addRunItems>[1] = [];
  const synced: SyncedDelivery[] = [];
  const verified: AuditEvent[] = [];
  // A run item never says "ok" for a file the ledger does not hold: the synced marks, the audit
  // entries of the verified files and the run's items commit together, or none of them does.
  // The audit entries go last: they lock the organization's chain head until the commit, and
  // every pass of the organization, in every worker, waits for that lock to flush its own batch.
  const flushLedger = async () => {
    const rows = synced.splice(0), events = verified.splice(0);
    await deps.db.transaction().execute(async (trx) => {
      await markSyncedMany(trx, job.orgId, job.destinationId, rows);
      await addRunItems(trx, items.splice(0));
      await recordAudit(trx, job.orgId, events);
    });
    await documentsBackedUp(deps.announce, job.orgId, job.destinationId, rows);
    await recheckLocks(rows);
  };
  let blocked: DestinationBlocked | null = null;
  let done = 0;
  const rules = job.connector.capabilities.names;

  const fail = async (a: Transfer, e: unknown) => {
    const block = isConnectorError(e) ? blockedBy(e, job.destinationName) : null;
    if (block && !blocked) { blocked = block; stop.abort(); }
    if (signal.aborted && !block) return; // cancelled: the ledger still says pending, the next run resumes
    const message = e instanceof Error ? e.message : String(e);
    sentLocks.delete(a.documentId);
    counts.failed++;
    await markFailed(deps.db, job.destinationId, a.documentId, message);
    items.push({ runId: job.runId, documentId: a.documentId, action: a.op, outcome: 'failed', remotePath: a.path, bytes: 0, error: message });
    deps.log.warn({ destination: job.destinationId, document: a.documentId, err: e }, 'transfer failed');
  };

  const finish = async (a: Transfer, remoteId: string | null, moved: boolean, matched: MatchedHash) => {
    // The old name goes only after the new one is verified, and before the ledger forgets it.
    for (const old of [a.op === 'upload' ? a.previousPath : null, a.staleIntent]) {
      if (!old || old === a.path) continue;
      await withRetry(() => job.connector.remove(old), deps.retry, signal).catch((e) => { if (!isConnectorError(e, 'not_found')) throw e; });
      if (job.taken.get(collisionKey(old, rules)) === a.documentId) job.taken.delete(collisionKey(old, rules));
      counts.removed++;
    }
    synced.push({ documentId: a.documentId, versionId: a.versionId, remotePath: a.path, remoteId, sha256: a.sha256, size: a.size });
    const restored = a.op === 'upload' && a.reason === 'restore';
    verified.push({
      type: restored ? 'transfer.restored' : 'transfer.verified', actor: SYSTEM, objectType: 'document', objectId: a.documentId, companyId: job.companyId,
      details: {
        destinationId: job.destinationId, runId: job.runId, versionId: a.versionId, remotePath: a.path, sha256: a.sha256, size: a.size,
        action: moved ? 'move' : 'upload', destinationHash: matched,
      },
    });
    if (moved) counts.moved++;
    else if (a.op === 'upload' && a.reason === 'restore') counts.restored++;
    else counts.uploaded++;
    if (!moved) counts.bytes += a.size;
    items.push({ runId: job.runId, documentId: a.documentId, action: moved ? 'move' : a.op === 'upload' ? a.reason : 'upload', outcome: 'ok', remotePath: a.path, bytes: moved ? 0 : a.size, error: null });
    job.onProgress?.(++done, counts.bytes);
    if (synced.length >= LEDGER_BATCH) await flushLedger();
  };

  // The hash the verifier compares (OneDrive's quickxor, Dropbox's content_hash) is computed as
  // the bytes go out: one read of the blob per upload instead of two.
  const localType = verifier.localType;
  // A destination that locks objects (S3 Object Lock) keeps each until its document's retention ends.
  let policy: Promise<RetentionPolicy> | null = null;
  const lockPolicy = job.connector.capabilities.objectLock ? () => (policy ??= retentionPolicy(deps.db, job.orgId, job.companyId)) : null;
  // The lock each upload was sent with, until its synced mark is in the ledger.
  const sentLocks = new Map<string, DocumentLock>();
  // A retention change made while this pass uploads marks the destination for a lock pass, but
  // that pass sees only the copies already synced: one whose upload was under way keeps the
  // lock read before the change. So once a batch is in the ledger, where any later pass sees
  // it, the locks it was sent with are held against a fresh read, and one outgrown marks the
  // destination again. Two statements per batch, on destinations that lock only.
  const recheckLocks = async (rows: SyncedDelivery[]) => {
    const sent = rows.flatMap((r) => {
      const lock = sentLocks.get(r.documentId);
      sentLocks.delete(r.documentId);
      return lock ? [{ id: r.documentId, lock }] : [];
    });
    if (sent.length === 0) return;
    policy = retentionPolicy(deps.db, job.orgId, job.companyId); // the uploads still to come use it too
    const needed = await documentRetentions(deps.db, job.orgId, sent.map((s) => s.id), await policy);
    const outgrown = sent.some(({ id, lock }) => {
      const now = needed.get(id);
      return now !== undefined && (now.until > lock.until || now.legalHold !== lock.legalHold);
    });
    if (!outgrown) return;
    await markLockDue(deps.db, job.orgId, job.destinationId);
    await deps.requestLockPass?.(job.orgId, job.destinationId);
  };
  const upload = (a: Transfer) => withRetry(async (): Promise<{ entry: Entry; computed?: string }> => {
    const retention = lockPolicy ? await documentRetention(deps.db, job.orgId, a.documentId, await lockPolicy()) : null;
    if (retention) sentLocks.set(a.documentId, retention);
    const info = { size: a.size, sha256: a.sha256, ...(retention && { retention }) };
    const blob = deps.blobs.open(a.sha256, a.size);
    try {
      if (!localType) return { entry: await job.connector.write(a.path, blob, info, { signal }) };
      const tap = new ContentHashingStream(localType);
      // A read error reaches the connector through the tap; the blob is closed below whatever
      // the connector did with the tap. (pipe, not pipeline: pipeline's abort on finishing
      // builds a DOMException, stack trace and all, for every file.)
      blob.on('error', (e) => tap.destroy(e));
      blob.pipe(tap);
      const entry = await job.connector.write(a.path, tap, info, { signal });
      if (tap.complete && tap.bytes === a.size) return { entry, computed: tap.digest() };
      tap.destroy();
      return { entry };
    } finally {
      // A connector that failed before reading it leaves the blob open: on S3 its response would
      // stay unread until the server cut it, and that error would reach no one.
      blob.destroy();
    }
  }, deps.retry, signal);

  const transfer = async (a: Transfer) => {
    let sent: { entry: Entry; computed?: string };
    let moved = false;
    if (a.op === 'move') {
      try {
        sent = { entry: await withRetry(() => job.connector.move!(a.from, a.path, { signal }), deps.retry, signal) };
        moved = true;
      } catch (e) {
        // The source is gone (deleted by hand, or moved before a crash): send the bytes instead.
        if (!isConnectorError(e, 'not_found')) throw e;
        sent = await upload(a);
      }
    } else {
      sent = await upload(a);
    }
    const { entry } = sent;
    completions.push(verifier.check(a.path, a, entry.hashes, sent.computed, entry.etag)
      .then((matched) => finish(a, entry.id ?? null, moved, matched))
      .catch((e) => fail(a, e)));
  };

  await recordIntents(deps.db, job.orgId, job.destinationId, transfers.map((a) => ({ documentId: a.documentId, path: a.path })));
  let next = 0;
  const worker = async () => {
    while (next < transfers.length && !signal.aborted) {
      const a = transfers[next++]!;
      try { await transfer(a); } catch (e) { await fail(a, e); }
    }
  };
  await Promise.all(Array.from({ length: Math.min(job.transfers, transfers.length) }, worker));
  await verifier.flush();
  await Promise.all(completions);
  await flushLedger();
  if (blocked) throw blocked;
  return counts;
}
