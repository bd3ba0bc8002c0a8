import { z } from 'zod';
import { IANAZone } from 'luxon';
import { DOCUMENT_TYPES, LANGUAGES } from '../domain/documents.js';
import { ErrorBody } from './errors.js';

/**
 * The shapes the API accepts and returns. Response schemas list their fields explicitly: the
 * serializer drops everything else, so an internal column (a connection id, an org id) or a
 * secret added to a row later can never reach a client by accident.
 */

// ---- inputs ----

export const Id = z.string().min(1).max(64).regex(/^[a-z]+_[a-z2-7]+$/, 'This is not a Dossier id.');
export const IdParams = z.object({ id: Id });

export const IsoDate = z.string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Write dates as YYYY-MM-DD.', abort: true })
  .refine((s) => { const d = new Date(`${s}T00:00:00Z`); return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s); }, 'This date does not exist.');

export const TimeZone = z.string().refine((z) => IANAZone.isValidZone(z), 'Give an IANA time zone, such as Europe/Brussels.');

const Text = z.string().trim().min(1).max(500);
const Amount = z.string().regex(/^-?\d{1,15}(\.\d{1,6})?$/, 'Write the amount as a decimal number with a dot, such as 1210.50.');
const Currency = z.string().regex(/^[A-Za-z]{3}$/, 'Give a three-letter currency code, such as EUR.').transform((c) => c.toUpperCase());

/** The metadata a document carries; every field may be cleared with null except type and date. */
export const DocumentMetaFields = {
  type: z.enum(DOCUMENT_TYPES),
  number: Text.nullable(),
  date: IsoDate,
  counterparty: Text.nullable(),
  amount: Amount.nullable(),
  currency: Currency.nullable(),
  businessAccount: Text.nullable(),
};

export const NewDocumentFields = z.strictObject({
  companyId: Id,
  type: DocumentMetaFields.type,
  date: DocumentMetaFields.date,
  number: DocumentMetaFields.number.default(null),
  counterparty: DocumentMetaFields.counterparty.default(null),
  amount: DocumentMetaFields.amount.default(null),
  currency: DocumentMetaFields.currency.default(null),
  businessAccount: DocumentMetaFields.businessAccount.default(null),
});

export const DocumentPatch = z.strictObject({
  type: DocumentMetaFields.type.optional(),
  number: DocumentMetaFields.number.optional(),
  date: DocumentMetaFields.date.optional(),
  counterparty: DocumentMetaFields.counterparty.optional(),
  amount: DocumentMetaFields.amount.optional(),
  currency: DocumentMetaFields.currency.optional(),
  businessAccount: DocumentMetaFields.businessAccount.optional(),
});

/**
 * Multipart bodies are read as a stream by the handler, not validated up front; these schemas
 * only describe them in the OpenAPI document (see `documentationOnly` in server.ts).
 */
export const documentationOnly = new WeakSet<object>();
export function describeOnly<T extends z.ZodType>(schema: T): T {
  documentationOnly.add(schema);
  return schema;
}
const FilePart = z.string().meta({ format: 'binary', description: 'The document itself. Send it as the last part.' });
export const NewDocumentMultipart = describeOnly(NewDocumentFields.extend({
  read: z.enum(['true', 'false']).optional().describe('true: read the file and fill the fields left out (then type and date may be left out too).'),
  file: FilePart,
}));
export const NewVersionMultipart = describeOnly(DocumentPatch.extend({ file: FilePart }));

/** The Idempotency-Key header of uploads; the route checks it (its own message), this describes it. */
export const UploadHeaders = describeOnly(z.object({
  'idempotency-key': z.string().min(1).max(255).optional().describe(
    'Any unique string of up to 255 visible characters (a UUID will do). Sending the request again with the same key and the same '
    + 'fields and file, within 24 hours, gives the first answer again (header Idempotent-Replayed: true) instead of a second '
    + 'document; the same key with a different request is a 422 idempotency_key_reused. Keys are your own: another API key or user '
    + 'may use the same string.'),
}));

// ---- outputs ----

