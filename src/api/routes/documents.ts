import { z } from 'zod';
import { DOCUMENT_TYPES, type DocumentType } from '../../domain/documents.js';
import { PREFILL_FIELDS } from '../../collect/fields.js';
import { bufferForReading, proposals, readingOf, readUpload, ReadingSchema, type Reading } from '../reading.js';
import { BACKUP_STATES, DOCUMENT_SORTS, saveDocumentTexts } from '../../catalog/document-list.js';
import { DomainError, notFound } from '../../domain/errors.js';
import { getCompany } from '../../catalog/organizations.js';
import { isCollectedDocument } from '../../catalog/inbox.js';
import type { Db } from '../../catalog/db.js';
import { actorOf, orgOf, principalOf } from '../auth.js';
import { parseFields, withUpload } from '../uploads.js';
import {
  commonErrors, Document, DocumentDetail, DocumentMetaFields, DocumentPatch, DocumentWithVersions, ErrorBody, Id, IdParams, IsoDate,
  NewDocumentFields, NewDocumentMultipart, NewVersionMultipart, UploadHeaders,
} from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';
import type { IdempotencyKeyUse, Submitted } from '../../vault/service.js';
import type { FastifyReply, FastifyRequest } from 'fastify';

const tags = ['documents'];
const multipart = ['multipart/form-data'];
/** `read=true`: type and date may be left to the reader; see src/api/reading.ts. */
const ReadFlag = z.strictObject({ read: z.enum(['true', 'false']).nullish() });
const NewDocumentFieldsToRead = NewDocumentFields.extend({ type: DocumentMetaFields.type.nullish(), date: DocumentMetaFields.date.nullish() });
const DocumentWithReading = DocumentWithVersions.extend({
  reading: ReadingSchema.optional().describe('With read=true: what was read from the file and which fields it filled.'),
}).meta({ id: 'DocumentWithReading' });

const uploadErrors = { ...commonErrors, 413: ErrorBody, 415: ErrorBody };

const ListQuery = z.strictObject({
  companyId: Id.optional(),
  type: z.enum(DOCUMENT_TYPES).optional(),
  from: IsoDate.optional().describe('Documents dated on or after this day.'),
  to: IsoDate.optional().describe('Documents dated on or before this day.'),
  q: z.string().trim().max(200).optional().describe('Search: documents whose number or counterparty contains it (any case), whose amount equals it (121, 121.00 or 121,00), or whose text (as the reader extracted it from a collected file or an upload; without read=true it is read shortly after the upload is answered) has every word of it, each as the start of a word.'),
  backup: z.enum(BACKUP_STATES).optional().describe('synced: at every backup of its company that is to hold it (from the backup\'s start date); failed: failed at one at least; pending: neither.'),
  sort: z.enum(DOCUMENT_SORTS).optional().describe('Order by this field; documents without it come last. Id order without.'),
  order: z.enum(['asc', 'desc']).default('asc'),
  after: z.string().max(200).optional().describe('The `next` value of the previous page (listed with the same sort).'),
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

/** The caller's Idempotency-Key, scoped to who they are (an API key, or a signed-in user); undefined without one. */
function idempotencyOf(request: FastifyRequest): IdempotencyKeyUse | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw.join(',') : raw;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new DomainError('invalid_input', 'The Idempotency-Key header must be 1 to 255 visible ASCII characters, such as a UUID.', { reason: 'idempotency_key_format' });
  }
  const p = principalOf(request);
  return { principal: p.keyId ? `key:${p.keyId}` : `user:${p.userId}`, key };
}

/** The status and document of an upload, and headers that say when it was not new. */
function sendSubmitted(reply: FastifyReply, s: Submitted) {
  if (s.replayed) reply.header('idempotent-replayed', 'true');
  if (s.existing) reply.header('dossier-existing-document', s.document.id);
  return reply.code(s.status).send(s.document);
}

const idempotencyHelp = ' With an Idempotency-Key header, a retry of the same request within 24 hours gives the first answer again, header Idempotent-Replayed: true.';

/**
 * A file collected from a client is the inbox's: reading or changing it through /v1/documents
 * needs review_inbox too, before and after it is reviewed (see docs/security.md, Rights).
 */
const readsInbox = (request: FastifyRequest) => principalOf(request).rights.includes('review_inbox');

async function assertMayOpen(db: Db, request: FastifyRequest, documentId: string): Promise<void> {
  if (readsInbox(request) || !(await isCollectedDocument(db, orgOf(request), documentId))) return;
  throw new DomainError('forbidden', 'This document was collected from a client into the inbox: opening or changing it needs the right "review_inbox". Ask a user who manages users to give it to you.', { reason: 'missing_right', params: { right: 'review_inbox' } });
}

