import { isConnectorError, type MailboxConnector, type StorageConnector } from '../connectors/connector.js';
import { DomainError } from '../domain/errors.js';
import { getChannel, updateChannel, type Channel } from '../catalog/channels.js';
import { getCompany } from '../catalog/organizations.js';
import { acquireLease, holderAlive, LEASE_OWNER, releaseLease } from '../catalog/leases.js';
import { claimOwners, itemsToCollect, releaseClaims } from '../catalog/ledger.js';
import {
  addCollectRunItems, closeInterruptedCollectRuns, getCollectRun, startQueuedRun, updateCollectRun, type CollectCounts, type CollectRunItem,
} from '../catalog/collect-runs.js';
import { fetchBatch, fileBatch, moveOutstanding, type BatchResult, type IntakeDeps, type IntakeJob } from './intake.js';
import { recordChanges, scanListing } from './scan.js';
import type { LiveEvents } from '../events/live.js';
import { collectMailbox } from './email/imap-run.js';

export interface RunDeps extends IntakeDeps {
  /** Opens the channel's source, rooted at its folder; close() when done. */
  connect(orgId: string, channel: Channel): Promise<StorageConnector>;
  /** Opens an e-mail channel's mailbox (IMAP); close() when done. */
  openMailbox(orgId: string, channel: Channel): Promise<MailboxConnector>;
  /** How many files of one channel are downloaded at once. */
  concurrency: number;
  /** Where the run's start, progress and end are told, for live views; none in the CLI. */
  events?: LiveEvents;
}

/** How long a channel stays held by a process that stopped answering (one on another machine). */
export const CHANNEL_LEASE_MS = 60_000;
const STATE_POLL_MS = 2_000;
/** Files claimed, forced to disk and filed together: a crash redoes at most one batch's downloads. */
const BATCH = 200;

/** Why a channel cannot be collected from until someone acts: shown on the channel and in the run. */
export function brokenConnection(e: unknown, channel: Channel): string | null {
  // A mailbox is the firm's own: the user fixes it on the channel's page, no client is involved.
  if (channel.kind === 'email') {
    if (isConnectorError(e, 'auth_expired')) return `The mailbox refused Dossier's sign-in (${e.message}). No mail is collected until you sign in again on the channel's page, or give the new password with Edit.`;
    if (isConnectorError(e, 'permission_denied')) return `The mail server cannot be used (${e.message}).`;
    if (isConnectorError(e, 'not_found')) return `The folder "${channel.folder || 'INBOX'}" is not in the mailbox any more (deleted or renamed?): choose it again with Edit.`;
    return null;
  }
  if (isConnectorError(e, 'auth_expired')) return `The connection to the client's folder stopped working (${e.message}). No documents are collected until the client reconnects: send a reconnect link.`;
  if (isConnectorError(e, 'permission_denied')) return `The client's folder refused access (${e.message}). Ask the client to check its sharing, or send a reconnect link.`;
  if (isConnectorError(e, 'not_found')) return `The folder "${channel.folder || '(top)'}" is not there any more (deleted or renamed?). Send the client a reconnect link to choose it again.`;
  return null;
}

type Tally = CollectCounts & { items: Array<Omit<CollectRunItem, 'id' | 'at'>> };

/**
 * Collects every pending file of the ledger, a batch at a time (one claim, one fsync pass, one
 * transaction per batch), `concurrency` downloads in flight; each file once per run. The next
 * batch downloads while the one before is forced to disk and filed.
 */
