import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import { CHANNEL_KINDS } from '../../domain/channels.js';
import { DomainError } from '../../domain/errors.js';
import { TRIES_PER_CLIENT_HOUR, TRIES_PER_LINK, type InvitationService } from '../../collect/invitations.js';
import { mapError } from '../errors.js';
import { ErrorBody } from '../schemas.js';
import { clearCookie, readCookie, setCookie } from '../cookies.js';
import { INVITATION_PAGE_CSP } from '../security-headers.js';
import type { RouteContext, ZodApp } from '../server.js';
import { escapeHtml, startSignIn } from './connections.js';

const tags = ['invitations'];
const Token = z.object({ token: z.string().min(1).max(200) });
const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody } as const;
const FolderPath = z.string().max(1000).refine((p) => p === '' || !p.split('/').some((s) => s === '' || s === '.' || s === '..'), 'Write the folder as names separated by "/".');

const InvitationView = z.object({
  channel: z.object({ name: z.string(), kind: z.enum(CHANNEL_KINDS), company: z.string(), title: z.string(), folder: z.string().nullable(), moveCollected: z.boolean() }),
  step: z.enum(['connect', 'choose_folder']).describe('connect: sign in (POST .../authorize) or give the server (POST .../server); choose_folder: GET .../folders, then POST .../folder.'),
  canCreateFolder: z.boolean().describe('Whether POST .../folders may make a folder: not when the account was connected read-only.'),
  purpose: z.enum(['connect', 'reconnect', 'reminder']),
  expiresAt: z.string(),
}).meta({ id: 'InvitationView' });

const service = (ctx: RouteContext): InvitationService => {
  const s = ctx.deps.collect.invitations;
  if (!s) throw new DomainError('unavailable', 'Invitations are not available in this installation.', { reason: 'client_invitations_unavailable' });
  return s;
};

/**
 * The client's steps, authorized by the invitation link's token alone (the client has no
 * account): JSON for apps, and a minimal page at /connect/{token} that works in any browser.
 */
export function invitationRoutes(app: ZodApp, ctx: RouteContext): void {
  app.get('/invitations/:token', {
    schema: { summary: 'What an invitation is for, and its next step', tags, security: [], params: Token, response: { 200: InvitationView, ...errors } },
  }, async (request) => service(ctx).view(request.params.token));

  app.post('/invitations/:token/authorize', {
    schema: {
      summary: 'Start the provider\'s consent (OneDrive, Google Drive, Dropbox)', tags, security: [], params: Token,
      description: 'Read-only scopes, unless the channel moves collected files aside. After consent the browser comes back to returnTo (default: the invitation page).',
      body: z.strictObject({ returnTo: z.string().url().optional(), browser: z.boolean().optional() }).default({}),
      response: { 200: z.object({ url: z.string() }), ...errors },
    },
  }, async (request, reply) => startSignIn(ctx, request, reply, request.body, (o) => service(ctx).authorize(request.params.token, o)));

  app.post('/invitations/:token/server', {
    schema: {
      summary: 'Give the SFTP or WebDAV server\'s details (tested before they are kept)', tags, security: [], params: Token,
      description: `Tried before anything is kept. At most ${TRIES_PER_LINK} tries per link, and ${TRIES_PER_CLIENT_HOUR} an hour from one client address (then 429).`,
      body: z.strictObject({ settings: z.record(z.string(), z.unknown()) }), response: { 200: InvitationView, ...errors, 429: ErrorBody },
    },
  }, async (request) => service(ctx).server(request.params.token, request.body.settings, request.ip));

  app.get('/invitations/:token/folders', {
    schema: {
      summary: 'The folders of the connected account', tags, security: [], params: Token, querystring: z.strictObject({ path: FolderPath.default('') }),
      response: { 200: z.object({ path: z.string(), folders: z.array(z.object({ name: z.string(), path: z.string() })) }), ...errors },
    },
  }, async (request) => service(ctx).folders(request.params.token, request.query.path));

  app.post('/invitations/:token/folders', {
    schema: {
      summary: 'Make a folder while choosing one (one name, no slash)', tags, security: [], params: Token,
      body: z.strictObject({ parent: FolderPath.default(''), name: z.string().min(1).max(255) }),
      response: { 201: z.object({ name: z.string(), path: z.string() }), ...errors },
    },
  }, async (request, reply) => reply.code(201).send(await service(ctx).createFolder(request.params.token, request.body.parent, request.body.name)));

  app.post('/invitations/:token/folder', {
    schema: {
      summary: 'Choose the folder: the channel starts collecting, and the link is used up', tags, security: [], params: Token,
      body: z.strictObject({ path: FolderPath }), response: { 200: z.object({ channel: z.string(), state: z.string() }), ...errors },
    },
  }, async (request) => service(ctx).choose(request.params.token, request.body.path));
}

const COOKIE = 'dossier_invite';
const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>`
  + `<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem"><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

function field(name: string, label: string, type = 'text', extra = ''): string {
  return `<p><label>${escapeHtml(label)}<br>${type === 'textarea' ? `<textarea name="${name}" rows="6" cols="60"></textarea>` : `<input name="${name}" type="${type}" ${extra}>`}</label></p>`;
}

