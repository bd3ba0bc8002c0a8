import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { getCompany } from '../../catalog/organizations.js';
import { findConnection } from '../../catalog/connections.js';
import type { ConnectorDefinition } from '../../connectors/connector.js';
import { orgOf } from '../auth.js';
import { checkLocalKindAllowed } from '../local-kinds.js';
import { lockSyncOf } from '../../catalog/object-locks.js';
import { commonErrors, Destination, DestinationStatus, ErrorBody, Id, IdParams, IsoDate, Run } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['destinations'];

const Schedule = z.string().describe('"continuous" (after every change) or "daily@HH:MM" in the company\'s time zone.');
const Layout = z.string().min(1).max(500).describe('A preset name (see GET /v1/layouts) or a template such as {company}/{year}/{type}/{file}.');

const NewDestination = z.strictObject({
  companyId: Id,
  name: z.string().trim().min(1).max(200),
  kind: z.string().describe('One of GET /v1/destination-kinds.'),
  settings: z.record(z.string(), z.unknown()).default({}).describe('The fields of this kind, secrets included; secrets are stored encrypted and never returned. With connectionId: only this destination\'s own fields, such as {"root": "Accounting/Backup"}.'),
  connectionId: Id.optional().describe('An account connected under /v1/connections (OneDrive, Google Drive, Dropbox); its folder goes in settings.root.'),
  layout: Layout.default('company-year-type'),
  startDate: IsoDate.nullable().default(null).describe('Only documents dated on or after this day are copied.'),
  schedule: Schedule.default('continuous'),
  restoreDeleted: z.boolean().default(true).describe('Upload again a file someone deleted at the destination.'),
  respectFolderDeletions: z.boolean().default(false).describe('When a whole folder is deleted there, stop sending its documents.'),
});

const DestinationPatch = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  layout: Layout.optional(),
  startDate: IsoDate.nullable().optional(),
  schedule: Schedule.optional(),
  restoreDeleted: z.boolean().optional(),
  respectFolderDeletions: z.boolean().optional(),
});

const DestinationKind = z.object({
  kind: z.string(),
  title: z.string(),
  secrets: z.array(z.string()).describe('Settings that are write-only: stored encrypted, never returned.'),
  settings: z.record(z.string(), z.unknown()).describe('JSON Schema of the settings object.'),
}).meta({ id: 'DestinationKind' });

const ConnectionTest = z.object({
  ok: z.boolean(),
  message: z.string().nullable().describe('Why it did not work, in words, when ok is false.'),
  hostKeySha256: z.string().nullable().describe('The SFTP server\'s host key fingerprint as it presented it (OpenSSH format).'),
  free: z.number().nullable().describe('Free space in bytes, when the server reports it.'),
}).meta({ id: 'ConnectionTest' });

const ChangePreview = z.object({
  moves: z.number().int().describe('Files at the destination that would go to another folder or name.'),
  uploads: z.number().int().describe('Files that would be sent: new, a new version, or one to retry.'),
  skipped: z.number().int().describe('Documents the start date keeps out.'),
  unchanged: z.number().int().describe('Files that stay where they are.'),
}).meta({ id: 'ChangePreview' });

const VerifyReport = z.object({
  checked: z.number().int(), missing: z.number().int(), altered: z.number().int(), abandoned: z.number().int(), strays: z.number().int(),
  runId: z.string().nullable().describe('The pass that restored what was missing; null when the destination is paused.'),
}).meta({ id: 'VerifyReport' });

