import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { CHANNEL_KINDS, CHANNEL_STATES, SENDER_POLICIES } from '../../domain/channels.js';
import { LANGUAGES } from '../../domain/documents.js';
import { getCompany } from '../../catalog/organizations.js';
import { insertBinder, listBinders } from '../../catalog/channels.js';
import { listUsers } from '../../catalog/users.js';
import { OUTCOMES } from '../../catalog/collect-runs.js';
import { mailOptionsInput } from '../../collect/email/options.js';
import { mailServerPatch } from '../../collect/email/mailbox-settings.js';
import { AuthorizeBody, AuthorizeResult, startSignIn } from './connections.js';
import { orgOf, principalOf } from '../auth.js';
import { checkLocalKindAllowed } from '../local-kinds.js';
import { commonErrors, ErrorBody, Id, IdParams } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['collection'];
const forbidden = { 403: ErrorBody } as const;
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Write the time as HH:MM on the 24-hour clock, such as 06:30.');

const MailOptions = z.object({
  allowList: z.array(z.string()).describe('Addresses and domains (a domain covers its subdomains) whose documents are taken.'),
  others: z.enum(SENDER_POLICIES).describe('Other senders: refuse (nothing kept), hold (kept aside for review) or accept.'),
  processed: z.union([z.object({ action: z.literal('none') }), z.object({ action: z.literal('move'), folder: z.string() }), z.object({ action: z.literal('flag'), flag: z.string() })]),
  maxAttachmentBytes: z.number().int(),
  bodyToPdf: z.boolean().optional().describe('A message with no document attached becomes a PDF of its body (plain text; HTML taken as text). Off when left out.'),
}).meta({ id: 'MailOptions' });

export const Channel = z.object({
  id: z.string(), companyId: z.string(), name: z.string(), kind: z.enum(CHANNEL_KINDS),
  folder: z.string().nullable().describe('The source folder; null until the client chose it.'),
  recipientId: z.string(), binderId: z.string(), collectAt: z.string().describe('Daily collection time, HH:MM in the company\'s time zone.'),
  moveCollected: z.boolean().describe('Collected files are moved to a Collected subfolder of the source (off: the source is never changed).'),
  clientEmail: z.string().nullable(), clientName: z.string().nullable(),
  clientLanguage: z.enum(LANGUAGES).nullable().describe('The language of the client\'s mails; null: the company\'s.'),
  state: z.enum([...CHANNEL_STATES, 'removed']), stateReason: z.string().nullable().describe('Why it needs attention, and what to do.'),
  lastRunId: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
  intakeAddress: z.string().nullable().optional().describe('E-mail channels without IMAP: the address mail is sent to, at DOSSIER_SMTP_DOMAIN; null for the others.'),
  options: z.object({ mail: MailOptions.optional() }).describe('E-mail channels: their senders and what happens to collected messages; {} for the others.'),
}).meta({ id: 'Channel' });

const MailServer = z.object({
  host: z.string(), port: z.number().int(), tls: z.boolean(), username: z.string(), mailbox: z.string().describe('The IMAP folder read.'),
  signIn: z.string().nullable().describe('The provider the mailbox is signed in to with (XOAUTH2), such as microsoft-mail or gmail; null: a password, which is never returned.'),
  signedIn: z.boolean().describe('False while a sign-in is awaited or must be made again: POST /v1/channels/{id}/sign-in.'),
  privateCa: z.boolean().describe('A private certificate authority is trusted for this server.'),
}).meta({ id: 'MailServer' });

const ChannelDetail = Channel.extend({
  server: MailServer.nullable().describe('E-mail channels that read an IMAP mailbox: its server; null for the others.'),
  files: z.object({ pending: z.number().int(), failed: z.number().int(), collected: z.number().int(), duplicate: z.number().int(), gone: z.number().int() })
    .describe('The ledger: files by state.'),
  invitation: z.object({
    sentTo: z.string(), sentAt: z.string(), expiresAt: z.string(), purpose: z.enum(['connect', 'reconnect', 'reminder']).describe('reminder: sent to a channel that works, which it leaves as it is.'),
    connectedAt: z.string().nullable().describe('When the client signed in or gave the server, before choosing the folder.'),
    usedAt: z.string().nullable().describe('When the client chose the folder: the link is used up.'),
  }).nullable().describe('The latest invitation sent to the client; null when none was sent.'),
}).meta({ id: 'ChannelDetail' });

const Recipient = z.object({ id: z.string(), name: z.string(), email: z.string() }).meta({ id: 'Recipient' });

