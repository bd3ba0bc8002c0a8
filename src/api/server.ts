import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyMultipart from '@fastify/multipart';
import { sql } from 'kysely';
import { z } from 'zod';
import {
  jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from '../log/log.js';
import type { Db } from '../catalog/db.js';
import type { VaultService } from '../vault/service.js';
import type { BackupService } from '../backup/service.js';
import type { ConnectorDefinition } from '../connectors/connector.js';
import { definitions as registeredDefinitions } from '../connectors/registry.js';
import { ErrorBody, mapError } from './errors.js';
import { documentationOnly } from './schemas.js';
import { requireCaller } from './auth.js';
import { applyRightsTable } from './rights-table.js';
import { companyRoutes } from './routes/companies.js';
import { documentRoutes } from './routes/documents.js';
import { documentBulkRoutes } from './routes/documents-bulk.js';
import { destinationRoutes } from './routes/destinations.js';
import { runRoutes } from './routes/runs.js';
import { layoutRoutes } from './routes/layouts.js';
import { connectionRoutes, oauthCallbackRoute } from './routes/connections.js';
import type { ConnectionService } from '../auth/oauth/connections.js';
import { extractRoutes } from './routes/extract.js';
import { userRoutes } from './routes/users.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { channelRoutes } from './routes/channels.js';
import { collectHistoryRoutes } from './routes/collect-history.js';
import { heldMailRoutes } from './routes/held-mail.js';
import { invitationPages, invitationRoutes } from './routes/invitations.js';
import type { ChannelService } from '../collect/channels.js';
import type { CollectRuns } from '../collect/service.js';
import type { InvitationService } from '../collect/invitations.js';
import type { InboxService } from '../collect/inbox.js';
import type { DocumentTexts } from '../collect/document-texts.js';
import { inboxRoutes } from './routes/inbox.js';
import { sessionRoutes, signInRoute } from './routes/session.js';
import { eventRoutes } from './routes/events.js';
import { registerAuditTrail } from './audit-trail.js';
import { auditRoutes } from './routes/audit.js';
import { exportRoutes } from './routes/exports.js';
import type { ExportService } from '../export/jobs.js';
import { retentionRoutes } from './routes/retention.js';
import type { RetentionService } from '../retention/service.js';
import { joinRoutes, userInvitationRoutes } from './routes/user-invitations.js';
import type { UserInvitationService } from '../auth/user-invitations.js';
import type { LiveEvents } from '../events/live.js';
import { sandboxRoutes } from './routes/sandbox.js';
import type { SandboxDrives } from '../auth/oauth/sandbox-drives.js';
import { sendWebPage, serveWebApp, wantsPage } from './web.js';
import { DOCS_CSP, registerSecurityHeaders } from './security-headers.js';
import type { WebhookService } from '../webhooks/service.js';
import type { AlertService } from '../alerts/service.js';
import { webhookRoutes } from './routes/webhooks.js';
import { alertRoutes } from './routes/alerts.js';
import { serverOptions, type ServerTimeouts } from './server-options.js';

/** What the routes need; the composition root's deps object has all of it. */
export interface ApiDeps {
  db: Db;
  log: Logger;
  vault: VaultService;
  backup: BackupService;
  /** Retention periods and holds; every deletion of a document goes through it. */
  retention: RetentionService;
  /** Largest file accepted per upload; the vault's own limit when not given. */
  maxUploadBytes?: number;
  /** The destination kinds offered to users; every registered kind when not given. */
  definitions?: readonly ConnectorDefinition[];
  /** OAuth accounts (OneDrive, Google Drive, Dropbox); without it the connection routes answer 503. */
  connections?: ConnectionService;
  /** The public address, for OAuth callbacks and the pages they return to; which proxies to believe; the limits on slow clients. */
  config?: { baseUrl: string; trustProxy?: boolean | number | string[]; timeouts?: ServerTimeouts };
  /** Collection: channels and their runs (invitations when mail is set up). */
  collect: {
    channels: ChannelService; runs: CollectRuns; invitations?: InvitationService; inbox: InboxService;
    /** Reads the text of a plain upload after it is answered, for search; without it only read=true uploads are searchable by text. */
    texts?: DocumentTexts;
  };
  /** Users invited by e-mail; without it those routes answer 503. */
  users?: { invitations: UserInvitationService };
  /** In-process provider emulators, answered under /sandbox (the prefix removed before they see it). */
  sandbox?: { handle(req: IncomingMessage, res: ServerResponse): Promise<void> } | null;
  /** Live backup events for GET /v1/events; without it that route answers 503. */
  events?: LiveEvents;
  /** The built web app (web/dist); served at / when given. */
  webRoot?: string | null;
  /** Webhook endpoints and their deliveries; without it those routes answer 503. */
  webhooks?: { service: WebhookService };
  /** Each user's alert mail settings. */
  alerts?: AlertService;
  /** The sandbox's emulated drives as the organization's connections see them; the sandbox routes answer 503 without it. */
  sandboxDrives?: SandboxDrives;
  /** Exports made as jobs; without it those routes are not offered. */
  exports?: ExportService;
}

/** The same 2 GiB the vault enforces, so the two limits agree when none is configured. */
export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

/** Where the sandbox's emulators answer on this server. */
export const SANDBOX_PREFIX = '/sandbox';

export type ZodApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;
export interface RouteContext { deps: ApiDeps; maxUploadBytes: number; definitions: readonly ConnectorDefinition[] }

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const mapped = mapError(error);
  if (!mapped) {
    request.log.error({ err: error }, 'request failed unexpectedly');
    return reply.code(500).send({ error: { code: 'internal', message: `Something went wrong on our side. If it happens again, report it with reference ${request.id}.`, reason: 'internal_error', params: { reference: request.id } } });
  }
  if (mapped.status >= 500) request.log.warn({ err: error }, 'request failed');
  if (mapped.status === 401) reply.header('www-authenticate', 'Bearer');
  for (const [k, v] of Object.entries(mapped.headers ?? {})) reply.header(k, v);
  return reply.code(mapped.status).send({ error: { code: mapped.code, message: mapped.message, ...(mapped.reason && { reason: mapped.reason, params: mapped.params ?? {} }) } });
}

