import { z } from 'zod';
import {
  extractDocument, extractionLimits, FAILURE_REASONS, FIELD_NAMES, SOURCE_KINDS, WARNING_CODES,
} from '../../extract/index.js';
import { parseFields, withUpload } from '../uploads.js';
import { commonErrors, DocumentMetaFields, documentationOnly, ErrorBody, Id } from '../schemas.js';
import { PrefillSchema, proposals, throwIfBusy } from '../reading.js';
import { getCompany } from '../../catalog/organizations.js';
import { orgOf } from '../auth.js';
import type { RouteContext, ZodApp } from '../server.js';

/**
 * POST /v1/extract: what Dossier reads from a document, without storing it. The answer is the
 * same JSON as `dossier extract --json`: an Extraction, or a typed failure (`ok: false`) when
 * the file could not be read; an unreadable document is a result, not an HTTP error. Only
 * `busy` (every extraction thread taken, the waiting line full) is: 503 with Retry-After.
 */

const Provenance = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('xml'), path: z.string() }),
  z.object({ kind: z.literal('text'), page: z.number().int(), start: z.number().int(), end: z.number().int() }),
]);
const Field = z.object({
  value: z.string(), confidence: z.number().min(0).max(1).describe('0..1: structured XML is 1, text heuristics say how sure they are.'),
  provenance: Provenance,
});
const Dec = z.string().nullable();
const Line = z.object({
  id: z.string().nullable(), name: z.string().nullable(), description: z.string().nullable(), quantity: Dec, unitCode: z.string().nullable(),
  unitPrice: Dec, netAmount: Dec, vatCategory: z.string().nullable(), vatRate: Dec, confidence: z.number(), provenance: Provenance,
});
const VatEntry = z.object({
  category: z.string().nullable(), rate: Dec, taxableAmount: Dec, taxAmount: Dec, exemptionReason: z.string().nullable(),
  confidence: z.number(), provenance: Provenance,
});
const Structured = z.object({
  syntax: z.enum(['ubl', 'cii']), root: z.string(), profile: z.string().nullable(), embeddedFile: z.string().nullable(),
  attachments: z.array(z.object({ filename: z.string().nullable(), mimeCode: z.string().nullable(), approxBytes: z.number(), path: z.string() })),
});
const Extraction = z.object({
  ok: z.literal(true),
  source: z.enum(SOURCE_KINDS),
  fields: z.partialRecord(z.enum(FIELD_NAMES), Field).describe('Amounts are decimal strings, dates YYYY-MM-DD.'),
  lines: z.array(Line),
  vatBreakdown: z.array(VatEntry),
  text: z.string().describe('The document text; text provenance spans are offsets into it.'),
  warnings: z.array(z.object({ code: z.enum(WARNING_CODES), message: z.string(), field: z.enum(FIELD_NAMES).optional(), path: z.string().optional() })),
  structured: Structured.nullable(),
  pages: z.number().int().nullable(),
  prefill: PrefillSchema.optional().describe('With a companyId: what an upload form would fill in for that company (the counterparty of its own sales document is the buyer).'),
}).meta({ id: 'Extraction' });
const ExtractionFailure = z.object({ ok: z.literal(false), reason: z.enum(FAILURE_REASONS), message: z.string() }).meta({ id: 'ExtractionFailure' });

const ExtractFields = z.strictObject({ companyId: Id.optional() });
const ExtractMultipart = z.object({ companyId: Id.optional().describe('Optional, before the file: also propose the document fields for this company (`prefill`).'), file: z.string().meta({ format: 'binary', description: 'The document: UBL or CII XML, or a PDF.' }) });
documentationOnly.add(ExtractMultipart);

export function extractRoutes(app: ZodApp, { deps, maxUploadBytes }: RouteContext): void {
  app.post('/extract', {
    schema: {
      summary: 'Read the fields of a document without storing it',
      description: 'multipart/form-data with the file in a part named "file". E-invoices (UBL, CII, Factur-X/ZUGFeRD) are read exactly; ' +
        'other PDFs through their text, each field with a confidence and where it was found.',
      tags: ['extract'], consumes: ['multipart/form-data'], body: ExtractMultipart,
      response: { 200: z.union([Extraction, ExtractionFailure]), ...commonErrors, 413: ErrorBody, 415: ErrorBody, 503: ErrorBody },
    },
  }, async (request, reply) => {
    const limit = Math.min(maxUploadBytes, extractionLimits().maxInputBytes);
    const result = await withUpload(request, limit, async (fields, upload) => {
      const { companyId } = parseFields(ExtractFields, fields);
      // The company first: an unknown one is a 404 before the file is read.
      const company = companyId ? await getCompany(deps.db, orgOf(request), companyId) : null;
      const chunks: Buffer[] = [];
      for await (const chunk of upload.body) chunks.push(chunk as Buffer);
      const read = await extractDocument({ bytes: Buffer.concat(chunks), filename: upload.filename, mime: upload.mime });
      return company && read.ok ? { ...read, prefill: proposals(read, company.name, DocumentMetaFields) } : read;
    });
    throwIfBusy(result, reply);
    return result;
  });
}
