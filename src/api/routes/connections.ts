import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { SignInFailed, type ConnectionService } from '../../auth/oauth/connections.js';
import { mapError } from '../errors.js';
import { orgOf, principalOf } from '../auth.js';
import { clearCookie, readCookie, setCookie } from '../cookies.js';
import { commonErrors, ErrorBody, Id, IdParams } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['connections'];
export const CALLBACK_PATH = '/oauth/callback';
/** Binds an authorization started from a browser to that browser; read only by the callback. */
const COOKIE = 'dossier_oauth';

const Provider = z.object({
  id: z.string().describe('Use it in POST /v1/connections/{provider}/authorize.'),
  kind: z.string().describe('The destination kind a connection of this provider is used with.'),
  title: z.string(),
  sandbox: z.boolean().describe('An emulator inside this installation: nothing leaves the server, and its data is gone at restart.'),
  scopes: z.array(z.string()).describe('What Dossier asks the account for.'),
}).meta({ id: 'Provider' });

const Connection = z.object({
  id: z.string(), provider: z.string(), kind: z.string(), label: z.string(), sandbox: z.boolean(),
  state: z.enum(['ready', 'needs_reconnect', 'disconnected']),
  stateReason: z.string().nullable(),
  account: z.object({ name: z.string(), email: z.string().optional() }).nullable().describe('Who is signed in, as the provider says now; null unless ready.'),
  quota: z.object({ total: z.number().nullable(), used: z.number().nullable(), free: z.number().nullable() }).nullable().describe('Space in bytes, as the provider says now.'),
  reconnect: z.string().nullable().describe('When the connection needs reconnecting: POST here for a new sign-in URL.'),
  createdAt: z.string(),
}).meta({ id: 'Connection' });

const Folder = z.object({ name: z.string(), path: z.string(), id: z.string().nullable() }).meta({ id: 'Folder' });
const FolderPage = z.object({
  path: z.string(), folders: z.array(Folder),
  nextPageToken: z.string().nullable().describe('Pass it back as pageToken for the next page; null on the last one.'),
}).meta({ id: 'FolderPage' });

/** "/"-separated names below the top of the account, without leading or trailing "/". */
const FolderPath = z.string().max(1000)
  .refine((p) => p === '' || !p.split('/').some((s) => s === '' || s === '.' || s === '..'), 'Write the folder as names separated by "/", such as Accounting/Backup.');

export const AuthorizeBody = z.strictObject({
  returnTo: z.string().url().optional().describe('A page of this installation to send the browser to afterwards, with ?connection=<id> (or ?error=...).'),
  browser: z.boolean().optional().describe('Bind the sign-in to this browser with a cookie. Default: on when the request comes from a browser.'),
}).default({});
export const AuthorizeResult = z.object({ url: z.string().describe('Open it in the user\'s browser: the provider\'s consent page.') }).meta({ id: 'AuthorizeResult' });

function service(ctx: RouteContext): ConnectionService {
  if (!ctx.deps.connections) throw new DomainError('unavailable', 'Connections are not available in this installation.', { reason: 'connections_unavailable' });
  return ctx.deps.connections;
}

const publicUrl = (ctx: RouteContext) => ctx.deps.config?.baseUrl ?? 'http://localhost';

/** Starts a sign-in and, from a browser, sets the cookie the callback will check. */
export async function startSignIn(ctx: RouteContext, request: FastifyRequest, reply: FastifyReply, body: z.infer<typeof AuthorizeBody>, run: (opts: { browser: boolean; returnTo: string | null }) => ReturnType<ConnectionService['authorize']>) {
  const base = new URL(publicUrl(ctx));
  if (body.returnTo && new URL(body.returnTo).origin !== base.origin) {
    throw new DomainError('invalid_input', `returnTo must be a page of this installation (${base.origin}).`, { reason: 'return_to_foreign', params: { origin: base.origin } });
  }
  // Browsers send Sec-Fetch-Site on every request; scripts and the CLI do not (Node's fetch
  // sends Sec-Fetch-Mode, but not Sec-Fetch-Site).
  const browser = body.browser ?? request.headers['sec-fetch-site'] !== undefined;
  const { url, browserBinding } = await run({ browser, returnTo: body.returnTo ?? null });
  // Only the callback needs it, for the ten minutes a sign-in at the provider may take.
  if (browserBinding) setCookie(reply, ctx.deps.config?.baseUrl, COOKIE, browserBinding, { path: `/v1${CALLBACK_PATH}`, maxAgeSeconds: 600 });
  return { url };
}