/**
 * OpenAPI components for every named schema exist twice (as input and output); the input
 * copies no route refers to are clutter in the reference, so they are left out.
 */
const transformObject: typeof jsonSchemaTransformObject = (input) => {
  const doc = jsonSchemaTransformObject(input) as { paths?: unknown; components?: { schemas?: Record<string, unknown> } };
  const schemas = doc.components?.schemas;
  if (schemas) {
    const used = JSON.stringify(doc.paths ?? {});
    for (const name of Object.keys(schemas)) {
      if (name.endsWith('Input') && !used.includes(`#/components/schemas/${name}"`)) delete schemas[name];
    }
  }
  return doc as ReturnType<typeof jsonSchemaTransformObject>;
};

export async function buildServer(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log, ...serverOptions(deps.config ?? {}),
  }).withTypeProvider<ZodTypeProvider>();
  // Before any route: every route registered from here on gets its guard from the rights table.
  app.addHook('onRoute', applyRightsTable);
  await registerSecurityHeaders(app as unknown as FastifyInstance, { https: new URL(deps.config?.baseUrl ?? 'http://localhost').protocol === 'https:' });
  // Multipart routes read their body as a stream; their body schema only documents it.
  app.setValidatorCompiler((route) => (documentationOnly.has(route.schema as object) ? (data: unknown) => ({ value: data }) : validatorCompiler(route as Parameters<typeof validatorCompiler>[0])));
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  const notFound = (request: FastifyRequest, reply: FastifyReply) => reply.code(404).send({
    error: { code: 'not_found', message: `There is no ${request.method} ${request.url.split('?')[0]}. The reference is at /docs.`, reason: 'route_unknown' },
  });
  if (deps.webRoot) await serveWebApp(app as unknown as FastifyInstance, deps.webRoot, notFound);
  else app.setNotFoundHandler(notFound);

  await app.register(fastifyMultipart, { limits: { files: 1 } });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Dossier API',
        version: '1',
        description: 'Back up a company\'s accounting documents to storage it owns. Every /v1 route needs an API key (`Authorization: Bearer dsk_...`) or, from the web app, the session cookie set by POST /v1/session; a change made with the cookie also needs the `x-csrf-token` header that GET /v1/session returns. Errors always look like `{ "error": { "code", "message" } }`.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key, dsk_...' },
          session: { type: 'apiKey', in: 'cookie', name: 'dossier_session', description: 'Set by POST /v1/session.' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });

  app.get('/health', {
    schema: { summary: 'Liveness and database check', tags: ['service'], security: [], response: { 200: z.object({ status: z.literal('ok') }), 503: ErrorBody } },
  }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(deps.db);
    } catch (err) {
      deps.log.error({ err }, 'health check: the database does not answer');
      return reply.code(503).send({ error: { code: 'unavailable', message: 'The database does not answer.' } });
    }
    return { status: 'ok' as const };
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const ctx: RouteContext = {
    deps,
    maxUploadBytes: deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    definitions: deps.definitions ?? registeredDefinitions,
  };
  await app.register(async (v1) => {
    v1.addHook('onRequest', requireCaller(deps.db));
    registerAuditTrail(v1 as unknown as FastifyInstance, deps.db);
    const zv1 = v1.withTypeProvider<ZodTypeProvider>();
    companyRoutes(zv1, ctx);
    documentRoutes(zv1, ctx);
    documentBulkRoutes(zv1, ctx);
    destinationRoutes(zv1, ctx);
    runRoutes(zv1, ctx);
    layoutRoutes(zv1, ctx);
    connectionRoutes(zv1, ctx);
    extractRoutes(zv1, ctx);
    userRoutes(zv1, ctx);
    apiKeyRoutes(zv1, ctx);
    userInvitationRoutes(zv1, ctx);
    channelRoutes(zv1, ctx);
    collectHistoryRoutes(zv1, ctx);
    heldMailRoutes(zv1, ctx);
    inboxRoutes(zv1, ctx);
    sessionRoutes(zv1, ctx);
    eventRoutes(zv1, ctx);
    if (deps.webhooks) webhookRoutes(zv1, ctx);
    if (deps.alerts) alertRoutes(zv1, ctx);
    auditRoutes(zv1, ctx);
    if (deps.exports) exportRoutes(zv1, ctx);
    retentionRoutes(zv1, ctx);
    sandboxRoutes(zv1, ctx);
  }, { prefix: '/v1' });
  // Signing in needs neither a key nor a session.
  await app.register(async (open) => signInRoute(open.withTypeProvider<ZodTypeProvider>(), ctx), { prefix: '/v1' });
  await app.register(async (join) => joinRoutes(join.withTypeProvider<ZodTypeProvider>(), ctx), { prefix: '/v1' });
  // The provider's redirect carries no API key: the stored state says whose sign-in it is.
  await app.register(async (callback) => oauthCallbackRoute(callback.withTypeProvider<ZodTypeProvider>(), ctx), { prefix: '/v1' });
  // A client's invitation carries no API key: its token authorizes the connect steps of one channel.
  await app.register(async (inv) => invitationRoutes(inv.withTypeProvider<ZodTypeProvider>(), ctx), { prefix: '/v1' });
  await app.register(async (pages) => invitationPages(pages.withTypeProvider<ZodTypeProvider>(), ctx));
  const sandbox = deps.sandbox;
  if (sandbox) {
    await app.register(async (s) => {
      // The emulators read their own bodies: Fastify must leave the request stream untouched.
      s.removeAllContentTypeParsers();
      s.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
      // The sandbox's own page (its drives and their files) is the web app's: /sandbox/ itself.
      if (deps.webRoot) {
        s.get('/', { schema: { hide: true } }, (request, reply) => (wantsPage(request) ? sendWebPage(reply) : notFound(request, reply)));
      }
      s.all('/*', { schema: { hide: true } }, (request, reply) => {
        reply.hijack();
        request.raw.url = request.raw.url!.slice(SANDBOX_PREFIX.length);
        void sandbox.handle(request.raw, reply.raw);
      });
    }, { prefix: SANDBOX_PREFIX });
  }

  await app.ready();
  return app as unknown as FastifyInstance;
}
