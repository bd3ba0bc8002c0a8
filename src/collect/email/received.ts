import type { Readable } from 'node:stream';
import { getChannel, updateChannel } from '../../catalog/channels.js';
import { ownerOfMailbox } from '../../catalog/channel-addresses.js';
import { closeInterruptedCollectRuns, queueRun, startQueuedRun, updateCollectRun } from '../../catalog/collect-runs.js';
import { LEASE_OWNER } from '../../catalog/leases.js';
import { getCompany } from '../../catalog/organizations.js';
import type { IntakeDeps } from '../intake.js';
import { intakeMessage, type AuthResults, type MessageOutcome } from './message-intake.js';

/** A mail Dossier's SMTP server accepted for one of its addresses, as its envelope said. */
export interface ReceivedMail {
  /** The channel's mailbox the address named (plus-addressing already taken apart). */
  mailbox: string;
  envelopeFrom: string;
  rcptTo: string;
  remoteAddress: string;
}

/** The run trigger of mail received by SMTP: each message is a run of its own in the channel's history. */
export const SMTP_TRIGGER = 'smtp';

/** Whether mail to a mailbox is taken (its channel collects), deferred (paused), or refused (no such channel). */
export async function mailboxState(deps: Pick<IntakeDeps, 'db'>, mailbox: string): Promise<'open' | 'paused' | 'unknown'> {
  const owner = await ownerOfMailbox(deps.db, mailbox);
  if (!owner) return 'unknown';
  return owner.state === 'paused' ? 'paused' : 'open';
}

/**
 * Files one received mail into the channel that owns its mailbox, as a run of its own: the
 * message and each attachment in the run's lines (message intake decides them). Resolves with
 * the outcome, or null when no channel has the mailbox any more (removed since the mail came);
 * throws when Dossier itself fails, and then the mail stays spooled to be tried again.
 */
export async function fileReceivedMail(deps: IntakeDeps, mail: ReceivedMail, raw: Readable, auth: AuthResults): Promise<MessageOutcome | null> {
  const owner = await ownerOfMailbox(deps.db, mail.mailbox);
  if (!owner) {
    raw.destroy();
    deps.log.warn({ to: mail.rcptTo }, 'a received mail is for a channel removed since; it is dropped');
    return null;
  }
  const { orgId, channelId } = owner;
  const channel = await getChannel(deps.db, orgId, channelId);
  // One process takes a mail at a time: a run still open is one a killed process left.
  await closeInterruptedCollectRuns(deps.db, channelId);
  const runId = await queueRun(deps.db, orgId, channelId, SMTP_TRIGGER, null);
  await startQueuedRun(deps.db, runId);
  await updateChannel(deps.db, orgId, channelId, { lastRunId: runId });
  try {
    const job = { orgId, channel, company: await getCompany(deps.db, orgId, channel.companyId), owner: LEASE_OWNER, runId };
    const outcome = await intakeMessage(deps, job, raw, { kind: 'smtp', envelopeFrom: mail.envelopeFrom, rcptTo: mail.rcptTo, remoteAddress: mail.remoteAddress }, auth);
    await updateCollectRun(deps.db, runId, { status: outcome.outcome === 'failed' ? 'done_with_errors' : 'done', finished: true });
    deps.log.info({ channel: channelId, message: outcome.messageKey, outcome: outcome.outcome, filed: outcome.filed }, 'received mail taken in');
    return outcome;
  } catch (e) {
    await updateCollectRun(deps.db, runId, { status: 'failed', error: e instanceof Error ? e.message : String(e), finished: true }).catch(() => undefined);
    throw e;
  }
}
