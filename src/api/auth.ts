import type { FastifyRequest, onRequestAsyncHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import { authenticateApiKey, type Principal } from '../auth/api-keys.js';
import { DomainError } from '../domain/errors.js';
import type { Db } from '../catalog/db.js';
import { RIGHT_TITLES, type Right } from '../domain/rights.js';

/**
 * Who is calling, per request. Kept beside the request rather than decorated onto it, so a
 * route outside /v1 (health, docs) cannot read a principal by mistake: it has none.
 */
const principals = new WeakMap<FastifyRequest, Principal>();

/** The onRequest hook of every /v1 route: runs before the body is read, so no upload starts unauthenticated. */
export function requireApiKey(db: Db): onRequestAsyncHookHandler {
  return async (request) => {
    const header = request.headers.authorization;
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    principals.set(request, await authenticateApiKey(db, m?.[1]));
  };
}

/** Who is calling: their organization and user. */
export function principalOf(request: FastifyRequest): Principal {
  const p = principals.get(request);
  if (!p) throw new DomainError('unauthorized', 'Send an API key in the Authorization header: "Bearer dsk_...".');
  return p;
}

/** The caller's organization: the first argument of every service call a route makes. */
export function orgOf(request: FastifyRequest): string {
  return principalOf(request).orgId;
}

/** Throws the 403 a caller without `right` gets. */
export function checkRight(request: FastifyRequest, right: Right): void {
  if (!principalOf(request).rights.includes(right)) {
    throw new DomainError('forbidden', `This needs the right "${right}" (${RIGHT_TITLES[right]}), which your user does not have. Ask a user who manages users to give it to you.`);
  }
}

/** A route guard: `{ preHandler: requireRight('configure_collection') }`. */
export function requireRight(right: Right): preHandlerAsyncHookHandler {
  return async (request) => checkRight(request, right);
}
