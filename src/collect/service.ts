import { DomainError } from '../domain/errors.js';
import type { JobQueue } from '../jobs/queue.js';
import { getChannel } from '../catalog/channels.js';
import {
  activeRun, getCollectRun, listCollectRunItems, listCollectRuns, queuedRun, queueRun, startQueuedRun, updateCollectRun, type CollectRun, type CollectRunItem,
} from '../catalog/collect-runs.js';
import { ledgerCounts } from '../catalog/ledger.js';
import { CHANNEL_LEASE_MS, runChannel, type RunDeps } from './run.js';
import { notHeld, releaseHeld, type MessageOutcome } from './email/message-intake.js';
import { getMailMessage, listMailMessages, refuseHeldMessage, type MailMessage } from '../catalog/mail-messages.js';
import { getCompany } from '../catalog/organizations.js';
import { acquireLease, leaseWaitMs, LEASE_OWNER, releaseLease } from '../catalog/leases.js';

export const COLLECT_JOB = 'channel.collect';

export interface CollectRunDeps extends RunDeps {
  queue: JobQueue;
}

/**
 * Runs of collection channels: queued as a run row (the truth) plus a job that says "look at
 * this channel now" (one per channel at a time), history, and the ledger's counts.
 */
export class CollectRuns {
  /** Runs by hand being asked for, per channel: two requests at once (a double click) are taken one after the other. */
  private readonly asking = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: CollectRunDeps) {}

  /**
   * A run someone asked for by hand: refused (409, with the run's id) while one is waiting or
   * under way, so a double click or a second person does not start the same work twice.
   */
  async requestByHand(orgId: string, channelId: string, startedBy: string): Promise<string> {
    const before = this.asking.get(channelId) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(async () => {
      const busy = await activeRun(this.deps.db, channelId);
      if (busy) {
        const channel = await getChannel(this.deps.db, orgId, channelId);
        throw new DomainError('conflict', `"${channel.name}" is already being collected (run ${busy.id}, ${busy.status}): wait for it to end.`, { reason: 'run_in_progress', params: { runId: busy.id, status: busy.status, name: channel.name } });
      }
      return this.request(orgId, channelId, 'manual', startedBy);
    });
    this.asking.set(channelId, mine);
    try {
      return await mine;
    } finally {
      if (this.asking.get(channelId) === mine) this.asking.delete(channelId);
    }
  }

  /**
   * Queues a run and answers its id. A run already waiting for the channel is that answer:
   * it has not started, so it will see everything this one would have.
   */
  async request(orgId: string, channelId: string, trigger: string, startedBy: string | null): Promise<string> {
    const channel = await getChannel(this.deps.db, orgId, channelId);
    if (channel.state === 'paused') throw new DomainError('conflict', `"${channel.name}" is paused: resume it first.`, { reason: 'channel_paused', params: { name: channel.name } });
    if (channel.state === 'waiting_for_client') throw new DomainError('conflict', `"${channel.name}" is waiting for the client to connect the folder: there is nothing to collect from yet.`, { reason: 'channel_waiting', params: { name: channel.name } });
    const waiting = await queuedRun(this.deps.db, channelId);
    const runId = waiting?.id ?? (await queueRun(this.deps.db, orgId, channelId, trigger, startedBy));
    await this.deps.queue.send(COLLECT_JOB, { orgId, channelId }, { singletonKey: channelId });
    return runId;
  }

  /** The job: runs what is queued for the channel; busy in another process means later. */
  async runJob(data: { orgId: string; channelId: string }): Promise<void> {
    const runId = (await queuedRun(this.deps.db, data.channelId))?.id ?? (await this.resumable(data));
    if (!runId) return;
    const ran = await runChannel(this.deps, data.orgId, data.channelId, runId);
    if (!ran) await this.deps.queue.send(COLLECT_JOB, data, { singletonKey: data.channelId, delayMs: 5_000 });
    else if (await queuedRun(this.deps.db, data.channelId)) await this.deps.queue.send(COLLECT_JOB, data, { singletonKey: data.channelId });
  }

  /**
   * A run left marked running by a process that stopped mid-way: the job it held comes back to
   * the queue (its heartbeat lapsed) or the scheduler finds it at start, with no run queued. It
   * is picked up with a new run once the channel's lease is free (at once when its holder was a
   * process of this machine; after the lease runs out for one elsewhere). A live holder is left
   * alone: the job looks again when its lease would run out, and finds the run ended by then.
   */
  private async resumable(data: { orgId: string; channelId: string }): Promise<string | null> {
    const { db } = this.deps;
    const open = await activeRun(db, data.channelId);
    if (open?.status !== 'running') return null;
    // A holder that is alive (this process included) is running it: look again when its lease would lapse.
    const wait = await leaseWaitMs(db, 'channels', data.channelId);
    if (wait > 0 || !(await acquireLease(db, 'channels', data.channelId, CHANNEL_LEASE_MS))) {
      await this.deps.queue.send(COLLECT_JOB, data, { singletonKey: data.channelId, delayMs: wait + 1_000 });
      return null;
    }
    // Holding the lease, so no other process resumes it too; runChannel renews it as its own.
    try {
      return await queueRun(db, data.orgId, data.channelId, 'resume', open.startedBy);
    } catch (e) {
      await releaseLease(db, 'channels', data.channelId);
      throw e;
    }
  }

  /** Runs now, in this process, to the end: the CLI's `channels run --wait`. */
  async runNow(orgId: string, channelId: string, startedBy: string | null, opts: { signal?: AbortSignal; trigger?: string } = {}): Promise<CollectRun> {
    const channel = await getChannel(this.deps.db, orgId, channelId);
    if (channel.state === 'paused' || channel.state === 'waiting_for_client') await this.request(orgId, channelId, 'manual', startedBy);
    const runId = (await queuedRun(this.deps.db, channelId))?.id ?? (await queueRun(this.deps.db, orgId, channelId, opts.trigger ?? 'manual', startedBy));
    for (let attempt = 0; !(await runChannel(this.deps, orgId, channelId, runId, opts)); attempt++) {
      if (attempt > 120) throw new DomainError('unavailable', `"${channel.name}" is being collected by another process; try again when it is done.`, { reason: 'busy_elsewhere', params: { name: channel.name } });
      await new Promise((r) => setTimeout(r, 1000));
    }
    return getCollectRun(this.deps.db, orgId, runId);
  }

  async list(orgId: string, channelId: string, limit = 50): Promise<CollectRun[]> {
    await getChannel(this.deps.db, orgId, channelId);
    return listCollectRuns(this.deps.db, orgId, channelId, limit);
  }

  async get(orgId: string, runId: string, after = 0, limit = 500): Promise<{ run: CollectRun; items: CollectRunItem[] }> {
    return { run: await getCollectRun(this.deps.db, orgId, runId), items: await listCollectRunItems(this.deps.db, orgId, runId, after, limit) };
  }

  /** An e-mail channel's messages kept aside for review (senders not on its list), newest first. */
  async held(orgId: string, channelId: string, limit = 100): Promise<MailMessage[]> {
    await getChannel(this.deps.db, orgId, channelId);
    return listMailMessages(this.deps.db, orgId, channelId, { outcome: 'held', limit });
  }

  /** Lets a held message in: its documents are filed now, in a run of their own in the history. */
  async releaseHeld(orgId: string, channelId: string, messageKey: string, startedBy: string | null): Promise<MessageOutcome> {
    const channel = await getChannel(this.deps.db, orgId, channelId);
    const runId = await queueRun(this.deps.db, orgId, channelId, 'released', startedBy);
    await startQueuedRun(this.deps.db, runId);
    try {
      const out = await releaseHeld(this.deps, { orgId, channel, company: await getCompany(this.deps.db, orgId, channel.companyId), owner: LEASE_OWNER, runId }, messageKey);
      await updateCollectRun(this.deps.db, runId, { status: out.outcome === 'failed' ? 'done_with_errors' : 'done', finished: true });
      return out;
    } catch (e) {
      await updateCollectRun(this.deps.db, runId, { status: 'failed', error: (e as Error).message, finished: true });
      throw e;
    }
  }

  /** Refuses a held message: nothing of it is filed, and its kept copy is let go. */
  async refuseHeld(orgId: string, channelId: string, messageKey: string): Promise<MailMessage> {
    const channel = await getChannel(this.deps.db, orgId, channelId);
    const m = await getMailMessage(this.deps.db, channelId, messageKey);
    if (!m) throw new DomainError('not_found', `No message ${messageKey} came through "${channel.name}".`, { reason: 'not_found_thing', params: { id: messageKey } });
    if (!(await refuseHeldMessage(this.deps.db, orgId, channelId, messageKey, 'Refused by a user after review; nothing of it was kept.'))) throw notHeld(messageKey, m.outcome);
    return (await getMailMessage(this.deps.db, channelId, messageKey))!;
  }

  async ledger(orgId: string, channelId: string) {
    await getChannel(this.deps.db, orgId, channelId);
    return ledgerCounts(this.deps.db, channelId);
  }
}
