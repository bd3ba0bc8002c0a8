import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';
import type { Db } from '../catalog/db.js';
import { getUser } from '../catalog/users.js';
import { principalOf } from './auth.js';

/**
 * A folder on this server reaches the server's own files: only an administrator may point a
 * destination or a channel at one, or change one (docs/security.md, "Local folders").
 */
export async function checkLocalKindAllowed(db: Db, request: FastifyRequest, kind: string): Promise<void> {
  if (kind !== 'local') return;
  const p = principalOf(request);
  const user = await getUser(db, p.orgId, p.userId);
  if (user.role !== 'admin') {
    throw new DomainError('forbidden', 'Only an administrator may set up or change a folder on this server: ask one of your administrators to do it.', { reason: 'admin_only' });
  }
}
