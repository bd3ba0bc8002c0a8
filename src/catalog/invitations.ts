import { newId } from '../domain/ids.js';
import { now, type Db } from './db.js';
import type { Database } from './schema.js';

/**
 * Invitations of clients to connect a channel's folder. Only a hash of the link's token is
 * kept; a channel has one live invitation at a time (a new one revokes the older ones).
 */
export interface Invitation {
  id: string; orgId: string; channelId: string; email: string; purpose: 'connect' | 'reconnect' | 'reminder';
  /** The account or server the client connected, before choosing the folder. */
  connectionId: string | null;
  expiresAt: string; connectedAt: string | null; usedAt: string | null; revokedAt: string | null; createdBy: string | null; createdAt: string;
}

const toInvitation = (r: Database['channel_invitations']): Invitation => ({
  id: r.id, orgId: r.org_id, channelId: r.channel_id, email: r.email, purpose: r.purpose as Invitation['purpose'], connectionId: r.connection_id,
  expiresAt: r.expires_at, connectedAt: r.connected_at, usedAt: r.used_at, revokedAt: r.revoked_at, createdBy: r.created_by, createdAt: r.created_at,
});

export async function insertInvitation(db: Db, orgId: string, i: { channelId: string; tokenHash: string; email: string; purpose: Invitation['purpose']; expiresAt: string; createdBy: string | null }): Promise<Invitation> {
  const id = newId('inv'), at = now();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('channel_invitations').set({ revoked_at: at }).where('channel_id', '=', i.channelId).where('used_at', 'is', null).where('revoked_at', 'is', null).execute();
    await trx.insertInto('channel_invitations').values({
      id, org_id: orgId, channel_id: i.channelId, token_hash: i.tokenHash, email: i.email, purpose: i.purpose, connection_id: null,
      expires_at: i.expiresAt, connected_at: null, used_at: null, revoked_at: null, created_by: i.createdBy, created_at: at,
    }).execute();
  });
  return (await invitationById(db, id))!;
}

export async function invitationByToken(db: Db, tokenHash: string): Promise<Invitation | null> {
  const r = await db.selectFrom('channel_invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return r ? toInvitation(r) : null;
}

export async function invitationById(db: Db, id: string): Promise<Invitation | null> {
  const r = await db.selectFrom('channel_invitations').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toInvitation(r) : null;
}

export async function latestInvitation(db: Db, orgId: string, channelId: string): Promise<Invitation | null> {
  const r = await db.selectFrom('channel_invitations').selectAll().where('org_id', '=', orgId).where('channel_id', '=', channelId)
    .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r ? toInvitation(r) : null;
}

export async function recordInvitationConnection(db: Db, id: string, connectionId: string): Promise<void> {
  await db.updateTable('channel_invitations').set({ connection_id: connectionId, connected_at: now() }).where('id', '=', id).where('used_at', 'is', null).execute();
}

/** Uses the invitation up: true for the one caller that did. */
export async function useInvitation(db: Db, id: string): Promise<boolean> {
  const res = await db.updateTable('channel_invitations').set({ used_at: now() }).where('id', '=', id).where('used_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
