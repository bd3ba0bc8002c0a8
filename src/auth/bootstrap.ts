import type { Db } from '../catalog/db.js';
import { countOrganizations, createCompany, createOrganization, createUser } from '../catalog/organizations.js';
import { issueApiKey } from './api-keys.js';
import { generatePassword } from './passwords.js';
import { setPassword } from './sessions.js';

export const ADMIN_EMAIL = 'admin@localhost';

export interface FirstStart { orgId: string; userId: string; companyId: string; apiKey: string; email: string; password: string }

/**
 * On the very first start (an empty database) creates an organization, its admin user with an
 * initial password, a first company and an API key. The key and the password are returned once,
 * to be printed once: only their hashes are kept.
 */
export async function bootstrapIfEmpty(db: Db): Promise<FirstStart | null> {
  if ((await countOrganizations(db)) > 0) return null;
  const orgId = await createOrganization(db, 'My organization');
  const userId = await createUser(db, orgId, { email: ADMIN_EMAIL, name: 'Administrator', role: 'admin' });
  const password = generatePassword();
  await setPassword(db, orgId, userId, password);
  const company = await createCompany(db, orgId, { name: 'My company', language: 'en', timeZone: 'Europe/Brussels' });
  const apiKey = await issueApiKey(db, orgId, userId, 'First key');
  return { orgId, userId, companyId: company.id, apiKey, email: ADMIN_EMAIL, password };
}

/** What the first start prints, to the terminal only. */
export function firstStartNotice(first: FirstStart, baseUrl?: string): string[] {
  return [
    'Dossier is set up. Keep these: they are shown only now.',
    `  API key:    ${first.apiKey}`,
    `  Company id: ${first.companyId}`,
    `  Sign in${baseUrl ? ` at ${baseUrl}` : ''} as ${first.email} with the password ${first.password}`,
    '  (change it under Account after signing in).',
  ];
}
