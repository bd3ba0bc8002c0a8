import type { Logger } from 'pino';
import { isConnectorError, type StorageConnector } from '../connectors/connector.js';
import { SYSTEM } from '../domain/audit.js';
import { retainedUntil } from '../domain/retention.js';
import type { Db } from '../catalog/db.js';
import { getDestination, type DestinationRow } from '../catalog/destinations.js';
import { retentionPolicy } from '../catalog/retention.js';
import { copiesPage, destinationsMarked, destinationsWithLocksDue, finishLockSync, lockSyncOf, recordCopyLock } from '../catalog/object-locks.js';
import type { JobQueue } from '../jobs/queue.js';
import { recordAudit } from '../audit/log.js';

export const OBJECT_LOCK_JOB = 'destination.object-lock';
export interface ObjectLockJob { orgId: string; destinationId: string }

/** Copies read and brought in step at a time: a million copies never sit in memory. */
const PAGE = 500;

export interface ObjectLockDeps {
  db: Db;
  queue: JobQueue;
  log: Logger;
  connect(orgId: string, dst: DestinationRow): Promise<StorageConnector>;
  /** Copies per page (tests make it small). */
  pageSize?: number;
}

export interface ObjectLockOutcome {
  extended: number; held: number; released: number; unchanged: number; failed: number; firstError: string | null;
  /** Copies whose older versions could not be listed (no s3:ListBucketVersions): only their current version was reached. */
  currentOnly: number;
}

/**
 * Keeps the Object Lock of copies already stored in step with retention: when a company's
 * period grows, or a legal hold is set or lifted (on the company or one document), each copy
 * on an S3 destination with Object Lock gets its retain-until extended (never shortened) and
 * its legal hold set or lifted. The change marks the destinations in its own transaction
 * (catalog/object-locks.ts); this job, one per destination, pages through its copies, compares
 * what each needs with what it is known to carry, and records the outcome: an audit entry per
 * pass that changed or failed something, and on failure the destination's lock_sync_error and
 * a retry by the queue. A pass cut off by a restart is queued again from its marker.
 */
export class ObjectLockSync {
  constructor(private readonly deps: ObjectLockDeps) {}

  /** Queues the passes of destinations marked by a change (after its commit). */
  async request(orgId: string, destinationIds: string[]): Promise<void> {
    for (const id of destinationIds) await this.deps.queue.send(OBJECT_LOCK_JOB, { orgId, destinationId: id } satisfies ObjectLockJob, { singletonKey: id });
  }

  /** Queues again every pass whose marker is still set: on the in-process queue a stopped process took its jobs with it. */
  async requeueDue(): Promise<number> {
    let after: string | undefined;
    let n = 0;
    for (;;) {
      const page = await destinationsWithLocksDue(this.deps.db, after, PAGE);
      if (page.length === 0) return n;
      for (const d of page) await this.request(d.orgId, [d.id]);
      n += page.length;
      after = page.at(-1)!.id;
    }
  }

  /** The mark each destination had when noticeMarked last queued its pass. */
  private readonly noticed = new Map<string, string>();

  /**
   * Queues the passes of marks made since the last call, by another process whose queue this
   * one cannot see (the command line on SQLite): one statement, cheap to run every 30 s. A
   * mark it has already queued is left to the queue, so a failing pass keeps the queue's
   * pace of retries rather than this one's.
   */
  async noticeMarked(): Promise<number> {
    const marked = await destinationsMarked(this.deps.db);
    const ids = new Set(marked.map((d) => d.id));
    for (const id of this.noticed.keys()) if (!ids.has(id)) this.noticed.delete(id);
    let n = 0;
    for (const d of marked) {
      if (this.noticed.get(d.id) === d.due) continue;
      this.noticed.set(d.id, d.due);
      await this.request(d.orgId, [d.id]);
      n++;
    }
    return n;
  }

  async runJob(job: ObjectLockJob): Promise<void> {
    const { db } = this.deps;
    const { due, error: before } = await lockSyncOf(db, job.orgId, job.destinationId);
    if (!due) return; // done by an earlier pass
    let dst: DestinationRow;
    try {
      dst = await getDestination(db, job.orgId, job.destinationId);
    } catch {
      return; // removed meanwhile
    }
    const connector = await this.deps.connect(job.orgId, dst);
    let outcome: ObjectLockOutcome;
    try {
      if (!connector.capabilities.objectLock || !connector.applyLock) {
        await finishLockSync(db, job.orgId, dst.id, due, null);
        return;
      }
      outcome = await this.pass(dst, connector);
    } finally {
      await connector.close();
    }
    const error = outcome.failed > 0 ? `${outcome.failed} copies could not be locked: ${outcome.firstError}` : null;
    // A pass that only failed again as the last one did (a bucket refusing, retried every 10
    // minutes) adds no entry: the destination shows the error, the log has it once.
    const news = outcome.extended + outcome.held + outcome.released > 0 || (error !== null && error !== before);
    await db.transaction().execute(async (trx) => {
      if (news) {
        await recordAudit(trx, job.orgId, {
          type: 'object_lock.applied', actor: SYSTEM, objectType: 'destination', objectId: dst.id, companyId: dst.companyId, details: { ...outcome },
        });
      }
      await finishLockSync(trx, job.orgId, dst.id, due, error);
    });
    if (error) throw new Error(`Destination ${dst.id}: ${error}; the queue tries again`);
  }

  private async pass(dst: DestinationRow, connector: StorageConnector): Promise<ObjectLockOutcome> {
    const { db, log } = this.deps;
    const policy = await retentionPolicy(db, dst.orgId, dst.companyId);
    const out: ObjectLockOutcome = { extended: 0, held: 0, released: 0, unchanged: 0, failed: 0, firstError: null, currentOnly: 0 };
    let after = '';
    for (;;) {
      const page = await copiesPage(db, dst.orgId, dst.id, after, this.deps.pageSize ?? PAGE);
      if (page.length === 0) return out;
      for (const copy of page) {
        const until = `${retainedUntil(copy.date, copy.createdAt, policy.years)}T00:00:00.000Z`;
        const legalHold = policy.legalHold || copy.legalHold;
        const extend = !copy.lockUntil || copy.lockUntil < until;
        if (!extend && copy.lockHold === legalHold) { out.unchanged++; continue; }
        try {
          const now = await connector.applyLock!(copy.remotePath, { until: new Date(until), legalHold });
          await recordCopyLock(db, dst.id, copy.documentId, { until: now.until?.toISOString() ?? null, legalHold: now.legalHold });
          if (now.extended) out.extended++;
          if (now.holdChanged) legalHold ? out.held++ : out.released++;
          if (!now.extended && !now.holdChanged) out.unchanged++;
          if (now.currentOnly) out.currentOnly++;
        } catch (e) {
          // A copy removed at the destination is the backup's to restore (with the lock of its upload).
          if (isConnectorError(e, 'not_found')) { out.unchanged++; continue; }
          // Refused for the whole bucket (the key lacks s3:PutObjectRetention, no Object Lock): no use going on.
          if (isConnectorError(e, 'permission_denied') || isConnectorError(e, 'auth_expired') || isConnectorError(e, 'fatal')) {
            out.failed += 1;
            out.firstError ??= (e as Error).message;
            log.warn({ destination: dst.id, err: e }, 'object lock refused; the pass stops');
            return out;
          }
          out.failed++;
          out.firstError ??= (e as Error).message;
          log.warn({ destination: dst.id, document: copy.documentId, err: e }, 'could not bring an object lock in step');
        }
      }
      after = page.at(-1)!.documentId;
    }
  }
}