export const Binder = z.object({ id: z.string(), companyId: z.string(), name: z.string(), createdAt: z.string() }).meta({ id: 'Binder' });

const NewChannel = z.strictObject({
  companyId: Id,
  name: z.string().trim().min(1).max(200),
  kind: z.enum(CHANNEL_KINDS),
  recipientId: Id.describe('The user who gets what this channel collects; must be a user of the organization.'),
  binderId: Id.optional().describe('The binder to file into, or:'),
  binderName: z.string().trim().min(1).max(200).optional().describe('The name of a binder of the company, created when missing.'),
  folder: z.string().max(1000).optional().describe('Local folders: the absolute path on this server (required). Others: chosen by the client when left out.'),
  settings: z.record(z.string(), z.unknown()).optional().describe('SFTP or WebDAV: the server\'s details, when you have them (then no invitation is sent). E-mail: the IMAP mailbox (host, port, tls, username, password, mailbox, caCertificate); with signIn, the address (username) and folder, the server being the provider\'s unless given. Secrets are stored encrypted.'),
  signIn: z.string().min(1).max(64).optional().describe('E-mail: sign in to the mailbox with this provider instead of a password (see GET /v1/providers, kind email: microsoft-mail, gmail). The channel waits until POST /v1/channels/{id}/sign-in is completed.'),
  mail: mailOptionsInput.optional().describe('E-mail channels: allow-list, policy for other senders, what to do with collected messages, attachment size limit.'),
  collectAt: HHMM.default('06:00'),
  moveCollected: z.boolean().default(false),
  clientEmail: z.string().trim().email().optional().describe('Where the invitation to connect goes.'),
  clientName: z.string().trim().min(1).max(200).optional(),
  clientLanguage: z.enum(LANGUAGES).optional().describe('The language the client reads: the invitation and reminders are written in it (default: the company\'s).'),
  mailbox: z.string().trim().min(1).max(64).optional().describe('E-mail without IMAP settings: the part before @ of the channel\'s address, such as acme-purchases; made from the name (with a random suffix) when left out.'),
});

const ChannelPatch = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  recipientId: Id.optional(), binderId: Id.optional(), binderName: z.string().trim().min(1).max(200).optional(),
  collectAt: HHMM.optional(), moveCollected: z.boolean().optional(),
  clientEmail: z.string().trim().email().optional(), clientName: z.string().trim().min(1).max(200).optional(),
  clientLanguage: z.enum(LANGUAGES).nullable().optional(),
  mail: mailOptionsInput.optional().describe('E-mail channels: what is given changes, the rest stays.'),
  settings: mailServerPatch.optional().describe('E-mail channels that read an IMAP mailbox: the server settings that change (an empty or absent password stays). Tried before they are stored; another server, user or folder reads the new mailbox from its start, filing only what was not filed before. Refused with run_in_progress while a run is under way.'),
});