export const Company = z.object({
  id: z.string(), name: z.string(), language: z.enum(LANGUAGES), timeZone: z.string(),
  vatId: z.string().nullable().describe('Normalised, with its country prefix; null when not given.'), createdAt: z.string(),
}).meta({ id: 'Company' });

export const Organization = z.object({ id: z.string(), name: z.string(), createdAt: z.string() }).meta({ id: 'Organization' });

export const Version = z.object({
  id: z.string(), version: z.number().int(), sha256: z.string(), size: z.number().int(), filename: z.string(), mime: z.string(), createdAt: z.string(),
}).meta({ id: 'Version' });

export const Document = z.object({
  id: z.string(), companyId: z.string(), type: z.enum(DOCUMENT_TYPES), number: z.string().nullable(), date: z.string(),
  counterparty: z.string().nullable(), amount: z.string().nullable(), currency: z.string().nullable(), businessAccount: z.string().nullable(),
  currentVersionId: z.string(), versionCount: z.number().int(), createdAt: z.string(), updatedAt: z.string(),
}).meta({ id: 'Document' });

export const Delivery = z.object({
  destinationId: z.string(),
  versionId: z.string().nullable().describe('The version the destination holds; null until the first copy.'),
  remotePath: z.string().nullable(),
  state: z.enum(['pending', 'synced', 'failed']),
  error: z.string().nullable(),
  syncedAt: z.string().nullable(),
}).meta({ id: 'Delivery' });

export const DocumentWithVersions = Document.extend({ versions: z.array(Version) }).meta({ id: 'DocumentWithVersions' });
export const DocumentDetail = DocumentWithVersions.extend({ destinations: z.array(Delivery) }).meta({ id: 'DocumentDetail' });

export const Destination = z.object({
  id: z.string(), companyId: z.string(), name: z.string(), kind: z.string(), layout: z.string(), startDate: z.string().nullable(),
  schedule: z.string(), restoreDeleted: z.boolean(), respectFolderDeletions: z.boolean(),
  state: z.enum(['active', 'paused', 'needs_attention', 'removed']), stateReason: z.string().nullable(), lastRunId: z.string().nullable(),
  createdAt: z.string(), updatedAt: z.string(),
}).meta({ id: 'Destination' });

export const DestinationStatus = Destination.extend({
  documents: z.object({ synced: z.number().int(), pending: z.number().int(), failed: z.number().int() }),
  quota: z.object({
    total: z.number().nullable(), used: z.number().nullable(), free: z.number().nullable(), warning: z.string().nullable(),
  }).nullable().describe('Space at the destination, when it reports it.'),
  folder: z.string().nullable().describe('The folder at the destination that the layout starts from.'),
  connection: z.object({
    id: z.string(), state: z.enum(['ready', 'needs_reconnect', 'disconnected']),
    reconnect: z.string().nullable().describe('When the account needs signing in again: POST here for a new sign-in URL.'),
  }).nullable().describe('The connected account (OneDrive, Google Drive, Dropbox) this destination uses; null for one with its own credentials.'),
  objectLocks: z.object({
    pendingSince: z.string().nullable().describe('When a retention or hold change asked for the copies\' Object Locks to change, until a pass has applied it.'),
    error: z.string().nullable().describe('Why the last pass could not lock every copy; it is tried again.'),
  }).describe('Bringing the Object Locks of copies already stored in step with retention (S3 destinations with Object Lock); both null otherwise.'),
}).meta({ id: 'DestinationStatus' });

export const Run = z.object({
  id: z.string(), destinationId: z.string(), trigger: z.string(), status: z.string(), startedAt: z.string(), finishedAt: z.string().nullable(),
  planned: z.number().int(), uploaded: z.number().int(), moved: z.number().int(), restored: z.number().int(), removed: z.number().int(),
  failed: z.number().int(), bytes: z.number(), error: z.string().nullable(),
}).meta({ id: 'Run' });

export const RunItem = z.object({
  id: z.number().int(), documentId: z.string().nullable(), action: z.string(), outcome: z.string(), remotePath: z.string().nullable(),
  bytes: z.number(), error: z.string().nullable(), at: z.string(),
}).meta({ id: 'RunItem' });

export { ErrorBody };

/** The error responses most routes can give, for the OpenAPI document. */
export const commonErrors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody } as const;
