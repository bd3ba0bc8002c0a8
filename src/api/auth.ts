import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { authenticateApiKey, type Principal } from '../auth/api-keys.js';
import { authenticateSession, checkCsrf, CSRF_HEADER, SESSION_COOKIE } from '../auth/sessions.js';
import { DomainError } from '../domain/errors.js';
import type { Db } from '../catalog/db.js';
import { RIGHT_TITLES, type Right } from '../domain/rights.js';
import { readCookie } from './cookies.js';
import type { AuditActor } from '../domain/audit.js';

/**
 * Who is calling, per request. Kept beside the request rather than decorated onto it, so a
 * route outside /v1 (health, docs) cannot read a principal by mistake: it has none.
 */
const principals = new WeakMap<FastifyRequest, Principal & { sessionId?: string; sessionHash?: string }>();

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The onRequest hook of every /v1 route: an API key (Authorization: Bearer) or a browser's
 * session cookie, both scoped to one organization the same way. Runs before the body is read,
 * so no upload starts unauthenticated. A cookie alone does not allow a change: the request
 * must also carry the session's CSRF token in a header, which another site's page cannot
 * send (a custom header needs CORS, which Dossier does not grant) nor know.
 */
export function requireCaller(db: Db): onRequestAsyncHookHandler {
  return async (request) => {
    const header = request.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      principals.set(request, await authenticateApiKey(db, m?.[1]));
      return;
    }
    const sessionId = readCookie(request, SESSION_COOKIE);
    if (!sessionId) throw new DomainError('unauthorized', 'Sign in, or send an API key in the Authorization header: "Bearer dsk_...".', { reason: 'sign_in_required' });
    const p = await authenticateSession(db, sessionId);
    if (!SAFE_METHODS.has(request.method) && !checkCsrf(sessionId, request.headers[CSRF_HEADER] as string | undefined)) {
      throw new DomainError('forbidden', `A change made with a session cookie needs the ${CSRF_HEADER} header from GET /v1/session. Reload the page and try again.`, { reason: 'csrf_missing' });
    }
    principals.set(request, { ...p, sessionId });
  };
}

/** Who is calling: their organization and user. */
export function principalOf(request: FastifyRequest): Principal {
  const p = principals.get(request);
  if (!p) throw new DomainError('unauthorized', 'Sign in, or send an API key in the Authorization header: "Bearer dsk_...".', { reason: 'sign_in_required' });
  return p;
}

/** The session behind this request, when it came from a signed-in browser. */
export function sessionOf(request: FastifyRequest): { sessionId: string; sessionHash: string } | null {
  const p = principals.get(request);
  return p?.sessionId && p.sessionHash ? { sessionId: p.sessionId, sessionHash: p.sessionHash } : null;
}

/** The caller's organization: the first argument of every service call a route makes. */
export function orgOf(request: FastifyRequest): string {
  return principalOf(request).orgId;
}

/** Throws the 403 a caller without `right` gets. The rights table (rights-table.ts) calls it for each route. */
export function checkRight(request: FastifyRequest, right: Right): void {
  if (!principalOf(request).rights.includes(right)) {
    throw new DomainError('forbidden', `This needs the right "${right}" (${RIGHT_TITLES[right]}), which your user does not have. Ask a user who manages users to give it to you.`, { reason: 'missing_right', params: { right } });
  }
}

/** Who the audit log names for this request: the API key when one was sent, else the signed-in user. */
export function actorOf(request: FastifyRequest): AuditActor {
  const p = principalOf(request);
  return p.keyId ? { kind: 'api_key', id: p.keyId } : { kind: 'user', id: p.userId };
}
