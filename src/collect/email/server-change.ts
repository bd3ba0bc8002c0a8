import { getConnection } from '../../catalog/destinations.js';
import type { Channel } from '../../catalog/channels.js';
import type { MailboxConnector } from '../../connectors/connector.js';
import { DomainError } from '../../domain/errors.js';
import type { ChannelDeps } from '../channels.js';
import { applyServerPatch, checkNoPass, storeServerChange, type MailServerPatch } from './mailbox-settings.js';

/**
 * New server settings for an IMAP channel: checked by opening the mailbox with them before
 * they are stored, so a wrong password is refused now and the old settings keep working.
 */
export async function changeMailServer(deps: ChannelDeps, orgId: string, channel: Channel, patch: MailServerPatch): Promise<void> {
  if (channel.kind !== 'email' || !channel.connectionId) throw new DomainError('invalid_input', 'Server settings are changed for e-mail channels that read an IMAP mailbox only.', { reason: 'not_imap_channel' });
  const conn = await getConnection(deps.db, orgId, channel.connectionId);
  if (typeof conn.settings.host !== 'string') throw new DomainError('invalid_input', 'Server settings are changed for e-mail channels that read an IMAP mailbox only.', { reason: 'not_imap_channel' });
  const stored = conn.secrets && deps.open ? deps.open(conn.secrets) : {};
  const change = applyServerPatch(deps.mailbox, conn, stored, patch);
  await checkNoPass(deps.db, channel);
  // Tried with the new settings through a connection that is not stored.
  const trial = { ...channel, connectionId: null };
  let box: MailboxConnector | null = null;
  try {
    box = await deps.openMailbox(orgId, trial, { settings: change.settings, secrets: change.secrets ?? stored, connectionId: conn.id });
    await box.open();
  } catch (e) {
    throw new DomainError('invalid_input', `Dossier could not open the mailbox with these settings; nothing was changed: ${(e as Error).message}`, { reason: 'mailbox_unreachable', params: { detail: (e as Error).message } });
  } finally {
    await box?.close().catch(() => undefined);
  }
  await checkNoPass(deps.db, channel); // again: a run may have started while the mailbox was tried
  await storeServerChange(deps.db, channel, change, change.secrets ? deps.seal(change.secrets) : undefined);
  deps.log.info({ channel: channel.id, otherMailbox: change.otherMailbox }, 'the mailbox settings of a channel were changed');
}
