import type { onRequestAsyncHookHandler, RouteOptions } from 'fastify';
import { DomainError } from '../domain/errors.js';
import type { Right } from '../domain/rights.js';
import { checkRight, principalOf } from './auth.js';

/**
 * Who may call each route, in one place. Every route the server registers must have an entry
 * (the server refuses to start otherwise), and test/security/route-table.test.ts calls every
 * route of the reference as each kind of caller to hold the table to what the routes do.
 *
 * - a right: a signed-in user or API key whose user holds it (an admin holds every right);
 * - 'signed_in': any user of the organization; the route itself narrows what is seen (a
 *   member's own API keys, collected documents only with review_inbox);
 * - 'admin': administrators only;
 * - { public }: no key or session, with the reason; such routes are registered outside the
 *   authenticated /v1 scope and authorize themselves (a link's token, an OAuth state).
 *
 * The check runs when the request arrives, before its body is read or validated, so a caller
 * without the right learns nothing from validation errors and starts no upload.
 */
export type Need = Right | 'signed_in' | 'admin' | { public: string };

const TOKEN = 'the link\'s one-time token authorizes it: a client connecting a folder has no account';

export const ROUTE_RIGHTS: Record<string, Need> = {
  'GET /health': { public: 'a liveness check for load balancers and monitors; it tells only that the database answers' },
  'GET /openapi.json': { public: 'the API reference, the same for everyone' },

  'POST /v1/session': { public: 'signing in: the e-mail address and password are the credentials' },
  'GET /v1/session': 'signed_in',
  'DELETE /v1/session': 'signed_in',
  'POST /v1/session/password': 'signed_in',
  'GET /v1/user-invitations/:token': { public: 'the invited person has no password yet: the mailed token authorizes it' },
  'POST /v1/user-invitations/:token': { public: 'the invited person chooses a password: the mailed token authorizes it, once' },
  'GET /v1/oauth/callback': { public: 'the provider\'s redirect carries no key: the stored one-time state says whose sign-in it is' },

  'GET /v1/companies': 'signed_in',
  'GET /v1/companies/:id': 'signed_in',
  'POST /v1/companies': 'manage_companies',
  'PATCH /v1/companies/:id': 'manage_companies',
  'GET /v1/organization': 'signed_in',
  'PATCH /v1/organization': 'admin',
  'GET /v1/companies/:id/retention': 'signed_in',
  'PUT /v1/companies/:id/retention': 'manage_companies',

  'GET /v1/documents': 'signed_in',
  'GET /v1/documents/:id': 'signed_in',
  'GET /v1/documents/:id/content': 'signed_in',
  'POST /v1/documents': 'manage_documents',
  'PATCH /v1/documents/:id': 'manage_documents',
  'POST /v1/documents/:id/versions': 'manage_documents',
  'PUT /v1/documents/:id/hold': 'manage_documents',
  'DELETE /v1/documents/:id': 'manage_documents',
  // Sending again is a backup's work; moving and marking done change the inbox.
  'POST /v1/documents/bulk/resend': 'manage_destinations',
  'POST /v1/documents/bulk/binder': 'review_inbox',
  'POST /v1/documents/bulk/done': 'review_inbox',
  'POST /v1/extract': 'signed_in',
  'GET /v1/layouts': 'signed_in',
  'POST /v1/layouts/preview': 'signed_in',

  'GET /v1/destination-kinds': 'signed_in',
  'GET /v1/destinations': 'signed_in',
  'GET /v1/destinations/:id': 'signed_in',
  'GET /v1/destinations/:id/runs': 'signed_in',
  'GET /v1/runs/:id': 'signed_in',
  'GET /v1/events': 'signed_in',
  'POST /v1/destinations': 'manage_destinations',
  'POST /v1/destinations/test': 'manage_destinations',
  // They log in with the typed-in credentials, as the test does.
  'POST /v1/destinations/folders': 'manage_destinations',
  'POST /v1/destinations/folders/new': 'manage_destinations',
  'PATCH /v1/destinations/:id': 'manage_destinations',
  'POST /v1/destinations/:id/preview-change': 'manage_destinations',
  'POST /v1/destinations/:id/pause': 'manage_destinations',
  'POST /v1/destinations/:id/resume': 'manage_destinations',
  'POST /v1/destinations/:id/sync': 'manage_destinations',
  'POST /v1/destinations/:id/verify': 'manage_destinations',
  'DELETE /v1/destinations/:id': 'manage_destinations',
  'GET /v1/providers': 'signed_in',
  'GET /v1/connections': 'signed_in',
  'GET /v1/connections/:id': 'signed_in',
  'GET /v1/connections/:id/folders': 'signed_in',
  'POST /v1/connections/:provider/authorize': 'manage_destinations',
  'POST /v1/connections/:id/reconnect': 'manage_destinations',
  'POST /v1/connections/:id/folders': 'manage_destinations',
  'DELETE /v1/connections/:id': 'manage_destinations',

  'GET /v1/binders': 'signed_in',
  'POST /v1/binders': 'configure_collection',
  'GET /v1/channels': 'signed_in',
  'GET /v1/channels/:id': 'signed_in',
  'GET /v1/channels/:id/runs': 'signed_in',
  'GET /v1/collect-runs/:id': 'signed_in',
  'GET /v1/collect-runs': 'signed_in',
  'GET /v1/channel-recipients': 'configure_collection',
  'POST /v1/channels': 'configure_collection',
  'PATCH /v1/channels/:id': 'configure_collection',
  'POST /v1/channels/:id/pause': 'configure_collection',
  'POST /v1/channels/:id/resume': 'configure_collection',
  'DELETE /v1/channels/:id': 'configure_collection',
  'POST /v1/channels/:id/run': 'configure_collection',
  'POST /v1/channels/:id/invite': 'configure_collection',
  'POST /v1/channels/:id/sign-in': 'configure_collection',
  'GET /v1/channels/:id/held': 'review_inbox',
  'POST /v1/channels/:id/held/release': 'review_inbox',
  'POST /v1/channels/:id/held/refuse': 'review_inbox',
  'GET /v1/invitations/:token': { public: TOKEN },
  'POST /v1/invitations/:token/authorize': { public: TOKEN },
  'POST /v1/invitations/:token/server': { public: TOKEN },
  'GET /v1/invitations/:token/folders': { public: TOKEN },
  'POST /v1/invitations/:token/folder': { public: TOKEN },
  'POST /v1/invitations/:token/folders': { public: TOKEN },
  'GET /connect/resume': { public: 'the page a client returns to from the provider: the stored OAuth state authorizes it' },
  'GET /connect/:token': { public: TOKEN },
  'POST /connect/:token/authorize': { public: TOKEN },
  'POST /connect/:token/server': { public: TOKEN },
  'POST /connect/:token/folder': { public: TOKEN },

  // The sandbox's emulated accounts the organization signed in to; putting a file in one is
  // what a client does to try collection, so it needs the right to set collection up.
  'GET /v1/sandbox/drives': 'signed_in',
  'POST /v1/sandbox/drives/:id/files': 'configure_collection',

  'GET /v1/inbox': 'review_inbox',
  'GET /v1/inbox/:id': 'review_inbox',
  'PATCH /v1/inbox/:id': 'review_inbox',

  'GET /v1/users/me': 'signed_in',
  'GET /v1/users/me/alerts': 'signed_in',
  'PUT /v1/users/me/alerts': 'signed_in',
  // Webhook messages carry every company's documents and inbox: administrators only.
  'GET /v1/webhooks/event-types': 'admin',
  'GET /v1/webhooks': 'admin',
  'POST /v1/webhooks': 'admin',
  'GET /v1/webhooks/:id': 'admin',
  'PATCH /v1/webhooks/:id': 'admin',
  'DELETE /v1/webhooks/:id': 'admin',
  'POST /v1/webhooks/:id/rotate-secret': 'admin',
  'POST /v1/webhooks/:id/test': 'admin',
  'GET /v1/webhooks/:id/deliveries': 'admin',
  'POST /v1/webhooks/:id/deliveries/:seq/replay': 'admin',
  'GET /v1/users': 'manage_users',
  'POST /v1/users': 'manage_users',
  'PATCH /v1/users/:id': 'manage_users',
  'POST /v1/users/invitations': 'manage_users',
  'POST /v1/users/:id/invitation': 'manage_users',
  'POST /v1/users/:id/deactivate': 'manage_users',
  'POST /v1/users/:id/activate': 'admin',
  'POST /v1/users/:id/api-keys': 'signed_in',
  'GET /v1/api-keys': 'signed_in',
  'POST /v1/api-keys': 'signed_in',
  'DELETE /v1/api-keys/:id': 'signed_in',

  'GET /v1/audit': 'admin',
  'GET /v1/audit/head': 'admin',
  'GET /v1/audit/verify': 'admin',
  // An export holds the organization's audit entries of its period: administrators only, like the log.
  'POST /v1/exports': 'admin',
  'GET /v1/exports': 'admin',
  'GET /v1/exports/:id': 'admin',
  'GET /v1/exports/:id/download': 'admin',
};