export function connectionRoutes(app: ZodApp, ctx: RouteContext): void {
  app.get('/providers', {
    schema: { summary: 'The accounts that can be connected (OneDrive, Google Drive, Dropbox, and their sandboxes)', tags, response: { 200: z.object({ items: z.array(Provider) }), 401: ErrorBody } },
  }, async () => ({
    items: (ctx.deps.connections?.providers() ?? []).map((p) => ({ id: p.id, kind: p.kind, title: p.title, sandbox: p.sandbox, scopes: p.scopes })),
  }));

  app.post('/connections/:provider/authorize', {
    schema: {
      summary: 'Start connecting an account',
      description: 'Returns the provider\'s consent page. After the user allows access, the provider sends the browser to /v1/oauth/callback, which stores the connection. The sign-in is single-use and expires after 10 minutes.',
      tags, params: z.object({ provider: z.string().min(1).max(64) }), body: AuthorizeBody, response: { 200: AuthorizeResult, ...commonErrors },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    return startSignIn(ctx, request, reply, request.body, (o) => service(ctx).authorize({ orgId: p.orgId, userId: p.userId }, request.params.provider, o));
  });

  app.post('/connections/:id/reconnect', {
    schema: { summary: 'Sign in again to a connection that needs reconnecting', tags, params: IdParams, body: AuthorizeBody, response: { 200: AuthorizeResult, ...commonErrors } },
  }, async (request, reply) => {
    const p = principalOf(request);
    return startSignIn(ctx, request, reply, request.body, (o) => service(ctx).reconnect({ orgId: p.orgId, userId: p.userId }, request.params.id, o));
  });

  app.get('/connections', {
    schema: { summary: 'List connected accounts', tags, response: { 200: z.object({ items: z.array(Connection) }), ...commonErrors } },
  }, async (request) => ({ items: await service(ctx).list(orgOf(request)) }));

  app.get('/connections/:id', {
    schema: { summary: 'A connected account: who, how much space is free, and whether it needs reconnecting', tags, params: IdParams, response: { 200: Connection, ...commonErrors, 502: ErrorBody } },
  }, async (request) => service(ctx).get(orgOf(request), request.params.id));

  app.get('/connections/:id/folders', {
    schema: {
      summary: 'Browse the folders of a connected account, a page at a time', tags, params: IdParams,
      querystring: z.strictObject({
        path: FolderPath.default(''), pageToken: z.string().max(4000).optional(), pageSize: z.coerce.number().int().min(1).max(1000).default(200),
      }),
      response: { 200: FolderPage, ...commonErrors, 409: ErrorBody, 502: ErrorBody },
    },
  }, async (request) => service(ctx).folders(orgOf(request), request.params.id, request.query.path, { pageToken: request.query.pageToken, pageSize: request.query.pageSize }));

  app.post('/connections/:id/folders', {
    schema: {
      summary: 'Create a folder (and its missing parents) in a connected account', tags, params: IdParams,
      body: z.strictObject({ path: FolderPath.refine((p) => p !== '', 'Name the folder to create.') }),
      response: { 201: Folder, ...commonErrors, 409: ErrorBody, 502: ErrorBody },
    },
  }, async (request, reply) => reply.code(201).send(await service(ctx).createFolder(orgOf(request), request.params.id, request.body.path)));

  app.delete('/connections/:id', {
    schema: {
      summary: 'Disconnect an account',
      description: 'Revokes the grant where the provider allows it (Google, Dropbox) and deletes the tokens. Microsoft has no way to revoke a single grant: `note` says where the user can remove Dossier from the account.',
      tags, params: IdParams,
      response: { 200: z.object({ revoked: z.boolean(), note: z.string().nullable() }), ...commonErrors },
    },
  }, async (request) => service(ctx).disconnect(orgOf(request), request.params.id));
}

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title: string, text: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`
  + `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto"><h1>${escapeHtml(title)}</h1><p>${text}</p></body></html>`;

/**
 * Where the provider sends the browser back. It carries no API key: the state, stored
 * server-side when the caller started, says whose it is.
 */
export function oauthCallbackRoute(app: ZodApp, ctx: RouteContext): void {
  app.get(CALLBACK_PATH, {
    // The query string holds the authorization code: keep it out of the request log.
    logLevel: 'warn',
    schema: {
      summary: 'The OAuth redirect URL (register it at the provider)', tags, security: [],
      querystring: z.object({ state: z.string().max(512).optional(), code: z.string().max(4096).optional(), error: z.string().max(200).optional() }).passthrough(),
    },
  }, async (request, reply) => {
    clearCookie(reply, ctx.deps.config?.baseUrl, COOKIE, `/v1${CALLBACK_PATH}`);
    reply.header('cache-control', 'no-store');
    const callback = new URL(request.url, publicUrl(ctx));
    try {
      const done = await service(ctx).complete(callback, readCookie(request, COOKIE));
      if (done.returnTo) {
        const to = new URL(done.returnTo);
        to.searchParams.set('connection', done.connectionId);
        return reply.code(303).header('location', to.toString()).send();
      }
      return reply.code(200).type('text/html; charset=utf-8').send(page('Connected',
        `The account is connected as <code id="connection">${escapeHtml(done.connectionId)}</code>. You can close this window and choose a folder in Dossier.`));
    } catch (failure) {
      const e = failure instanceof SignInFailed ? failure.cause : failure;
      const mapped = mapError(e);
      if (!mapped) request.log.error({ err: e }, 'the OAuth callback failed');
      const message = mapped?.message ?? 'Something went wrong on our side while connecting. Start connecting again.';
      if (failure instanceof SignInFailed) {
        const to = new URL(failure.returnTo);
        to.searchParams.set('error', message);
        return reply.code(303).header('location', to.toString()).send();
      }
      return reply.code(mapped?.status ?? 500).type('text/html; charset=utf-8').send(page('Not connected', escapeHtml(message)));
    }
  });
}
