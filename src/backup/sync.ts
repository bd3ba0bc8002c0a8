import type { Logger } from 'pino';
import { DomainError } from '../domain/errors.js';
import { resolveLayout } from '../domain/layout.js';
import { isConnectorError, type Quota, type StorageConnector } from '../connectors/connector.js';
import type { RetryPolicy } from '../connectors/kit/retry.js';
import type { Db } from '../catalog/db.js';
import { getCompany } from '../catalog/organizations.js';
import { documentsByIds, documentsChangedSince, type PlannableDocument } from '../catalog/documents.js';
import { getDestination, updateDestination, type DestinationRow } from '../catalog/destinations.js';
import { acquireLease, releaseLease } from '../catalog/leases.js';
import {
  deliveriesFor, recordRunProgress, startRun, unfinishedDeliveries, updateRun, type RunCounts,
} from '../catalog/deliveries.js';
import type { BlobStore } from '../vault/blobs.js';
import { blockedBy, DestinationBlocked, execute } from './executor.js';
import type { Candidate } from './planner.js';
import { planPage } from './names.js';
import { checkSpace, readQuota } from './quota.js';
import type { LiveEvents } from '../events/live.js';
import type { Announce } from '../events/occurrences.js';
import { destinationNeedsAttention, destinationRecovered } from './announce.js';

export interface SyncDeps {
  db: Db;
  blobs: BlobStore;
  log: Logger;
  transfers: number;
  retry?: RetryPolicy;
  /** The destination's connector; close() when done (it may be kept open for the next pass). */
  connect(orgId: string, destination: DestinationRow): Promise<StorageConnector>;
  /** Closes what is kept open for a destination, at once: after a failure or a removal. */
  forgetConnector?(destinationId: string): Promise<void>;
  /** Where live views hear about passes starting, progressing and ending. */
  events?: LiveEvents;
  /** Where webhooks and alerts hear of backed-up documents and of state changes. */
  announce?: Announce;
  /** Queues a destination's Object Lock pass, when a backup finds it sent a lock a change has outgrown. */
  requestLockPass?(orgId: string, destinationId: string): Promise<void>;
}

export interface Progress { runId: string; done: number; planned: number; bytes: number }
export interface SyncOptions { trigger: string; signal?: AbortSignal; onProgress?(p: Progress): void }

const PAGE = 1000;
const LEASE_MS = 60_000;
const STATE_POLL_MS = 2_000;

export const toCandidate = (d: PlannableDocument): Candidate => ({
  id: d.id, type: d.type as Candidate['type'], number: d.number, date: d.date, counterparty: d.counterparty,
  businessAccount: d.business_account, filename: d.filename, versionId: d.current_version_id, sha256: d.sha256, size: Number(d.size),
});

/**
 * One pass over a destination: retry what is unfinished, then everything changed since the
 * cursor, a page at a time. The cursor moves past a page only once its transfers are in the
 * ledger (synced or failed), so a crash or a stop never skips a document.
 * Returns the run id, or null when another process holds the destination right now.
 */
