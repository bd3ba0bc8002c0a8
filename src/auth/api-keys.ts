import { randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import { findApiKeyByPrefix, insertApiKey, touchApiKey } from '../catalog/organizations.js';
import type { Db } from '../catalog/db.js';
import { getUser, type User } from '../catalog/users.js';
import type { Right } from '../domain/rights.js';
import { sha256Hex } from './hash.js';

/**
 * API keys look like "dsk_<prefix>_<secret>". Only a SHA-256 of the whole key is stored; the
 * prefix finds the row without scanning, and the comparison is constant-time.
 */

export async function issueApiKey(db: Db, orgId: string, userId: string, name: string): Promise<string> {
  return (await createApiKey(db, orgId, userId, name)).apiKey;
}

/** A new key for a user, with the id it is listed and revoked by; the key itself is never stored. */
export async function createApiKey(db: Db, orgId: string, userId: string, name: string): Promise<{ id: string; apiKey: string }> {
  const prefix = randomBytes(6).toString('hex');
  const apiKey = `dsk_${prefix}_${randomBytes(24).toString('base64url')}`;
  const id = await insertApiKey(db, { orgId, userId, name, prefix, hash: sha256Hex(apiKey) });
  return { id, apiKey };
}

/**
 * Who is calling: an API key's user (keyId) or a signed-in browser's (keyId null), with the
 * role and rights that user holds now (changes apply at once).
 */
export interface Principal { orgId: string; userId: string; keyId: string | null; admin: boolean; rights: readonly Right[] }

/** The 401 for a deactivated user's key or session, checked on every request. */
export function assertActive(user: User): void {
  if (!user.active) throw new DomainError('unauthorized', 'This user was deactivated by an administrator of the organization: ask one to reactivate it.', { reason: 'user_deactivated', params: { name: user.name } });
}

export async function authenticateApiKey(db: Db, key: string | undefined): Promise<Principal> {
  const m = key ? /^dsk_([0-9a-f]{12})_[A-Za-z0-9_-]{32}$/.exec(key) : null;
  if (!m) throw new DomainError('unauthorized', 'Send an API key in the Authorization header: "Bearer dsk_...".', { reason: 'api_key_missing' });
  const row = await findApiKeyByPrefix(db, m[1]!);
  const expected = row ? Buffer.from(row.hash, 'hex') : Buffer.alloc(32);
  const ok = timingSafeEqual(expected, Buffer.from(sha256Hex(key!), 'hex')) && !!row;
  if (!ok || !row) throw new DomainError('unauthorized', 'This API key is not valid or was revoked.', { reason: 'api_key_invalid' });
  // Recorded at most once a minute: a write per read request would compete with syncs for the lock.
  if (!row.last_used_at || Date.now() - Date.parse(row.last_used_at) > 60_000) await touchApiKey(db, row.id);
  const user = await getUser(db, row.org_id, row.user_id);
  assertActive(user);
  return { orgId: row.org_id, userId: row.user_id, keyId: row.id, admin: user.role === 'admin', rights: user.rights };
}
