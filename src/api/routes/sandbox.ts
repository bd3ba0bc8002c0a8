import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { listChannels } from '../../catalog/channels.js';
import { listDestinations } from '../../catalog/destinations.js';
import { MAX_SANDBOX_UPLOAD, type SandboxDrives } from '../../auth/oauth/sandbox-drives.js';
import { principalOf } from '../auth.js';
import { withUpload } from '../uploads.js';
import { commonErrors, describeOnly, ErrorBody, IdParams } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['sandbox'];

const SandboxFile = z.object({
  path: z.string().describe('Below the top of the account, "/"-separated.'), name: z.string(), size: z.number(), modifiedAt: z.string().nullable(),
}).meta({ id: 'SandboxFile' });
const SandboxDrive = z.object({
  connectionId: z.string(), provider: z.string(), kind: z.string(), label: z.string(),
  files: z.array(SandboxFile), truncated: z.boolean().describe('More files than the 200 listed.'),
  problem: z.string().nullable().describe('Why the files could not be read; null when they were.'),
  destinations: z.array(z.object({ id: z.string(), name: z.string() })).describe('The backups that write into this account.'),
  channels: z.array(z.object({ id: z.string(), name: z.string(), folder: z.string(), state: z.string() })).describe('The collection channels that read from it, with their folder.'),
}).meta({ id: 'SandboxDrive' });
const PutResult = z.object({
  file: SandboxFile,
  collecting: z.array(z.object({ channelId: z.string(), name: z.string(), runId: z.string() })).describe('The channels whose folder holds the file: a run of each was queued, so the file reaches the inbox now rather than at the next collection.'),
}).meta({ id: 'SandboxPutResult' });
const PutMultipart = describeOnly(z.object({
  folder: z.string().optional().describe('Where to put it, "/"-separated below the top; the top when absent. Missing folders are made.'),
  file: z.string().meta({ format: 'binary', description: 'The file: a PDF, an XML invoice or an image.' }),
}));

/** "/"-separated names, without empty ones, "." or "..": the same rule as the folder browser's. */
function folderOf(value: string | null | undefined): string {
  const folder = (value ?? '').replace(/^\/+|\/+$/g, '');
  if (folder && folder.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new DomainError('invalid_input', 'Write the folder as names separated by "/", such as Invoices/2024.', { reason: 'folder_path_invalid', params: { example: 'Invoices/2024' } });
  }
  return folder;
}

const inside = (path: string, folder: string) => folder === '' || path === folder || path.startsWith(`${folder}/`);

function drives(ctx: RouteContext): SandboxDrives {
  const d = ctx.deps.sandboxDrives;
  if (!d?.enabled) throw new DomainError('unavailable', 'The sandbox is off in this installation: it is on only while no real provider is configured (DOSSIER_SANDBOX).', { reason: 'sandbox_off' });
  return d;
}

/**
 * The sandbox's emulated drives, for trying Dossier without a cloud account: what is in the
 * accounts the organization's backups and clients' channels signed in to, and putting a file
 * into one as its owner would, so a collection channel picks it up. Off without a sandbox.
 */
export function sandboxRoutes(app: ZodApp, ctx: RouteContext): void {
  app.get('/sandbox/drives', {
    schema: {
      summary: 'The emulated drives of the sandbox this organization signed in to, with their files',
      tags, response: { 200: z.object({ items: z.array(SandboxDrive) }), ...commonErrors, 503: ErrorBody },
    },
  }, async (request) => {
    const orgId = principalOf(request).orgId;
    const [list, destinations, channels] = await Promise.all([drives(ctx).list(orgId), listDestinations(ctx.deps.db, orgId), listChannels(ctx.deps.db, orgId)]);
    return {
      items: list.map((d) => ({
        ...d,
        destinations: destinations.filter((x) => x.connectionId === d.connectionId).map((x) => ({ id: x.id, name: x.name })),
        channels: channels.filter((c) => c.connectionId === d.connectionId).map((c) => ({ id: c.id, name: c.name, folder: c.folder ?? '', state: c.state })),
      })),
    };
  });

  app.post('/sandbox/drives/:id/files', {
    schema: {
      summary: 'Put a file into an emulated drive, as its owner would',
      description: 'multipart/form-data: the optional "folder" field first, then the file in a part named "file". A file of the same name there is replaced. '
        + 'Each active collection channel whose folder holds the file is asked to run now.',
      tags, params: IdParams, consumes: ['multipart/form-data'], body: PutMultipart,
      response: { 201: PutResult, ...commonErrors, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 503: ErrorBody },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    const sandbox = drives(ctx);
    const file = await withUpload(request, Math.min(ctx.maxUploadBytes, MAX_SANDBOX_UPLOAD), async (fields, upload) => {
      const chunks: Buffer[] = [];
      for await (const chunk of upload.body) chunks.push(chunk as Buffer);
      return sandbox.put(p.orgId, request.params.id, folderOf(fields.folder), upload.filename, Buffer.concat(chunks));
    });
    const watching = (await listChannels(ctx.deps.db, p.orgId)).filter((c) => c.connectionId === request.params.id && c.state === 'active' && inside(file.path, c.folder ?? ''));
    const collecting = [];
    for (const c of watching) collecting.push({ channelId: c.id, name: c.name, runId: await ctx.deps.collect.runs.request(p.orgId, c.id, 'sandbox', p.userId) });
    return reply.code(201).send({ file, collecting });
  });
}