/** The server-rendered page of the invitation, for an installation without the web app (which has its own, on the same JSON routes). */
export function invitationPages(app: ZodApp, ctx: RouteContext): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));
  const html = (reply: FastifyReply, status: number, title: string, body: string) =>
    reply.code(status).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('content-security-policy', INVITATION_PAGE_CSP)
      .type('text/html; charset=utf-8').send(page(title, body));
  const fail = (reply: FastifyReply, e: unknown) => {
    const mapped = mapError(e);
    return html(reply, mapped?.status ?? 500, 'This did not work', `<p>${escapeHtml(mapped?.message ?? 'Something went wrong on our side. Try again, or ask your accountant.')}</p>`);
  };
  const base = (token: string) => `/connect/${encodeURIComponent(token)}`;

  app.get('/connect/resume', { schema: { hide: true } }, async (request, reply) => {
    const token = readCookie(request, COOKIE);
    if (!token) return html(reply, 400, 'Open your link again', '<p>Open the link from the invitation e-mail again to continue.</p>');
    // A sign-in that failed at the provider (declined, say) comes back with ?error=: shown there.
    const error = new URL(request.url, 'http://x').searchParams.get('error');
    return reply.code(303).header('location', `${base(token)}${error ? `?error=${encodeURIComponent(error)}` : ''}`).send();
  });

  app.get('/connect/:token', { schema: { hide: true, params: Token, querystring: z.object({ path: z.string().max(1000).optional(), error: z.string().max(1000).optional() }).passthrough() } }, async (request, reply) => {
    const { token } = request.params;
    // With the web app served, its page (/invite/{token}) is the client's page; this one stays for installations without it.
    if (ctx.deps.webRoot) return reply.code(303).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('location', `/invite/${encodeURIComponent(token)}`).send();
    try {
      const view = await service(ctx).view(token);
      // Brings the browser back to this page after the provider's consent, without the token in any stored URL.
      setCookie(reply, ctx.deps.config?.baseUrl, COOKIE, token, { path: '/connect', maxAgeSeconds: 3600 });
      const failed = request.query.error ? `<p role="alert"><strong>Not connected:</strong> ${escapeHtml(request.query.error)}</p>` : '';
      const intro = `${failed}<p><strong>${escapeHtml(view.channel.company)}</strong>: connect the ${escapeHtml(view.channel.title)} folder that documents should be collected from. `
        + `Dossier only reads it${view.channel.moveCollected ? ' and moves what it collected to a "Collected" subfolder' : '; nothing in it is changed'}.</p>`;
      if (view.step === 'connect') {
        if (['sftp', 'webdav'].includes(view.channel.kind)) {
          const fields = view.channel.kind === 'sftp'
            ? field('host', 'Server') + field('port', 'Port', 'number', 'value="22"') + field('username', 'User name') + field('password', 'Password', 'password') + field('privateKey', 'Or a private key', 'textarea')
            : field('url', 'WebDAV address') + field('username', 'User name') + field('password', 'App password', 'password');
          return html(reply, 200, `Connect your ${view.channel.title}`, `${intro}<form method="post" action="${base(token)}/server">${fields}${field('root', 'Folder')}<p><button>Connect</button></p></form>`);
        }
        return html(reply, 200, `Connect your ${view.channel.title}`, `${intro}<form method="post" action="${base(token)}/authorize"><p><button>Connect ${escapeHtml(view.channel.title)}</button></p></form>`);
      }
      const path = request.query.path ?? '';
      const { folders } = await service(ctx).folders(token, path);
      const list = folders.map((f) => `<li><a href="${base(token)}?path=${encodeURIComponent(f.path)}">${escapeHtml(f.name)}</a></li>`).join('') || '<li>(no folders here)</li>';
      const up = path ? `<p><a href="${base(token)}?path=${encodeURIComponent(path.split('/').slice(0, -1).join('/'))}">Up</a></p>` : '';
      return html(reply, 200, 'Choose the folder', `${intro}<p>Folder: <code>/${escapeHtml(path)}</code></p>${up}<ul>${list}</ul>`
        + `<form method="post" action="${base(token)}/folder"><input type="hidden" name="path" value="${escapeHtml(path)}"><p><button>Collect from this folder</button></p></form>`);
    } catch (e) {
      return fail(reply, e);
    }
  });

  app.post('/connect/:token/authorize', { schema: { hide: true, params: Token } }, async (request, reply) => {
    try {
      const { url } = await startSignIn(ctx, request, reply, { browser: true }, (o) => service(ctx).authorize(request.params.token, o));
      return reply.code(303).header('location', url).send();
    } catch (e) {
      return fail(reply, e);
    }
  });

  app.post('/connect/:token/server', { schema: { hide: true, params: Token } }, async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, string>;
    const settings: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(form)) if (v !== '') settings[k] = k === 'port' ? Number(v) : v;
    try {
      await service(ctx).server(request.params.token, settings, request.ip);
      return reply.code(303).header('location', base(request.params.token)).send();
    } catch (e) {
      return fail(reply, e);
    }
  });

  app.post('/connect/:token/folder', { schema: { hide: true, params: Token } }, async (request, reply) => {
    try {
      const done = await service(ctx).choose(request.params.token, String((request.body as Record<string, string> | undefined)?.path ?? ''));
      clearCookie(reply, ctx.deps.config?.baseUrl, COOKIE, '/connect');
      return html(reply, 200, 'Connected', `<p>Thank you: documents in this folder are now collected for <strong>${escapeHtml(done.channel)}</strong>, once a day. You can close this window.</p>`);
    } catch (e) {
      return fail(reply, e);
    }
  });
}
