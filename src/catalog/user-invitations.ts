import { newId } from '../domain/ids.js';
import { now, type Db } from './db.js';
import type { Database } from './schema.js';

/**
 * Invitations of users to the organization. Only the SHA-256 of the link's token is kept; a
 * user has one live invitation at a time (a new one revokes the older ones).
 */
export interface UserInvitation {
  id: string; orgId: string; userId: string; expiresAt: string; usedAt: string | null; revokedAt: string | null; createdBy: string | null; createdAt: string;
}

const toInvitation = (r: Database['user_invitations']): UserInvitation => ({
  id: r.id, orgId: r.org_id, userId: r.user_id, expiresAt: r.expires_at, usedAt: r.used_at, revokedAt: r.revoked_at, createdBy: r.created_by, createdAt: r.created_at,
});

export async function insertUserInvitation(db: Db, orgId: string, i: { userId: string; tokenHash: string; expiresAt: string; createdBy: string | null }): Promise<UserInvitation> {
  const id = newId('uin'), at = now();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('user_invitations').set({ revoked_at: at }).where('org_id', '=', orgId).where('user_id', '=', i.userId)
      .where('used_at', 'is', null).where('revoked_at', 'is', null).execute();
    await trx.insertInto('user_invitations').values({
      id, org_id: orgId, user_id: i.userId, token_hash: i.tokenHash, expires_at: i.expiresAt, used_at: null, revoked_at: null, created_by: i.createdBy, created_at: at,
    }).execute();
  });
  const r = await db.selectFrom('user_invitations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return toInvitation(r);
}

export async function userInvitationByToken(db: Db, tokenHash: string): Promise<UserInvitation | null> {
  const r = await db.selectFrom('user_invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return r ? toInvitation(r) : null;
}

/** Uses the invitation up: true for the one caller that did, so two tabs cannot both set a password. */
export async function useUserInvitation(db: Db, id: string): Promise<boolean> {
  const res = await db.updateTable('user_invitations').set({ used_at: now() }).where('id', '=', id).where('used_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