async function collectPending(deps: RunDeps, job: IntakeJob, runId: string, tally: Tally, tried: Set<string>, signal: AbortSignal, where: { orgId: string; channelId: string }): Promise<void> {
  const count = async (filed: BatchResult[]) => {
    for (const { item, result: r } of filed) {
      tally.found++;
      if (r.outcome === 'collected' || r.outcome === 'changed' || r.outcome === 'likely_duplicate') tally.collected++;
      else if (r.outcome === 'unchanged' || r.outcome === 'already_collected') tally.skipped++;
      else if (r.outcome === 'duplicate') tally.duplicates++;
      else tally.failed++;
      tally.items.push({ key: item.key, path: item.path, outcome: r.outcome, inboxItemId: r.inboxItemId, error: r.error });
    }
    await flush(deps, runId, tally, where);
  };
  let filing: Promise<void> | null = null;
  try {
    // Paged by key: a file tried once in this run (failed, or being filed right now) is not taken again.
    for (let after: string | null = null; ;) {
      const page = await itemsToCollect(deps.db, job.channel.id, BATCH, after);
      if (page.length === 0 || signal.aborted) break;
      after = page.at(-1)!.key;
      const batch = page.filter((i) => !tried.has(i.key));
      if (batch.length === 0) continue;
      for (const item of batch) tried.add(item.key);
      const fetched = await fetchBatch(deps, job, batch, deps.concurrency, signal);
      await filing; // batches are filed one after the other
      filing = fileBatch(deps, job, fetched, signal).then(count);
      filing.catch(() => undefined); // handled: awaited before the next batch is filed, or at the end
    }
    await filing;
  } finally {
    await filing?.catch(() => undefined); // a download that failed the run: the batch before it is still filed
  }
}

async function flush(deps: RunDeps, runId: string, tally: Tally, where?: { orgId: string; channelId: string }): Promise<void> {
  const { items, ...counts } = tally;
  await addCollectRunItems(deps.db, runId, items.splice(0));
  await updateCollectRun(deps.db, runId, counts);
  if (where) deps.events?.emit({ type: 'collect.progress', ...where, runId, found: counts.found, collected: counts.collected, failed: counts.failed });
}

/** A folder channel: the ledger brought up to date from the source (its feed or a listing), then every pending file collected. */
async function collectFolder(deps: RunDeps, orgId: string, channel: Channel, connector: StorageConnector, runId: string, tally: Tally, signal: AbortSignal, where: { orgId: string; channelId: string }): Promise<void> {
  const channelId = channel.id;
  const job: IntakeJob = { orgId, channel, company: await getCompany(deps.db, orgId, channel.companyId), connector, owner: LEASE_OWNER };
  const tried = new Set<string>();
  // What earlier runs left unfinished first: moves to Collected/, failed files, files interrupted mid-way.
  await moveOutstanding(deps, job);
  await collectPending(deps, job, runId, tally, tried, signal, where);
  if (connector.capabilities.changeFeed && connector.changes) {
    let cursor = channel.cursor;
    for (let more = true; more && !signal.aborted;) {
      const page = await connector.changes('', cursor, { signal });
      await recordChanges(deps.db, orgId, channelId, page.changes, channel.moveCollected);
      await collectPending(deps, job, runId, tally, tried, signal, where);
      if (signal.aborted) break;
      // Only now, with every file of the page filed (or recorded as failed), does the cursor move.
      await updateChannel(deps.db, orgId, channelId, { cursor: page.cursor });
      cursor = page.cursor;
      more = page.hasMore;
    }
  } else {
    await scanListing(deps.db, orgId, channelId, connector, channel.moveCollected, signal);
    await collectPending(deps, job, runId, tally, tried, signal, where);
  }
}

/**
 * One run over a channel, recorded under `runId` (queued before). Returns false, touching
 * nothing, when another process holds the channel right now.
 */
