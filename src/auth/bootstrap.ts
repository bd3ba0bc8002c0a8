import { existsSync, unlinkSync, writeFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Db } from '../catalog/db.js';
import { countOrganizations, createCompany, createOrganization, createUser, listCompanies } from '../catalog/organizations.js';
import { setPasswordHash } from '../catalog/users.js';
import { issueApiKey } from './api-keys.js';
import { generatePassword, hashPassword } from './passwords.js';
import { isPostgres } from '../catalog/dialect.js';

export const ADMIN_EMAIL = 'admin@localhost';
/** The marker's name in the data folder (BootstrapOptions.markerPath). */
export const FIRST_START_MARKER = 'first-start.pending';

export interface FirstStart {
  orgId: string; userId: string; companyId: string; apiKey: string; email: string; password: string;
  /**
   * Set when this start finished what an earlier one began: `interrupted`, an earlier first start
   * was stopped before it was kept (nothing of it was, and credentials it showed do not work);
   * `incomplete`, an older version, which set up step by step, left an organization and its admin
   * without a password, an API key or a company.
   */
  recovered?: 'interrupted' | 'incomplete';
}

export interface BootstrapOptions {
  /**
   * Shows the credentials. Called inside the set-up's transaction, before it is committed: a kill
   * after showing loses the set-up (the next start makes another and says so), never credentials
   * that were kept without being shown.
   */
  show?(first: FirstStart): void;
  /** A file that marks a first start in progress, so that the next start can say one was stopped. */
  markerPath?: string;
}

/** Two processes starting at once (API and CLI) must not both set up; SQLite's single writer already serialises them. */
async function lockFirstStart(db: Db): Promise<void> {
  if (isPostgres(db)) await sql`select pg_advisory_xact_lock(7263541001)`.execute(db);
}

/** The organization an older version's set-up left half-made: it has an admin without password and no API key at all. */
async function incompleteSetUp(db: Db): Promise<{ orgId: string; userId: string } | null> {
  const orgs = await db.selectFrom('organizations').select('id').limit(2).execute();
  if (orgs.length !== 1) return null;
  const keys = await db.selectFrom('api_keys').select('id').limit(1).execute();
  if (keys.length > 0) return null;
  const admin = await db.selectFrom('users').select('id').where('org_id', '=', orgs[0]!.id).where('email', '=', ADMIN_EMAIL)
    .where('password_hash', 'is', null).executeTakeFirst();
  return admin ? { orgId: orgs[0]!.id, userId: admin.id } : null;
}

const firstCompany = { name: 'My company', language: 'en', timeZone: 'Europe/Brussels' } as const;

/**
 * On the very first start (an empty database) creates an organization, its admin user with an
 * initial password, a first company and an API key, in one transaction: all of them, or none.
 * The key and the password are returned once, to be printed once: only their hashes are kept.
 */
export async function bootstrapIfEmpty(db: Db, opts: BootstrapOptions = {}): Promise<FirstStart | null> {
  const interrupted = opts.markerPath ? existsSync(opts.markerPath) : false;
  if ((await countOrganizations(db)) > 0 && !(await incompleteSetUp(db))) {
    // A start stopped after its commit: it had shown the credentials before committing.
    if (interrupted) unlinkSync(opts.markerPath!);
    return null;
  }
  // Hashed before the transaction: the slow part does not hold the database's write lock.
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  if (opts.markerPath) writeFileSync(opts.markerPath, `first start begun at ${new Date().toISOString()} by process ${process.pid}\n`);
  let shown = false;
  try {
    const first = await db.transaction().execute(async (trx) => {
      await lockFirstStart(trx);
      let made: Omit<FirstStart, 'apiKey' | 'password' | 'email'> & { recovered?: FirstStart['recovered'] };
      if ((await countOrganizations(trx)) === 0) {
        const orgId = await createOrganization(trx, 'My organization');
        const userId = await createUser(trx, orgId, { email: ADMIN_EMAIL, name: 'Administrator', role: 'admin' });
        const company = await createCompany(trx, orgId, firstCompany);
        made = { orgId, userId, companyId: company.id, ...(interrupted && { recovered: 'interrupted' as const }) };
      } else {
        const half = await incompleteSetUp(trx);
        if (!half) return null; // another process set up meanwhile
        const company = (await listCompanies(trx, half.orgId))[0] ?? await createCompany(trx, half.orgId, firstCompany);
        made = { ...half, companyId: company.id, recovered: 'incomplete' };
      }
      await setPasswordHash(trx, made.orgId, made.userId, passwordHash);
      const apiKey = await issueApiKey(trx, made.orgId, made.userId, 'First key');
      const result: FirstStart = { ...made, apiKey, email: ADMIN_EMAIL, password };
      shown = true;
      opts.show?.(result);
      return result;
    });
    if (opts.markerPath) unlinkSync(opts.markerPath);
    return first;
  } catch (e) {
    if (!shown || !opts.show) throw e;
    throw new Error(`Setting up Dossier failed after the credentials above were shown, so they were not kept and do not work: ${e instanceof Error ? e.message : String(e)}. Start Dossier again to set it up.`, { cause: e });
  }
}

/** What the first start prints, to the terminal only. */
export function firstStartNotice(first: FirstStart, baseUrl?: string): string[] {
  const before = {
    interrupted: ['An earlier first start was stopped before it finished: nothing of it was kept, and credentials it may have shown do not work.'],
    incomplete: ['An earlier first start was stopped half-way: the organization and its administrator were made, the rest is made now.'],
  };
  return [
    ...(first.recovered ? before[first.recovered] : []),
    'Dossier is set up. Keep these: they are shown only now.',
    `  API key:    ${first.apiKey}`,
    `  Company id: ${first.companyId}`,
    `  Sign in${baseUrl ? ` at ${baseUrl}` : ''} as ${first.email} with the password ${first.password}`,
    '  (change it under Account after signing in).',
  ];
}