export async function syncDestination(deps: SyncDeps, orgId: string, destinationId: string, opts: SyncOptions): Promise<string | null> {
  if (!(await acquireLease(deps.db, 'destinations', destinationId, LEASE_MS))) return null;
  const renew = setInterval(() => void acquireLease(deps.db, 'destinations', destinationId, LEASE_MS).catch(() => undefined), LEASE_MS / 3);
  // Pause and remove take effect mid-run, from this process or another: the state is re-read often.
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const watch = setInterval(() => void getDestination(deps.db, orgId, destinationId)
    .then((d) => { if (d.state === 'paused') stop.abort(); }, () => stop.abort()), STATE_POLL_MS);
  let runId: string | null = null;
  let connector: StorageConnector | null = null;
  let destinationName = destinationId;
  let wasState: string | null = null;
  const totals: RunCounts = { planned: 0, uploaded: 0, moved: 0, restored: 0, removed: 0, failed: 0, bytes: 0 };
  try {
    const dst = await getDestination(deps.db, orgId, destinationId);
    destinationName = dst.name;
    wasState = dst.state;
    // Paused while this pass waited for its turn.
    if (dst.state === 'paused') throw new DomainError('conflict', `"${dst.name}" is paused${dst.stateReason ? ` (${dst.stateReason})` : ''}: resume it first.`, { reason: 'destination_paused', params: { name: dst.name } });
    // Closes the runs a dead process left running and makes this one the destination's last run.
    runId = await startRun(deps.db, orgId, destinationId, opts.trigger);
    deps.events?.emit({ type: 'run.started', orgId, destinationId, runId, trigger: opts.trigger });
    const report = (p: Progress) => {
      opts.onProgress?.(p);
      deps.events?.emit({ type: 'run.progress', orgId, destinationId, ...p });
    };
    connector = await deps.connect(orgId, dst);
    // Asked at once, while the pages are read and planned: on SFTP this is the login, which
    // then costs a continuous pass nothing; a pass with nothing to send still learns that the
    // credentials stopped working. Later pages ask again: space shrinks as files go up.
    let firstQuota: Promise<Quota | null> | null = readQuota(connector);
    firstQuota.catch(() => undefined);
    const company = await getCompany(deps.db, orgId, dst.companyId);
    const rules = connector.capabilities.names;
    // The names the destination holds are read per page, for that page's documents (names.ts):
    // nothing of them is kept between pages or passes, so another process's pass is always seen.
    const ctx = { template: resolveLayout(dst.layout), company, rules, startDate: dst.startDate, canMove: !!connector.move && connector.capabilities.serverSideMove };

    const runPage = async (docs: PlannableDocument[]) => {
      const ledger = await deliveriesFor(deps.db, destinationId, docs.map((d) => d.id));
      const { actions, taken } = await planPage(deps.db, destinationId, docs.map(toCandidate), ledger, ctx);
      if (actions.some((a) => a.op !== 'skip')) {
        const quota = await (firstQuota ?? readQuota(connector!));
        firstQuota = null;
        checkSpace(quota, actions, dst.name);
      }
      const base = { ...totals };
      // Counted once here: progress reports come once per file.
      const planned = base.planned + counts0(actions);
      const counts = await execute(deps, {
        orgId, companyId: dst.companyId, destinationId, destinationName: dst.name, runId: runId!, connector: connector!, actions, transfers: deps.transfers, taken,
        signal,
        onProgress: (done, bytes) => report({ runId: runId!, done: base.uploaded + base.moved + base.restored + done, planned, bytes: base.bytes + bytes }),
      });
      for (const k of Object.keys(totals) as Array<keyof RunCounts>) totals[k] += counts[k];
    };
    const progress = { orgId, destinationId, runId };

    // Unfinished deliveries first (failed earlier, or found missing by verify).
    const retry = await unfinishedDeliveries(deps.db, destinationId, 100_000);
    for (let i = 0; i < retry.length && !signal.aborted; i += PAGE) {
      await runPage(await documentsByIds(deps.db, retry.slice(i, i + PAGE)));
      await recordRunProgress(deps.db, { ...progress, counts: totals, cursorSeq: null });
    }
    // The cursor past the last page is committed with the run's end: a short page is the last
    // one (a change made after it was read queues a pass of its own), so no empty page is asked for.
    let lastCursor: number | null = null;
    for (let cursor = dst.cursorSeq; !signal.aborted;) {
      const page = await documentsChangedSince(deps.db, dst.companyId, cursor, PAGE);
      if (page.length === 0) break;
      await runPage(page);
      if (signal.aborted) break;
      cursor = Number(page.at(-1)!.change_seq);
      if (page.length < PAGE) { lastCursor = cursor; break; }
      await recordRunProgress(deps.db, { ...progress, counts: totals, cursorSeq: cursor });
    }
    await firstQuota; // nothing was planned: still, refused credentials block the destination
    const status = signal.aborted ? (stop.signal.aborted ? 'stopped' : 'cancelled') : totals.failed > 0 ? 'done_with_errors' : 'done';
    await recordRunProgress(deps.db, { ...progress, counts: totals, cursorSeq: lastCursor, status });
    deps.events?.emit({ type: 'run.finished', orgId, destinationId, runId, status, planned: totals.planned, uploaded: totals.uploaded, failed: totals.failed });
    if (dst.state === 'needs_attention' && totals.failed === 0) {
      await updateDestination(deps.db, orgId, destinationId, { state: 'active', stateReason: null });
      deps.events?.emit({ type: 'destination.changed', orgId, destinationId, state: 'active' });
      await destinationRecovered(deps.announce, orgId, dst);
    }
    return runId;
  } catch (e) {
    // A connection that just failed is not worth keeping; the next pass starts afresh.
    await deps.forgetConnector?.(destinationId).catch(() => undefined);
    if (runId) {
      const blocked = e instanceof DestinationBlocked ? e : isConnectorError(e) ? blockedBy(e, destinationName) : null;
      const message = (blocked ?? (e as Error)).message ?? String(e);
      await updateRun(deps.db, runId, { ...totals, status: blocked ? 'blocked' : 'failed', error: message, finished: true });
      deps.events?.emit({ type: 'run.finished', orgId, destinationId, runId, status: blocked ? 'blocked' : 'failed', planned: totals.planned, uploaded: totals.uploaded, failed: totals.failed });
      if (blocked) {
        await updateDestination(deps.db, orgId, destinationId, { state: blocked.state, stateReason: blocked.message });
        deps.events?.emit({ type: 'destination.changed', orgId, destinationId, state: blocked.state });
        const current = await getDestination(deps.db, orgId, destinationId);
        if (blocked.state === 'needs_attention' && wasState !== 'needs_attention') {
          await destinationNeedsAttention(deps.announce, orgId, current, blocked.message);
        }
        deps.log.warn({ destination: destinationId, reason: blocked.message }, 'destination blocked');
        return runId;
      }
    }
    throw e;
  } finally {
    clearInterval(renew);
    clearInterval(watch);
    await connector?.close().catch(() => undefined);
    await releaseLease(deps.db, 'destinations', destinationId);
  }
}

const counts0 = (actions: { op: string }[]) => actions.filter((a) => a.op !== 'skip').length;
