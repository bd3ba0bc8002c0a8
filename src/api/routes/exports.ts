import { z } from 'zod';
import type { ExportRow } from '../../catalog/exports.js';
import { orgOf, principalOf } from '../auth.js';
import { commonErrors, Id, IdParams, IsoDate } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';
import { contentDisposition } from './documents.js';

const tags = ['audit'];

const Export = z.object({
  id: z.string(), companyId: z.string(), from: z.string(), to: z.string(),
  state: z.enum(['queued', 'running', 'done', 'failed']),
  done: z.number().int().describe('Files written into the ZIP so far.'),
  total: z.number().int().describe('Files the export holds (known once it runs).'),
  size: z.number().int().nullable().describe('The ZIP\'s size in bytes, once done.'),
  sha256: z.string().nullable().describe('The ZIP\'s SHA-256, once done.'),
  summary: z.object({ documents: z.number().int(), files: z.number().int(), bytes: z.number().int(), auditEntries: z.number().int() }).partial().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(), finishedAt: z.string().nullable(),
  expiresAt: z.string().describe('After this moment the export is removed and must be made again.'),
}).meta({ id: 'Export' });

const view = (r: ExportRow): z.infer<typeof Export> => ({
  id: r.id, companyId: r.companyId, from: r.from, to: r.to, state: r.state, done: r.done, total: r.total, size: r.size, sha256: r.sha256,
  summary: r.summary as z.infer<typeof Export>['summary'], error: r.error, createdAt: r.createdAt, finishedAt: r.finishedAt, expiresAt: r.expiresAt,
});

/**
 * Exports for the accountant or the auditor as jobs: the ZIP of `dossier export` (originals,
 * index with hashes, the audit entries of the period), made by a worker with progress on
 * GET /v1/events (export.progress, export.finished), then downloaded. Administrators only,
 * like the audit log: the ZIP holds the organization's audit entries of the period.
 */
export function exportRoutes(app: ZodApp, { deps }: RouteContext): void {
  const exports = deps.exports!;
  app.post('/exports', {
    schema: {
      summary: 'Start an export of a company\'s documents of a period',
      description: 'Answers at once with the export, queued; follow it with GET /v1/exports/{id} or the live events, then download it. It can be downloaded until expiresAt.',
      tags, body: z.strictObject({ companyId: Id, from: IsoDate.describe('First document date.'), to: IsoDate.describe('Last document date.') }),
      response: { 202: Export, ...commonErrors },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    return reply.code(202).send(view(await exports.start(orgOf(request), p.userId, request.body)));
  });

  app.get('/exports', {
    schema: { summary: 'The exports of the organization, newest first', tags, response: { 200: z.object({ items: z.array(Export) }), ...commonErrors } },
  }, async (request) => ({ items: (await exports.list(orgOf(request))).map(view) }));

  app.get('/exports/:id', {
    schema: { summary: 'One export: its state and progress', tags, params: IdParams, response: { 200: Export, ...commonErrors } },
  }, async (request) => view(await exports.get(orgOf(request), request.params.id)));

  app.get('/exports/:id/download', {
    schema: {
      summary: 'Download an export\'s ZIP', tags, params: IdParams, produces: ['application/zip'],
      response: { 200: z.any().describe('The ZIP.'), ...commonErrors },
    },
  }, async (request, reply) => {
    const { row, stream } = await exports.download(orgOf(request), request.params.id);
    return reply
      .header('content-type', 'application/zip')
      .header('content-length', String(row.size))
      .header('content-disposition', contentDisposition(`dossier-export-${row.from}-${row.to}-${row.id}.zip`))
      .header('etag', `"${row.sha256}"`)
      .send(stream);
  });
}
