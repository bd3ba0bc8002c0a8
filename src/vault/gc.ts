import type { Logger } from 'pino';
import type { Db } from '../catalog/db.js';
import { referencedBlobs } from '../catalog/blob-references.js';
import { removeExpiredKeys } from '../catalog/idempotency.js';
import type { BlobStore, Removed, StoredBlob } from './blobs.js';

/**
 * Storage clean-up: partial uploads a killed process left in the store, and blobs no document
 * refers to (bytes stored by an intake killed before it recorded them). Written against the
 * BlobStore port alone (list, removeIfOlder, removeAbandoned), so an S3 store runs the same code.
 *
 * Why no live intake loses its bytes: an intake always puts its bytes, even when the same bytes
 * are stored already, and a put makes the blob young again (on disk: a fresh file renamed over
 * the old one). Only blobs older than the grace period are candidates, and removeIfOlder checks
 * the age again atomically with the removal. An intake that finds its hash stored just as the
 * collector decides to remove it has therefore either made the blob young before the removal
 * (the blob stays) or puts it afresh after it (a new blob). What remains is an intake taking
 * longer than the grace period between storing and recording: the default is 24 hours.
 */
export interface BlobGcDeps {
  db: Db;
  blobs: BlobStore;
  log: Logger;
  /** Unreferenced blobs younger than this stay. */
  graceMs: number;
  /** Partial uploads written to more recently than this stay (another process may still be writing). */
  incomingMaxAgeMs: number;
}

export interface BlobGcResult {
  /** Partial uploads removed (or, in a dry run, that would be). */
  partial: Removed;
  /** Unreferenced blobs removed (or, in a dry run, that would be). */
  unreferenced: Removed;
  dryRun: boolean;
}

const BATCH = 500;

export async function collectBlobGarbage(deps: BlobGcDeps, opts: { dryRun?: boolean } = {}): Promise<BlobGcResult> {
  const dryRun = opts.dryRun ?? false;
  const started = Date.now();
  const partial = await deps.blobs.removeAbandoned(started - deps.incomingMaxAgeMs, { dryRun });
  const before = started - deps.graceMs;
  const unreferenced: Removed = { files: 0, bytes: 0 };
  const sweep = async (batch: StoredBlob[]) => {
    const kept = await referencedBlobs(deps.db, batch.map((b) => b.sha256));
    for (const b of batch) {
      if (kept.has(b.sha256)) continue;
      if (dryRun || await deps.blobs.removeIfOlder(b.sha256, before)) {
        unreferenced.files++;
        unreferenced.bytes += b.size;
      }
    }
  };
  let batch: StoredBlob[] = [];
  for await (const blob of deps.blobs.list()) {
    if (blob.storedAt >= before) continue;
    batch.push(blob);
    if (batch.length >= BATCH) { await sweep(batch); batch = []; }
  }
  if (batch.length > 0) await sweep(batch);
  return { partial, unreferenced, dryRun };
}

/** Runs the clean-up (and forgets expired Idempotency-Keys) now and then every `intervalMs`, one run at a time, logging what it removed. */
export function startBlobCollection(deps: BlobGcDeps, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = removeExpiredKeys(deps.db).then(() => collectBlobGarbage(deps)).then((r) => {
      const removed = { partialFiles: r.partial.files, partialBytes: r.partial.bytes, unreferencedBlobs: r.unreferenced.files, unreferencedBytes: r.unreferenced.bytes };
      if (r.partial.files + r.unreferenced.files > 0) deps.log.info(removed, 'storage clean-up removed files');
      else deps.log.debug(removed, 'storage clean-up found nothing to remove');
    }, (err) => {
      deps.log.error({ err }, 'the storage clean-up failed; it runs again at its next period');
    }).finally(() => { running = null; });
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