/**
 * Routes outside the API that need no entry: the built web app's files (its page and assets;
 * everything they show comes from /v1), the interactive reference at /docs, and the provider
 * emulators under /sandbox (only when the sandbox is switched on). None is under /v1 or
 * /connect, where every route must be named.
 */
const UNLISTED_PUBLIC = /^\/(?!v1(\/|$)|connect(\/|$))/;

/** The entry for a route; HEAD is answered as GET. */
export function needOf(method: string, url: string): Need | undefined {
  return ROUTE_RIGHTS[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}

/** The hook that enforces a need; null for public routes. */
function guardFor(need: Need): onRequestAsyncHookHandler | null {
  if (typeof need === 'object') return null;
  if (need === 'signed_in') return async (request) => { principalOf(request); };
  if (need === 'admin') {
    return async (request) => {
      if (!principalOf(request).admin) throw new DomainError('forbidden', 'Only an administrator of the organization may do this. Ask one to do it for you.', { reason: 'admin_only' });
    };
  }
  return async (request) => checkRight(request, need);
}

/** The reference says, for each route, who may call it: the same words the table holds. */
function describeNeed(route: RouteOptions, need: Need): void {
  const schema = route.schema as { hide?: boolean; description?: string } | undefined;
  if (!schema || schema.hide || typeof need === 'object') return;
  const who = need === 'signed_in' ? 'Any user of the organization.' : need === 'admin' ? 'Administrators only.' : `Needs the right \`${need}\`.`;
  // GET routes come by again as their HEAD twin, with the same schema.
  if (schema.description?.endsWith(who)) return;
  schema.description = schema.description ? `${schema.description}\n\n${who}` : who;
}

/**
 * The onRoute hook of the whole server: adds each route's guard as its last onRequest hook
 * (after the caller is identified), and refuses to register a route the table does not name.
 */
export function applyRightsTable(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const needs = methods.map((method) => needOf(method, route.url));
  const need = needs[0];
  if (need === undefined && UNLISTED_PUBLIC.test(route.url)) return;
  if (need === undefined || needs.some((n) => n !== need)) {
    throw new Error(`The route ${methods.join(',')} ${route.url} is not in src/api/rights-table.ts (one entry per method): say there who may call it.`);
  }
  describeNeed(route, need);
  const guard = guardFor(need);
  if (!guard) return;
  const existing = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
  route.onRequest = [...existing, guard];
}
