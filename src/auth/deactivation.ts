import { DomainError } from '../domain/errors.js';
import type { Db } from '../catalog/db.js';
import { now } from '../catalog/db.js';
import { countAdmins, getUser, setUserDeactivated, type User } from '../catalog/users.js';
import { revokeApiKeysOfUser } from '../catalog/organizations.js';
import { deleteSessionsOfUser } from '../catalog/sessions.js';

const onlyAdmin = (user: User) => new DomainError('conflict', `${user.name} is the organization's only active administrator: make another user admin first.`, { reason: 'only_admin_left', params: { name: user.name } });

/**
 * A user who leaves is deactivated rather than removed: what they did (uploads, reviews,
 * runs) keeps naming them. From that moment their sessions end, their API keys are revoked,
 * and they cannot sign in or accept an invitation; keys and sessions are also refused for an
 * inactive user on every request. Reactivating lets them sign in again; their old keys stay
 * revoked (new ones are made).
 */
export async function deactivateUser(db: Db, orgId: string, userId: string): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const user = await getUser(trx, orgId, userId);
    if (!user.active) return user;
    if (user.role === 'admin' && (await countAdmins(trx, orgId)) <= 1) throw onlyAdmin(user);
    const deactivated = await setUserDeactivated(trx, orgId, userId, now());
    await revokeApiKeysOfUser(trx, orgId, userId);
    await deleteSessionsOfUser(trx, orgId, userId);
    return deactivated;
  });
}

export async function reactivateUser(db: Db, orgId: string, userId: string): Promise<User> {
  return setUserDeactivated(db, orgId, userId, null);
}

/** Demoting the last active administrator would leave nobody able to grant admin again. */
export async function assertNotLastAdmin(db: Db, orgId: string, user: User, change: { role?: string }): Promise<void> {
  if (user.role === 'admin' && user.active && change.role === 'member' && (await countAdmins(db, orgId)) <= 1) throw onlyAdmin(user);
}
