import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DOCUMENT_TYPES } from '../../domain/documents.js';
import { DomainError, notFound } from '../../domain/errors.js';
import { getCompany } from '../../catalog/organizations.js';
import { isCollectedDocument } from '../../catalog/inbox.js';
import type { Db } from '../../catalog/db.js';
import { orgOf, principalOf } from '../auth.js';
import { parseFields, withUpload } from '../uploads.js';
import {
  commonErrors, Document, DocumentDetail, DocumentPatch, DocumentWithVersions, ErrorBody, Id, IdParams, IsoDate,
  NewDocumentFields, NewDocumentMultipart, NewVersionMultipart,
} from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['documents'];
const multipart = ['multipart/form-data'];
const uploadErrors = { ...commonErrors, 413: ErrorBody, 415: ErrorBody };

const ListQuery = z.strictObject({
  companyId: Id.optional(),
  type: z.enum(DOCUMENT_TYPES).optional(),
  from: IsoDate.optional().describe('Documents dated on or after this day.'),
  to: IsoDate.optional().describe('Documents dated on or before this day.'),
  after: Id.optional().describe('The `next` value of the previous page.'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const ContentQuery = z.strictObject({ version: Id.optional().describe('A version id (ver_...); the current version when absent.') });

/**
 * RFC 6266: a plain ASCII `filename` for old clients, and the exact name in `filename*`
 * (RFC 8187 percent-encoding), so accented and non-Latin names survive the download.
 */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const exact = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

/**
 * A file collected from a client is the inbox's: reading or changing it through /v1/documents
 * needs review_inbox too, before and after it is reviewed (see docs/security.md, Rights).
 */
const readsInbox = (request: FastifyRequest) => principalOf(request).rights.includes('review_inbox');

async function assertMayOpen(db: Db, request: FastifyRequest, documentId: string): Promise<void> {
  if (readsInbox(request) || !(await isCollectedDocument(db, orgOf(request), documentId))) return;
  throw new DomainError('forbidden', 'This document was collected from a client into the inbox: opening or changing it needs the right "review_inbox". Ask a user who manages users to give it to you.');
}

export function documentRoutes(app: ZodApp, { deps, maxUploadBytes }: RouteContext): void {
  app.post('/documents', {
    schema: {
      summary: 'Upload a document',
      description: 'multipart/form-data: the metadata fields first, then the file in a part named "file" (the body is streamed, so fields after the file cannot be read).',
      tags, consumes: multipart, body: NewDocumentMultipart, response: { 201: DocumentWithVersions, ...uploadErrors },
    },
  }, async (request, reply) => {
    const orgId = orgOf(request);
    const doc = await withUpload(request, maxUploadBytes, async (fields, upload) => {
      const { companyId, ...meta } = parseFields(NewDocumentFields, fields);
      return deps.vault.create(orgId, companyId, meta, upload);
    });
    return reply.code(201).send(doc);
  });

  app.get('/documents', {
    schema: {
      summary: 'List documents',
      description: 'A page at a time, in id order; pass `next` as `after` for the following page (null on the last one). Documents collected into the inbox are listed only for users with the right `review_inbox`.',
      tags, querystring: ListQuery, response: { 200: z.object({ items: z.array(Document), next: z.string().nullable() }), ...commonErrors },
    },
  }, async (request) => {
    const orgId = orgOf(request);
    const { limit, ...filter } = request.query;
    if (filter.companyId) await getCompany(deps.db, orgId, filter.companyId); // an unknown company is a 404, not an empty page
    // One extra row tells whether another page exists without a count query.
    const rows = await deps.vault.list(orgId, { ...filter, limit: limit + 1, withoutCollected: !readsInbox(request) });
    const items = rows.slice(0, limit);
    return { items, next: rows.length > limit ? items.at(-1)!.id : null };
  });

  app.get('/documents/:id', {
    schema: { summary: 'One document, its versions and where it is backed up', description: 'A document collected into the inbox needs the right `review_inbox` (403 without).', tags, params: IdParams, response: { 200: DocumentDetail, ...commonErrors, 403: ErrorBody } },
  }, async (request) => {
    const orgId = orgOf(request);
    await assertMayOpen(deps.db, request, request.params.id);
    const doc = await deps.vault.get(orgId, request.params.id);
    return { ...doc, destinations: await deps.backup.documentStatus(orgId, doc.id) };
  });

  app.patch('/documents/:id', {
    schema: {
      summary: 'Change a document\'s metadata',
      description: 'The change is recorded as a new version of the document; its bytes stay the same.',
      tags, params: IdParams, body: DocumentPatch, response: { 200: DocumentWithVersions, ...commonErrors },
    },
  }, async (request) => {
    await assertMayOpen(deps.db, request, request.params.id);
    return deps.vault.update(orgOf(request), request.params.id, request.body);
  });

  app.post('/documents/:id/versions', {
    schema: {
      summary: 'Upload a new version of a document',
      description: 'multipart/form-data: optional metadata fields first, then the new file in a part named "file".',
      tags, consumes: multipart, params: IdParams, body: NewVersionMultipart, response: { 201: DocumentWithVersions, ...uploadErrors },
    },
  }, async (request, reply) => {
    const orgId = orgOf(request);
    await assertMayOpen(deps.db, request, request.params.id);
    const doc = await withUpload(request, maxUploadBytes, (fields, upload) => deps.vault.update(orgId, request.params.id, parseFields(DocumentPatch, fields), upload));
    return reply.code(201).send(doc);
  });

  app.get('/documents/:id/content', {
    schema: {
      summary: 'Download a document\'s bytes',
      tags, params: IdParams, querystring: ContentQuery, produces: ['application/octet-stream'],
      response: { 200: z.any().describe('The file, with its own Content-Type.'), ...commonErrors },
    },
  }, async (request, reply) => {
    const orgId = orgOf(request);
    const { id } = request.params;
    await assertMayOpen(deps.db, request, id);
    const wanted = request.query.version;
    // The vault looks a version up by id alone; it must also belong to this document.
    if (wanted && !(await deps.vault.get(orgId, id)).versions.some((v) => v.id === wanted)) throw notFound('Version', wanted);
    const { version, body } = await deps.vault.content(orgId, id, wanted);
    return reply
      .header('content-type', version.mime)
      .header('content-length', String(version.size))
      .header('content-disposition', contentDisposition(version.filename))
      .header('etag', `"${version.sha256}"`)
      // Uploaded bytes are untrusted: never let a browser run them as a page of this origin.
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(body);
  });
}
