import { newId } from '../domain/ids.js';
import { DomainError, notFound } from '../domain/errors.js';
import { effectiveRights, type Right, type Role } from '../domain/rights.js';
import { now, type Db } from './db.js';
import type { Selectable } from 'kysely';
import type { Database } from './schema.js';

/**
 * Users of an organization, with their role and rights, and the hash of the password they sign
 * in with (none until they chose one). Every call but usersByEmail is scoped to one organization.
 */
export interface User {
  id: string; orgId: string; email: string; name: string; role: Role; rights: Right[]; createdAt: string; hasPassword: boolean;
  /** false once deactivated: the user can no longer sign in or use a key, and stays listed with their history. */
  active: boolean;
}
/** A user as signing in sees one: with the password's hash, which nothing else reads. */
export interface UserWithPassword extends User { passwordHash: string | null }

const withPassword = (r: Selectable<Database['users']>): UserWithPassword => {
  const rights = JSON.parse(r.rights) as string[];
  return {
    id: r.id, orgId: r.org_id, email: r.email, name: r.name, role: r.role as Role, rights: effectiveRights(r.role, rights), createdAt: r.created_at,
    hasPassword: r.password_hash !== null, active: r.deactivated_at === null, passwordHash: r.password_hash,
  };
};
const toUser = (r: Selectable<Database['users']>): User => {
  const { passwordHash: _hidden, ...user } = withPassword(r);
  return user;
};

export async function insertUser(db: Db, orgId: string, u: { email: string; name: string; role: Role; rights: readonly Right[] }): Promise<User> {
  const email = u.email.trim().toLowerCase();
  const taken = await db.selectFrom('users').select('id').where('org_id', '=', orgId).where('email', '=', email).executeTakeFirst();
  if (taken) throw new DomainError('conflict', `A user with the e-mail address ${email} already exists (${taken.id}).`, { reason: 'email_taken', params: { email } });
  const id = newId('usr');
  await db.insertInto('users').values({ id, org_id: orgId, email, name: u.name, role: u.role, rights: JSON.stringify(u.rights), created_at: now() }).execute();
  return getUser(db, orgId, id);
}

export async function getUser(db: Db, orgId: string, id: string): Promise<User> {
  const { passwordHash: _hidden, ...user } = await getUserWithPassword(db, orgId, id);
  return user;
}

export async function getUserWithPassword(db: Db, orgId: string, id: string): Promise<UserWithPassword> {
  const r = await db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('User', id);
  return withPassword(r);
}

/** Every user with this e-mail address, in any organization (an address is unique per organization only). */
export async function usersByEmail(db: Db, email: string): Promise<UserWithPassword[]> {
  const rows = await db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).orderBy('created_at').execute();
  return rows.map(withPassword);
}

export async function setPasswordHash(db: Db, orgId: string, userId: string, hash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: hash }).where('org_id', '=', orgId).where('id', '=', userId).execute();
}

export async function listUsers(db: Db, orgId: string): Promise<User[]> {
  const rows = await db.selectFrom('users').selectAll().where('org_id', '=', orgId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toUser);
}

export async function updateUser(db: Db, orgId: string, id: string, patch: { name?: string; role?: Role; rights?: readonly Right[] }): Promise<User> {
  await getUser(db, orgId, id);
  const set: Partial<Record<'name' | 'role' | 'rights', string>> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.role !== undefined) set.role = patch.role;
  if (patch.rights !== undefined) set.rights = JSON.stringify(patch.rights);
  if (Object.keys(set).length) await db.updateTable('users').set(set).where('org_id', '=', orgId).where('id', '=', id).execute();
  return getUser(db, orgId, id);
}

/** The organization's active administrators: a deactivated one can do nothing, so does not count. */
export async function countAdmins(db: Db, orgId: string): Promise<number> {
  const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId).where('role', '=', 'admin').where('deactivated_at', 'is', null).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Deactivates (at = now) or reactivates (at = null) a user; the row and its history stay. */
export async function setUserDeactivated(db: Db, orgId: string, id: string, at: string | null): Promise<User> {
  await getUser(db, orgId, id);
  await db.updateTable('users').set({ deactivated_at: at }).where('org_id', '=', orgId).where('id', '=', id).execute();
  return getUser(db, orgId, id);
}
