import { DomainError } from '../domain/errors.js';
import { RIGHT_TITLES, type Right, type Role } from '../domain/rights.js';

/**
 * Who may hand out what. An administrator may give any role and any right. A member who
 * manages users may give or take away only rights it holds itself, never the admin role, and
 * may not change an administrator at all: otherwise manage_users would be admin by another
 * name (make oneself admin, invite an admin, mint a key for one). The same rules hold for
 * adding, inviting and changing users, and for deactivating them.
 */
export interface Granter { userId: string; admin: boolean; rights: readonly Right[] }

const ASK_ADMIN = 'Ask an administrator of your organization.';

/** A user as the rules see it: its role, and the rights stored for it. */
export interface Grantee { name: string; role: Role; rights: readonly Right[] }

/** Throws the 403 a member gets for changing an administrator (admins may). */
export function assertMayChange(by: Granter, target: Grantee): void {
  if (by.admin) return;
  if (target.role === 'admin') throw new DomainError('forbidden', `${target.name} is an administrator: only an administrator may change them. ${ASK_ADMIN}`, { reason: 'admin_target', params: { name: target.name } });
}

/**
 * Throws unless `by` may give the user this role and these rights. `before` is the user as it
 * is now (null for a new one): rights it keeps or lacks either way are no change.
 */
export function assertMayAssign(by: Granter, next: { role?: Role; rights?: readonly Right[] }, before: Grantee | null): void {
  if (by.admin) return;
  if (before) assertMayChange(by, before);
  if (next.role === 'admin') throw new DomainError('forbidden', `Only an administrator may make a user an administrator. ${ASK_ADMIN}`, { reason: 'admin_only' });
  if (!next.rights) return;
  const was = new Set(before?.role === 'member' ? before.rights : []);
  const now = new Set(next.rights);
  const changed = [...new Set([...was, ...now])].filter((r) => was.has(r) !== now.has(r));
  const notHeld = changed.filter((r) => !by.rights.includes(r));
  if (notHeld.length) {
    const list = notHeld.map((r) => `"${r}" (${RIGHT_TITLES[r]})`).join(', ');
    throw new DomainError('forbidden', `You may give or take away only rights you hold yourself, and you do not hold ${list}. ${ASK_ADMIN}`, { reason: 'rights_not_held', params: { rights: notHeld.join(', ') } });
  }
}

/** API keys are made for oneself; an administrator may make one for anyone in the organization. */
export function assertMayIssueKeyFor(by: Granter, userId: string): void {
  if (by.admin || by.userId === userId) return;
  throw new DomainError('forbidden', `You may make API keys only for yourself: the key would act as another user. ${ASK_ADMIN}`, { reason: 'api_key_other_user' });
}
