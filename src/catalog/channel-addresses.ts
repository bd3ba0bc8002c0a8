import { DomainError } from '../domain/errors.js';
import { isUniqueViolation, now, type Db } from './db.js';

/** Where mail to a mailbox goes: a channel, and whether it takes mail now. */
export interface AddressOwner { orgId: string; channelId: string; state: string }

/** Gives a channel its mailbox; a mailbox taken (by any organization, now or before) is a conflict. */
export async function insertChannelAddress(db: Db, orgId: string, channelId: string, mailbox: string): Promise<void> {
  try {
    await db.insertInto('channel_addresses').values({ mailbox, org_id: orgId, channel_id: channelId, created_at: now() }).execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError('conflict', `The address ${mailbox} is taken; choose another.`, { reason: 'mailbox_taken', params: { address: mailbox } });
    throw e;
  }
}

/** The channel a mailbox belongs to, across organizations; null for none, or for a removed channel (unless `removedToo`). */
export async function ownerOfMailbox(db: Db, mailbox: string, o: { removedToo?: boolean } = {}): Promise<AddressOwner | null> {
  const r = await db.selectFrom('channel_addresses').innerJoin('channels', 'channels.id', 'channel_addresses.channel_id')
    .select(['channel_addresses.org_id as orgId', 'channel_addresses.channel_id as channelId', 'channels.state as state'])
    .where('channel_addresses.mailbox', '=', mailbox.toLowerCase()).executeTakeFirst();
  return r && (o.removedToo || r.state !== 'removed') ? r : null;
}

/** A channel's mailbox, or null when it has none. */
export async function mailboxOfChannel(db: Db, orgId: string, channelId: string): Promise<string | null> {
  const r = await db.selectFrom('channel_addresses').select('mailbox').where('org_id', '=', orgId).where('channel_id', '=', channelId).executeTakeFirst();
  return r?.mailbox ?? null;
}