/** The settings form of a kind, as JSON Schema; a kind whose schema cannot be expressed shows an open object. */
function settingsSchema(def: ConnectorDefinition): Record<string, unknown> {
  try {
    return z.toJSONSchema(def.settings, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return { type: 'object' };
  }
}

export function destinationRoutes(app: ZodApp, { deps, definitions }: RouteContext): void {
  app.get('/destination-kinds', {
    schema: { summary: 'The kinds of storage a destination can be', tags, response: { 200: z.object({ items: z.array(DestinationKind) }), 401: ErrorBody } },
  }, async () => ({
    items: definitions.map((d) => ({ kind: d.kind, title: d.title, secrets: [...d.secrets], settings: settingsSchema(d) })),
  }));

  app.post('/destinations', {
    schema: {
      summary: 'Add a destination',
      description: 'Tests the connection first (a wrong password fails here), then queues the first copy of every document.',
      tags, body: NewDestination, response: { 201: Destination, ...commonErrors },
    },
  }, async (request, reply) => {
    await checkLocalKindAllowed(deps.db, request, request.body.kind);
    return reply.code(201).send(await deps.backup.add(orgOf(request), request.body));
  });

  app.post('/destinations/test', {
    schema: {
      summary: 'Try the settings of a destination before adding it',
      description: 'Logs in with these settings (SFTP, WebDAV, local) and reads the folder and free space; nothing is stored. An SFTP server\'s host key comes back as hostKeySha256: show it to the user, and once they confirm it, send it in the settings of POST /v1/destinations.',
      tags, body: z.strictObject({ kind: z.string(), settings: z.record(z.string(), z.unknown()).default({}) }),
      response: { 200: ConnectionTest, ...commonErrors },
    },
  }, async (request) => {
    await checkLocalKindAllowed(deps.db, request, request.body.kind);
    return deps.backup.tryConnection(request.body.kind, request.body.settings);
  });

  const ServerDetails = { kind: z.enum(['sftp', 'webdav']), settings: z.record(z.string(), z.unknown()).default({}) };
  const ServerFolder = z.object({ name: z.string(), path: z.string().describe('Below the root setting: the new root is the root joined with it.') }).meta({ id: 'ServerFolder' });
  const FolderPath = z.string().max(1000).default('').describe('Names separated by "/", below the root setting; "" for the root itself.');

  app.post('/destinations/folders', {
    schema: {
      summary: 'Browse the folders of an SFTP or WebDAV server before adding it',
      description: 'With the same settings as POST /v1/destinations/test (an SFTP server\'s confirmed hostKeySha256 included); folders are listed below the root setting (empty: the login folder, or the address). Nothing is stored.',
      tags, body: z.strictObject({ ...ServerDetails, path: FolderPath }),
      response: { 200: z.object({ path: z.string(), folders: z.array(ServerFolder) }), ...commonErrors, 502: ErrorBody },
    },
  }, async (request) => deps.backup.serverFolders(request.body.kind, request.body.settings, request.body.path));

  app.post('/destinations/folders/new', {
    schema: {
      summary: 'Make a folder on an SFTP or WebDAV server before adding it (one name, no slash)',
      tags, body: z.strictObject({ ...ServerDetails, parent: FolderPath, name: z.string().min(1).max(255) }),
      response: { 201: ServerFolder, ...commonErrors, 502: ErrorBody },
    },
  }, async (request, reply) => reply.code(201).send(await deps.backup.createServerFolder(request.body.kind, request.body.settings, request.body.parent, request.body.name)));

  app.get('/destinations', {
    schema: {
      summary: 'List destinations', tags, querystring: z.strictObject({ companyId: Id.optional() }),
      response: { 200: z.object({ items: z.array(Destination) }), ...commonErrors },
    },
  }, async (request) => {
    const orgId = orgOf(request);
    if (request.query.companyId) await getCompany(deps.db, orgId, request.query.companyId);
    return { items: await deps.backup.list(orgId, request.query.companyId) };
  });

  app.get('/destinations/:id', {
    schema: { summary: 'A destination with its counts, free space and state', tags, params: IdParams, response: { 200: DestinationStatus, ...commonErrors } },
  }, async (request) => {
    const orgId = orgOf(request);
    const status = await deps.backup.status(orgId, request.params.id);
    const conn = await findConnection(deps.db, orgId, status.connectionId).catch(() => null);
    const root = status.settings?.root ?? conn?.settings.root;
    // Only a shared account is shown as a connection: one made for this destination alone is part of it.
    const shared = status.settings !== null && conn;
    const locks = await lockSyncOf(deps.db, orgId, status.id);
    return {
      ...status,
      objectLocks: { pendingSince: locks.due, error: locks.error },
      folder: typeof root === 'string' ? root : null,
      connection: shared ? { id: conn.id, state: conn.state, reconnect: conn.state === 'needs_reconnect' ? `/v1/connections/${conn.id}/reconnect` : null } : null,
    };
  });

  app.patch('/destinations/:id', {
    schema: {
      summary: 'Change a destination',
      description: 'A new layout or start date makes the next pass look at every document again (files are moved, not copied twice).',
      tags, params: IdParams, body: DestinationPatch, response: { 200: Destination, ...commonErrors },
    },
  }, async (request) => {
    await checkLocalKindAllowed(deps.db, request, (await deps.backup.get(orgOf(request), request.params.id)).kind);
    return deps.backup.update(orgOf(request), request.params.id, request.body);
  });

  app.post('/destinations/:id/preview-change', {
    schema: {
      summary: 'What a new layout or start date would do, before saving it',
      description: 'Plans every document of the company with the given layout and start date against what is at the destination now, as the next pass would, and counts: files that would move, files that would be sent, documents the start date keeps out, and files that stay. Nothing changes.',
      tags, params: IdParams, body: z.strictObject({ layout: Layout.optional(), startDate: IsoDate.nullable().optional() }),
      response: { 200: ChangePreview, ...commonErrors },
    },
  }, async (request) => deps.backup.previewChange(orgOf(request), request.params.id, request.body));

  app.post('/destinations/:id/pause', {
    schema: { summary: 'Pause a destination', tags, params: IdParams, response: { 200: Destination, ...commonErrors } },
  }, async (request) => deps.backup.pause(orgOf(request), request.params.id));

  app.post('/destinations/:id/resume', {
    schema: { summary: 'Resume a destination', tags, params: IdParams, response: { 200: Destination, ...commonErrors } },
  }, async (request) => deps.backup.resume(orgOf(request), request.params.id));

  app.post('/destinations/:id/sync', {
    schema: {
      summary: 'Queue a pass now', tags, params: IdParams,
      response: { 202: z.object({ queued: z.literal(true) }), ...commonErrors, 409: ErrorBody },
    },
  }, async (request, reply) => {
    const orgId = orgOf(request);
    const dst = await deps.backup.get(orgId, request.params.id);
    // A paused destination would drop the job silently; say so instead.
    if (dst.state === 'paused') throw new DomainError('conflict', `"${dst.name}" is paused${dst.stateReason ? ` (${dst.stateReason})` : ''}: resume it first.`, { reason: 'destination_paused', params: { name: dst.name } });
    await deps.backup.requestSync(orgId, dst.id, 'manual');
    return reply.code(202).send({ queued: true as const });
  });

  app.post('/destinations/:id/verify', {
    schema: {
      summary: 'Check the destination against the ledger and restore what is missing',
      description: 'Lists the destination, compares every file with what Dossier delivered, then runs a pass that puts back what was deleted or altered.',
      tags, params: IdParams, response: { 200: VerifyReport, ...commonErrors, 409: ErrorBody, 502: ErrorBody },
    },
  }, async (request) => deps.backup.verify(orgOf(request), request.params.id));

  app.delete('/destinations/:id', {
    schema: {
      summary: 'Remove a destination',
      description: 'Stops copying and forgets its credentials; files already copied stay where they are, and its history stays.',
      tags, params: IdParams, response: { 204: z.null().describe('Removed'), ...commonErrors },
    },
  }, async (request, reply) => {
    await deps.backup.remove(orgOf(request), request.params.id);
    return reply.code(204).send(null);
  });

  app.get('/destinations/:id/runs', {
    schema: {
      summary: 'The latest passes of a destination', tags, params: IdParams,
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: { 200: z.object({ items: z.array(Run) }), ...commonErrors },
    },
  }, async (request) => ({ items: await deps.backup.runs(orgOf(request), request.params.id, request.query.limit) }));
}
