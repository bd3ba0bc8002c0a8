import { newId } from '../domain/ids.js';
import { notFound } from '../domain/errors.js';
import type { Language } from '../domain/documents.js';
import { now, type Db } from './db.js';

/** Organizations, their users, API keys and companies. Every read is scoped to one organization. */
export interface Company { id: string; orgId: string; name: string; language: Language; timeZone: string; vatId: string | null; createdAt: string }
export interface Organization { id: string; name: string; createdAt: string }

export async function createOrganization(db: Db, name: string): Promise<string> {
  const id = newId('org');
  await db.insertInto('organizations').values({ id, name, created_at: now() }).execute();
  return id;
}

export async function getOrganization(db: Db, orgId: string): Promise<Organization> {
  const row = await db.selectFrom('organizations').selectAll().where('id', '=', orgId).executeTakeFirst();
  if (!row) throw notFound('Organization', orgId);
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

/** The firm's name: the sender and signature of every mail to clients. */
export async function renameOrganization(db: Db, orgId: string, name: string): Promise<Organization> {
  await db.updateTable('organizations').set({ name }).where('id', '=', orgId).execute();
  return getOrganization(db, orgId);
}

export async function countOrganizations(db: Db): Promise<number> {
  const row = await db.selectFrom('organizations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function createUser(db: Db, orgId: string, u: { email: string; name: string; role: string }): Promise<string> {
  const id = newId('usr');
  await db.insertInto('users').values({ id, org_id: orgId, ...u, created_at: now() }).execute();
  return id;
}

export async function insertApiKey(db: Db, k: { orgId: string; userId: string; name: string; prefix: string; hash: string }): Promise<string> {
  const id = newId('key');
  await db.insertInto('api_keys').values({
    id, org_id: k.orgId, user_id: k.userId, name: k.name, prefix: k.prefix, hash: k.hash, created_at: now(), last_used_at: null, revoked_at: null,
  }).execute();
  return id;
}

export async function findApiKeyByPrefix(db: Db, prefix: string) {
  return db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).where('revoked_at', 'is', null).executeTakeFirst();
}

/** An API key as listed: never its hash, and the secret was never stored. */
export interface ApiKeyRow { id: string; orgId: string; userId: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null }

/** The organization's keys that still work, oldest first; only this user's when userId is given. */
export async function listApiKeys(db: Db, orgId: string, userId?: string): Promise<ApiKeyRow[]> {
  let q = db.selectFrom('api_keys').select(['id', 'org_id', 'user_id', 'name', 'prefix', 'created_at', 'last_used_at'])
    .where('org_id', '=', orgId).where('revoked_at', 'is', null);
  if (userId) q = q.where('user_id', '=', userId);
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, orgId: r.org_id, userId: r.user_id, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

/** Revokes one key (true) or none when it is not this organization's or already revoked (false). */
export async function revokeApiKey(db: Db, orgId: string, id: string): Promise<boolean> {
  const r = await db.updateTable('api_keys').set({ revoked_at: now() }).where('org_id', '=', orgId).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Revokes every key of a user (when the user is deactivated). */
export async function revokeApiKeysOfUser(db: Db, orgId: string, userId: string): Promise<void> {
  await db.updateTable('api_keys').set({ revoked_at: now() }).where('org_id', '=', orgId).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: now() }).where('id', '=', id).execute();
}

const toCompany = (r: { id: string; org_id: string; name: string; language: string; time_zone: string; vat_id?: string | null; created_at: string }): Company => ({
  id: r.id, orgId: r.org_id, name: r.name, language: r.language as Language, timeZone: r.time_zone, vatId: r.vat_id ?? null, createdAt: r.created_at,
});

type CompanyFields = { name: string; language: Language; timeZone: string; vatId?: string | null };

export async function createCompany(db: Db, orgId: string, c: CompanyFields): Promise<Company> {
  const row = { id: newId('cmp'), org_id: orgId, name: c.name, language: c.language, time_zone: c.timeZone, vat_id: c.vatId ?? null, created_at: now() };
  await db.insertInto('companies').values(row).execute();
  return toCompany(row);
}

export async function listCompanies(db: Db, orgId: string): Promise<Company[]> {
  const rows = await db.selectFrom('companies').selectAll().where('org_id', '=', orgId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toCompany);
}

export async function getCompany(db: Db, orgId: string, id: string): Promise<Company> {
  const row = await db.selectFrom('companies').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Company', id);
  return toCompany(row);
}

export async function updateCompany(db: Db, orgId: string, id: string, patch: Partial<CompanyFields>): Promise<Company> {
  await getCompany(db, orgId, id);
  const set: Record<string, string | null> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.language !== undefined) set.language = patch.language;
  if (patch.timeZone !== undefined) set.time_zone = patch.timeZone;
  if (patch.vatId !== undefined) set.vat_id = patch.vatId;
  if (Object.keys(set).length) await db.updateTable('companies').set(set).where('org_id', '=', orgId).where('id', '=', id).execute();
  return getCompany(db, orgId, id);
}
