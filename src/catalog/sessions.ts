import { now, type Db } from './db.js';

/** Browser sessions, stored by the hash of their id. The users they belong to are in users.ts. */
export interface SessionRow { idHash: string; orgId: string; userId: string; createdAt: string; lastSeenAt: string; expiresAt: string }

export async function insertSession(db: Db, s: { idHash: string; orgId: string; userId: string; expiresAt: string }): Promise<void> {
  const at = now();
  await db.insertInto('sessions').values({ id_hash: s.idHash, org_id: s.orgId, user_id: s.userId, created_at: at, last_seen_at: at, expires_at: s.expiresAt }).execute();
}

export async function findSession(db: Db, idHash: string): Promise<SessionRow | null> {
  const r = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  return r ? { idHash: r.id_hash, orgId: r.org_id, userId: r.user_id, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at } : null;
}

export async function touchSession(db: Db, idHash: string, expiresAt: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now(), expires_at: expiresAt }).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Every session of a user but one (after a password change, the other browsers are signed out). */
export async function deleteSessionsOfUser(db: Db, orgId: string, userId: string, except?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('org_id', '=', orgId).where('user_id', '=', userId);
  if (except) q = q.where('id_hash', '!=', except);
  await q.execute();
}

export async function deleteExpiredSessions(db: Db): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', now()).execute();
}
