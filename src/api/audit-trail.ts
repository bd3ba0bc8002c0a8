import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod, RouteOptions } from 'fastify';
import { recordAudit } from '../audit/log.js';
import type { AuditType } from '../domain/audit.js';
import type { Db } from '../catalog/db.js';
import { inOneTransaction } from '../catalog/unit-of-work.js';
import { actorOf, orgOf } from './auth.js';

/**
 * The changes of settings, users and keys that the API makes, as audit entries: one table of
 * routes, so that a new route of that kind is one line here. The route runs as one unit of work
 * (src/catalog/unit-of-work.ts): what it changes and its entry commit in one transaction, or
 * neither does, and the answer leaves only after the commit (a caller that got a 2xx finds
 * both). The entry holds the names of the fields
 * sent, never their values, except role and rights, which are the change itself; secrets
 * (passwords, keys) never reach the log.
 */
const AUDITED: Record<string, { type: AuditType; object: string }> = {
  'POST /v1/companies': { type: 'settings.changed', object: 'company' },
  'PATCH /v1/companies/:id': { type: 'settings.changed', object: 'company' },
  'POST /v1/destinations': { type: 'settings.changed', object: 'destination' },
  'PATCH /v1/destinations/:id': { type: 'settings.changed', object: 'destination' },
  'POST /v1/destinations/:id/pause': { type: 'settings.changed', object: 'destination' },
  'POST /v1/destinations/:id/resume': { type: 'settings.changed', object: 'destination' },
  'DELETE /v1/destinations/:id': { type: 'settings.changed', object: 'destination' },
  'DELETE /v1/connections/:id': { type: 'settings.changed', object: 'connection' },
  'POST /v1/binders': { type: 'settings.changed', object: 'binder' },
  'POST /v1/channels': { type: 'settings.changed', object: 'channel' },
  'PATCH /v1/channels/:id': { type: 'settings.changed', object: 'channel' },
  'POST /v1/channels/:id/pause': { type: 'settings.changed', object: 'channel' },
  'POST /v1/channels/:id/resume': { type: 'settings.changed', object: 'channel' },
  'DELETE /v1/channels/:id': { type: 'settings.changed', object: 'channel' },
  // A held mail let in, or refused and its kept copy deleted: the reviewer's decision on the channel.
  'POST /v1/channels/:id/held/release': { type: 'settings.changed', object: 'channel' },
  'POST /v1/channels/:id/held/refuse': { type: 'settings.changed', object: 'channel' },
  'POST /v1/session/password': { type: 'settings.changed', object: 'user' },
  'POST /v1/users': { type: 'user.rights_changed', object: 'user' },
  'PATCH /v1/users/:id': { type: 'user.rights_changed', object: 'user' },
  'POST /v1/users/invitations': { type: 'user.rights_changed', object: 'user' },
  'POST /v1/users/:id/deactivate': { type: 'user.rights_changed', object: 'user' },
  'POST /v1/users/:id/activate': { type: 'user.rights_changed', object: 'user' },
  'POST /v1/users/:id/api-keys': { type: 'api_key.created', object: 'api_key' },
  'POST /v1/api-keys': { type: 'api_key.created', object: 'api_key' },
  'DELETE /v1/api-keys/:id': { type: 'api_key.revoked', object: 'api_key' },
  'POST /v1/webhooks': { type: 'settings.changed', object: 'webhook' },
  'PATCH /v1/webhooks/:id': { type: 'settings.changed', object: 'webhook' },
  'DELETE /v1/webhooks/:id': { type: 'settings.changed', object: 'webhook' },
  'POST /v1/webhooks/:id/rotate-secret': { type: 'settings.changed', object: 'webhook' },
};

/** The values kept as they are: the change of a user's role or rights is what an auditor asks about. */
const KEPT_VALUES = ['role', 'rights', 'active'];

function idIn(payload: unknown): string | null {
  if (!payload || typeof payload !== 'object') return null;
  const body = payload as { id?: unknown; user?: { id?: unknown }; endpoint?: { id?: unknown } };
  const id = body.id ?? body.user?.id ?? body.endpoint?.id;
  return typeof id === 'string' ? id : null;
}

function eventOf(request: FastifyRequest, payload: unknown) {
  const entry = AUDITED[`${request.method} ${request.routeOptions.url}`];
  if (!entry) return null;
  const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
  const params = request.params as { id?: string };
  const kept = Object.fromEntries(KEPT_VALUES.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
  const action = request.routeOptions.url!.split('/').at(-1)!;
  return {
    type: entry.type, actor: actorOf(request), objectType: entry.object,
    objectId: params.id ?? idIn(payload) ?? undefined,
    companyId: typeof body.companyId === 'string' ? body.companyId : undefined,
    details: { request: `${request.method} ${request.routeOptions.url}`, ...(action.startsWith(':') || action === entry.object + 's' ? {} : { action }), fields: Object.keys(body).sort(), ...kept },
  };
}

/**
 * The route's handler, run as one unit of work with its audit entry. What the handler sends is
 * held back (reply.send only notes it) until the change and the entry are committed; a
 * handler that throws, or an entry that cannot be written, rolls the change back and the
 * caller gets the error.
 */
function audited(db: Db, handler: RouteHandlerMethod): RouteHandlerMethod {
  return async function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
    const outcome = await inOneTransaction(async () => {
      let made: { payload: unknown } | null = null;
      let noted!: () => void;
      const sending = new Promise<void>((resolve) => { noted = resolve; });
      const send = reply.send;
      reply.send = (payload?: unknown) => { made = { payload }; noted(); return reply; };
      let returned: unknown;
      try {
        // A handler that returns reply.send(...) resolves only once the answer is sent (a reply
        // is thenable), which here waits for the commit: the noted send is the handler's end.
        const running = Promise.resolve(handler.call(this, request, reply));
        running.catch(() => undefined);
        returned = await Promise.race([running, sending]);
      } finally {
        reply.send = send;
      }
      const sent = made as { payload: unknown } | null;
      const event = reply.statusCode < 300 ? eventOf(request, sent ? sent.payload : returned) : null;
      if (event) await recordAudit(db, orgOf(request), event);
      return { made: sent, returned };
    });
    return outcome.made ? reply.send(outcome.made.payload) : outcome.returned;
  };
}

/** The onRoute hook of the /v1 scope: the routes of AUDITED run as units of work that write their entry. */
export function registerAuditTrail(v1: FastifyInstance, db: Db): void {
  v1.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => AUDITED[`${m} ${route.url}`])) return;
    route.handler = audited(db, route.handler);
  });
}