export async function runChannel(deps: RunDeps, orgId: string, channelId: string, runId: string, opts: { signal?: AbortSignal } = {}): Promise<boolean> {
  if (!(await acquireLease(deps.db, 'channels', channelId, CHANNEL_LEASE_MS))) return false;
  const renew = setInterval(() => void acquireLease(deps.db, 'channels', channelId, CHANNEL_LEASE_MS).catch(() => undefined), CHANNEL_LEASE_MS / 3);
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  // Pause and removal take effect mid-run, from this process or another.
  const watch = setInterval(() => void getChannel(deps.db, orgId, channelId).then((c) => { if (c.state === 'paused') stop.abort(); }, () => stop.abort()), STATE_POLL_MS);
  let connector: StorageConnector | MailboxConnector | null = null;
  const tally: Tally = { found: 0, collected: 0, skipped: 0, duplicates: 0, failed: 0, items: [] };
  let channel: Channel | null = null;
  const where = { orgId, channelId };
  const finished = (status: string) => deps.events?.emit({ type: 'collect.finished', ...where, runId, status, found: tally.found, collected: tally.collected, failed: tally.failed });
  try {
    channel = await getChannel(deps.db, orgId, channelId);
    await closeInterruptedCollectRuns(deps.db, channelId);
    await startQueuedRun(deps.db, runId);
    deps.events?.emit({ type: 'collect.started', ...where, runId });
    await updateChannel(deps.db, orgId, channelId, { lastRunId: runId });
    if (channel.state === 'paused' || channel.state === 'waiting_for_client') {
      throw new DomainError('conflict', channel.state === 'paused' ? `"${channel.name}" is paused: resume it first.` : `"${channel.name}" is waiting for the client to connect the folder.`, { reason: channel.state === 'paused' ? 'channel_paused' : 'channel_waiting', params: { name: channel.name } });
    }
    // Claims of a process that died mid-file are free again: this run holds the channel.
    await releaseClaims(deps.db, channelId, (await claimOwners(deps.db, channelId)).filter((o) => o !== LEASE_OWNER && !holderAlive(o)));
    if (channel.kind === 'email') {
      const box = await deps.openMailbox(orgId, channel);
      connector = box;
      await collectMailbox(deps, { orgId, channel, company: await getCompany(deps.db, orgId, channel.companyId), owner: LEASE_OWNER, runId }, box, signal);
      // Each message wrote its lines and counts as it was taken in: the run's totals are those.
      const { found, collected, skipped, duplicates, failed } = await getCollectRun(deps.db, orgId, runId);
      Object.assign(tally, { found, collected, skipped, duplicates, failed });
    } else {
      connector = await deps.connect(orgId, channel);
      await collectFolder(deps, orgId, channel, connector, runId, tally, signal, where);
    }
    const status = signal.aborted ? 'failed' : tally.failed > 0 ? 'done_with_errors' : 'done';
    await flush(deps, runId, tally);
    await updateCollectRun(deps.db, runId, { status, finished: true, ...(signal.aborted && { error: stop.signal.aborted ? 'Stopped: the channel was paused or removed.' : 'Cancelled.' }) });
    finished(status);
    await runFinished(deps, orgId, channel, runId, status, tally);
    if (channel.state === 'needs_attention' && !signal.aborted) {
      await updateChannel(deps.db, orgId, channelId, { state: 'active', stateReason: null });
      await deps.announce?.({ type: 'channel.recovered', orgId, subject: channelId, data: { channelId, name: channel.name, companyId: channel.companyId } });
    }
    return true;
  } catch (e) {
    const broken = channel ? brokenConnection(e, channel) : null;
    const message = broken ?? (e instanceof Error ? e.message : String(e));
    await flush(deps, runId, tally).catch(() => undefined);
    await updateCollectRun(deps.db, runId, { status: 'failed', error: message, finished: true });
    finished('failed');
    if (channel) await runFinished(deps, orgId, channel, runId, 'failed', tally).catch(() => undefined);
    if (broken && channel) {
      await updateChannel(deps.db, orgId, channelId, { state: 'needs_attention', stateReason: broken });
      if (channel.state !== 'needs_attention') {
        await deps.announce?.({ type: 'channel.needs_attention', orgId, subject: channelId, data: { channelId, name: channel.name, companyId: channel.companyId, reason: broken } });
      }
      deps.log.warn({ channel: channelId, reason: broken }, 'channel needs attention');
    } else if (!(e instanceof DomainError)) {
      deps.log.error({ channel: channelId, err: e }, 'collection run failed');
    }
    return true;
  } finally {
    clearInterval(renew);
    clearInterval(watch);
    await connector?.close().catch(() => undefined);
    await releaseLease(deps.db, 'channels', channelId);
  }
}

function runFinished(deps: RunDeps, orgId: string, channel: Channel, runId: string, status: string, tally: { found: number; collected: number; failed: number }): Promise<void> {
  return deps.announce?.({
    type: 'collection.run_finished', orgId, subject: channel.id,
    data: { channelId: channel.id, runId, status, found: tally.found, collected: tally.collected, failed: tally.failed },
  }) ?? Promise.resolve();
}