export const CollectRun = z.object({
  id: z.string(), channelId: z.string(), trigger: z.string().describe('daily, manual, ...'), startedBy: z.string().nullable().describe('The user who asked for it; null for a scheduled run.'),
  status: z.enum(['queued', 'running', 'done', 'done_with_errors', 'failed', 'interrupted']),
  queuedAt: z.string(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(),
  found: z.number().int().describe('New or changed files this run looked at.'),
  collected: z.number().int().describe('Filed in the inbox.'),
  skipped: z.number().int().describe('Already collected: renamed, moved or touched without a change.'),
  duplicates: z.number().int().describe('The same bytes as a document already in the inbox: not filed again.'),
  failed: z.number().int(), error: z.string().nullable(),
}).meta({ id: 'CollectRun' });

const CollectRunItem = z.object({
  id: z.number().int(), key: z.string(), path: z.string(),
  outcome: z.enum(OUTCOMES),
  inboxItemId: z.string().nullable(), error: z.string().nullable(), at: z.string(),
}).meta({ id: 'CollectRunItem' });

/** Collection channels, their binders and runs. Changing them needs configure_collection. */
export function channelRoutes(app: ZodApp, ctx: RouteContext): void {
  const { deps } = ctx;
  const { channels, runs } = deps.collect;
  const withAddress = async <C extends { id: string; kind: string }>(orgId: string, c: C) => ({ ...c, intakeAddress: c.kind === 'email' ? await channels.intakeAddress(orgId, c.id) : null });

  app.get('/binders', {
    schema: { summary: 'List binders', tags, querystring: z.strictObject({ companyId: Id.optional() }), response: { 200: z.object({ items: z.array(Binder) }), ...commonErrors } },
  }, async (request) => {
    const orgId = orgOf(request);
    if (request.query.companyId) await getCompany(deps.db, orgId, request.query.companyId);
    return { items: await listBinders(deps.db, orgId, request.query.companyId) };
  });

  app.post('/binders', {
    schema: { summary: 'Add a binder to a company', tags, body: z.strictObject({ companyId: Id, name: z.string().trim().min(1).max(200) }), response: { 201: Binder, ...commonErrors, ...forbidden, 409: ErrorBody } },
  }, async (request, reply) => {
    const orgId = orgOf(request);
    await getCompany(deps.db, orgId, request.body.companyId);
    return reply.code(201).send(await insertBinder(deps.db, orgId, request.body.companyId, request.body.name));
  });

  app.get('/channels', {
    schema: { summary: 'List collection channels', tags, querystring: z.strictObject({ companyId: Id.optional() }), response: { 200: z.object({ items: z.array(Channel) }), ...commonErrors } },
  }, async (request) => {
    const orgId = orgOf(request);
    if (request.query.companyId) await getCompany(deps.db, orgId, request.query.companyId);
    const items = await channels.list(orgId, request.query.companyId);
    return { items: await Promise.all(items.map((c) => withAddress(orgId, c))) };
  });

  app.post('/channels', {
    schema: {
      summary: 'Create a collection channel',
      description: 'A local folder, or an SFTP/WebDAV server given with its settings, is tested and starts active. Otherwise the channel waits for the client, who gets an e-mail with a one-time link to connect the folder.',
      tags, body: NewChannel, response: { 201: Channel, ...commonErrors, ...forbidden },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    await checkLocalKindAllowed(deps.db, request, request.body.kind);
    const channel = await channels.create(p.orgId, p.userId, request.body);
    // An e-mail channel waiting for its mailbox's sign-in waits for the user, not a client.
    if (channel.state === 'waiting_for_client' && channel.kind !== 'email') await deps.collect.invitations?.send(p.orgId, channel.id, p.userId);
    return reply.code(201).send(await withAddress(p.orgId, channel));
  });

  app.get('/channels/:id', {
    schema: { summary: 'A channel, with its files by state', tags, params: IdParams, response: { 200: ChannelDetail, ...commonErrors } },
  }, async (request) => {
    const orgId = orgOf(request);
    const channel = await channels.get(orgId, request.params.id);
    const inv = await deps.collect.invitations?.latest(orgId, channel.id) ?? null;
    return {
      ...await withAddress(orgId, channel), files: await runs.ledger(orgId, channel.id), server: await channels.server(channel),
      invitation: inv && { sentTo: inv.email, sentAt: inv.createdAt, expiresAt: inv.expiresAt, purpose: inv.purpose, connectedAt: inv.connectedAt, usedAt: inv.usedAt },
    };
  });

  app.get('/channel-recipients', {
    schema: {
      summary: 'The users a channel can file for',
      description: 'For choosing a channel\'s recipient without the right to manage users: names and addresses only.',
      tags, response: { 200: z.object({ items: z.array(Recipient) }), ...commonErrors, ...forbidden },
    },
  }, async (request) => ({ items: (await listUsers(deps.db, orgOf(request))).filter((u) => u.active).map((u) => ({ id: u.id, name: u.name, email: u.email })) }));

  app.patch('/channels/:id', {
    schema: { summary: 'Change a channel', tags, params: IdParams, body: ChannelPatch, response: { 200: Channel, ...commonErrors, ...forbidden } },
  }, async (request) => {
    await checkLocalKindAllowed(deps.db, request, (await channels.get(orgOf(request), request.params.id)).kind);
    return channels.update(orgOf(request), request.params.id, request.body);
  });

  app.post('/channels/:id/sign-in', {
    schema: {
      summary: 'Sign in to the mailbox of an e-mail channel (Microsoft 365, Gmail)',
      description: 'For a channel made with signIn: returns the provider\'s consent page. Once the user allows access, the callback stores the tokens (encrypted), tries the mailbox and makes the channel active. Also the way to sign in again when the grant ended.',
      tags, params: IdParams, body: AuthorizeBody, response: { 200: AuthorizeResult, ...commonErrors, ...forbidden },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    const channel = await channels.get(p.orgId, request.params.id);
    const server = await channels.server(channel);
    if (!server?.signIn || !channel.connectionId) throw new DomainError('invalid_input', `"${channel.name}" does not sign in to its mailbox with a provider: change its password instead.`, { reason: 'mail_sign_in_not_used', params: { name: channel.name } });
    if (!deps.connections) throw new DomainError('unavailable', 'Connections are not available in this installation.', { reason: 'connections_unavailable' });
    const { connections } = deps;
    const provider = server.signIn, connectionId = channel.connectionId;
    return startSignIn(ctx, request, reply, request.body, (o) => connections.authorize({ orgId: p.orgId, userId: p.userId }, provider, { ...o, connectionId }));
  });

  app.post('/channels/:id/pause', {
    schema: { summary: 'Pause a channel', tags, params: IdParams, response: { 200: Channel, ...commonErrors, ...forbidden } },
  }, async (request) => channels.pause(orgOf(request), request.params.id));

  app.post('/channels/:id/resume', {
    schema: { summary: 'Resume a paused channel', tags, params: IdParams, response: { 200: Channel, ...commonErrors, ...forbidden } },
  }, async (request) => channels.resume(orgOf(request), request.params.id));

  app.delete('/channels/:id', {
    schema: { summary: 'Remove a channel', description: 'Stops collecting and forgets the credentials; collected documents and the history stay. A grant given by signing in (a client\'s Google Drive or Dropbox, a Gmail mailbox) is revoked at the provider; Microsoft has no way to revoke a single grant.', tags, params: IdParams, response: { 204: z.null(), ...commonErrors, ...forbidden } },
  }, async (request, reply) => {
    await channels.remove(orgOf(request), request.params.id);
    return reply.code(204).send(null);
  });

  app.post('/channels/:id/run', {
    schema: {
      summary: 'Run the collection now',
      description: 'Asks for confirmation: send {"confirm": true}. Answers at once with the run\'s id; follow it at GET /v1/collect-runs/{id}. While a run of the channel is queued or running, answers 409 with reason run_in_progress and that run\'s id in params.runId.',
      tags, params: IdParams, body: z.strictObject({ confirm: z.boolean().default(false) }).default({ confirm: false }),
      response: { 202: z.object({ runId: z.string(), message: z.string() }), ...commonErrors, ...forbidden, 409: ErrorBody },
    },
  }, async (request, reply) => {
    if (!request.body.confirm) throw new DomainError('invalid_input', 'Running the collection now needs confirmation: send {"confirm": true}.', { reason: 'run_needs_confirm' });
    const p = principalOf(request);
    const channel = await channels.get(p.orgId, request.params.id);
    const runId = await runs.requestByHand(p.orgId, channel.id, p.userId);
    return reply.code(202).send({ runId, message: `The collection of "${channel.name}" was started; new documents appear in the inbox as they are read.` });
  });

  app.post('/channels/:id/invite', {
    schema: {
      summary: 'Send the client the link to connect (or reconnect) the folder again',
      description: 'A new one-time link, valid for DOSSIER_INVITATION_TTL_HOURS; the previous link stops working. With {"mail": false} no e-mail goes out: the answer\'s link is for you to pass on.',
      tags, params: IdParams, body: z.strictObject({ mail: z.boolean().optional() }).nullish(),
      response: { 202: z.object({ invitationId: z.string(), sentTo: z.string(), expiresAt: z.string(), link: z.string().describe('The link itself, to copy; it works once.') }), ...commonErrors, ...forbidden, 503: ErrorBody },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    if (!deps.collect.invitations) throw new DomainError('unavailable', 'Invitations are not available in this installation.', { reason: 'client_invitations_unavailable' });
    return reply.code(202).send(await deps.collect.invitations.send(p.orgId, request.params.id, p.userId, { mail: request.body?.mail !== false }));
  });

  app.get('/channels/:id/runs', {
    schema: {
      summary: 'The latest runs of a channel', tags, params: IdParams,
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: { 200: z.object({ items: z.array(CollectRun) }), ...commonErrors },
    },
  }, async (request) => ({ items: await runs.list(orgOf(request), request.params.id, request.query.limit) }));

  app.get('/collect-runs/:id', {
    schema: {
      summary: 'One collection run and the outcome per file', tags, params: IdParams,
      querystring: z.strictObject({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(1000).default(500) }),
      response: { 200: z.object({ run: CollectRun, items: z.array(CollectRunItem), next: z.number().int().nullable() }), ...commonErrors },
    },
  }, async (request) => {
    const { after, limit } = request.query;
    const { run, items } = await runs.get(orgOf(request), request.params.id, after, limit + 1);
    const page = items.slice(0, limit);
    return { run, items: page, next: items.length > limit ? page.at(-1)!.id : null };
  });
}
