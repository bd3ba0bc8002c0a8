import type { Db } from '../catalog/db.js';
import { countOrganizations, createCompany, createOrganization, createUser } from '../catalog/organizations.js';
import { issueApiKey } from './api-keys.js';

export interface FirstStart { orgId: string; userId: string; companyId: string; apiKey: string }

/**
 * On the very first start (an empty database) creates an organization, its admin user, a first
 * company and an API key. The key is returned once, to be printed once: only its hash is kept.
 */
export async function bootstrapIfEmpty(db: Db): Promise<FirstStart | null> {
  if ((await countOrganizations(db)) > 0) return null;
  const orgId = await createOrganization(db, 'My organization');
  const userId = await createUser(db, orgId, { email: 'admin@localhost', name: 'Administrator', role: 'admin' });
  const company = await createCompany(db, orgId, { name: 'My company', language: 'en', timeZone: 'Europe/Brussels' });
  const apiKey = await issueApiKey(db, orgId, userId, 'First key');
  return { orgId, userId, companyId: company.id, apiKey };
}