export function documentRoutes(app: ZodApp, { deps, maxUploadBytes }: RouteContext): void {
  app.post('/documents', {
    schema: {
      summary: 'Upload a document',
      description: 'multipart/form-data: the metadata fields first, then the file in a part named "file" (the body is streamed, so fields after the file cannot be read). '
        + 'When the company already holds a document of the same type and number (or both without a number) with the same bytes, the answer is that document '
        + 'with status 200 and header Dossier-Existing-Document: its id, instead of a second document (201). '
        + 'With the field read=true (before the file), the file is read and the fields left out or empty (type, date, number, counterparty, amount, currency) '
        + 'are filled from it; `reading` says what was read, with confidences, so the values can be checked and corrected with PATCH. '
        + 'Without a date sent or read the answer is 400; busy readers are a 503 with Retry-After, and nothing is stored. '
        + 'Without read=true the answer does not wait for the reader: the file\'s text is read afterwards, for search (`q`).' + idempotencyHelp,
      tags, consumes: multipart, headers: UploadHeaders, body: NewDocumentMultipart,
      response: { 201: DocumentWithReading, 200: DocumentWithReading.describe('The document the company already held.'), ...uploadErrors, 422: ErrorBody, 503: ErrorBody },
    },
  }, async (request, reply) => {
    const orgId = orgOf(request);
    const idempotency = idempotencyOf(request);
    let reading: Reading | undefined;
    let text: string | null = null;
    const submitted = await withUpload(request, maxUploadBytes, async ({ read, ...fields }, upload) => {
      if (parseFields(ReadFlag, read === undefined ? {} : { read }).read !== 'true') {
        const { companyId, ...meta } = parseFields(NewDocumentFields, fields);
        return deps.vault.submit(orgId, companyId, meta, upload, idempotency, actorOf(request));
      }
      const sent = parseFields(NewDocumentFieldsToRead, fields);
      const company = await getCompany(deps.db, orgId, sent.companyId);
      const buffered = await bufferForReading(upload);
      const result = await readUpload(buffered.bytes, buffered.upload, reply);
      const proposed = proposals(result, company.name, DocumentMetaFields);
      const filled = PREFILL_FIELDS.filter((k) => sent[k] == null && proposed[k]);
      const value = (k: (typeof PREFILL_FIELDS)[number]) => sent[k] ?? proposed[k]?.value ?? null;
      reading = readingOf(result, proposed, filled);
      text = result?.ok ? result.text : null;
      const date = value('date');
      if (!date) {
        buffered.upload.body.resume();
        throw new DomainError('invalid_input', 'No date was sent and none could be read from the file: send the field "date" (YYYY-MM-DD).', { reason: 'date_missing' });
      }
      const meta = {
        type: (value('type') ?? 'other') as DocumentType, date, number: value('number'), counterparty: value('counterparty'),
        amount: value('amount'), currency: value('currency'), businessAccount: sent.businessAccount ?? null,
      };
      return deps.vault.submit(orgId, sent.companyId, meta, buffered.upload, idempotency, actorOf(request));
    });
    if (reading) {
      // The text read is kept for search, as for a collected file; a replay or a file already
      // stored had its text kept the first time.
      if (text && submitted.status === 201 && !submitted.replayed && !submitted.existing) {
        await saveDocumentTexts(deps.db, orgId, [{ documentId: submitted.document.id, text }]);
      }
      if (submitted.replayed) reply.header('idempotent-replayed', 'true');
      if (submitted.existing) reply.header('dossier-existing-document', submitted.document.id);
      return reply.code(submitted.status).send({ ...submitted.document, reading });
    }
    // Read later, for search: the answer does not wait for the reader.
    if (submitted.status === 201 && !submitted.replayed && !submitted.existing) await deps.collect.texts?.request(orgId, submitted.document.id);
    return sendSubmitted(reply, submitted);
  });

  app.get('/documents', {
    schema: {
      summary: 'List documents',
      description: 'A page at a time, in id order or by `sort`; pass `next` as `after` (with the same filters and sort) for the following page (null on the last one). Documents collected into the inbox are listed only for users with the right `review_inbox`.',
      tags, querystring: ListQuery, response: { 200: z.object({ items: z.array(Document), next: z.string().nullable() }), ...commonErrors },
    },
  }, async (request) => {
    const orgId = orgOf(request);
    const { limit, ...filter } = request.query;
    if (filter.companyId) await getCompany(deps.db, orgId, filter.companyId); // an unknown company is a 404, not an empty page
    return deps.vault.list(orgId, { ...filter, limit, withoutCollected: !readsInbox(request) });
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
    return deps.vault.update(orgOf(request), request.params.id, request.body, undefined, actorOf(request));
  });

  app.post('/documents/:id/versions', {
    schema: {
      summary: 'Upload a new version of a document',
      description: 'multipart/form-data: optional metadata fields first, then the new file in a part named "file".' + idempotencyHelp,
      tags, consumes: multipart, headers: UploadHeaders, params: IdParams, body: NewVersionMultipart, response: { 201: DocumentWithVersions, ...uploadErrors, 422: ErrorBody },
    },
  }, async (request, reply) => {
    const orgId = orgOf(request);
    await assertMayOpen(deps.db, request, request.params.id);
    const idempotency = idempotencyOf(request);
    const submitted = await withUpload(request, maxUploadBytes, (fields, upload) => deps.vault.submitVersion(orgId, request.params.id, parseFields(DocumentPatch, fields), upload, idempotency, actorOf(request)));
    return sendSubmitted(reply, submitted);
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
