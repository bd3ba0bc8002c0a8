import { z } from 'zod';
import { INBOX_STATUSES, REVIEW_STATUSES } from '../../domain/channels.js';
import { orgOf, principalOf } from '../auth.js';
import { commonErrors, ErrorBody, Id, IdParams } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['inbox'];

const Provenance = z.union([
  z.object({ kind: z.literal('xml'), path: z.string() }),
  z.object({ kind: z.literal('text'), page: z.number().int(), start: z.number().int(), end: z.number().int() }),
  z.object({ kind: z.literal('user'), userId: z.string().nullable(), at: z.string() }),
]);
const StoredField = z.object({ value: z.unknown(), confidence: z.number().describe('0..1; 1 for e-invoice XML and for what a user entered or confirmed.'), provenance: Provenance });

export const InboxItem = z.object({
  id: z.string(), companyId: z.string(), binderId: z.string(), recipientId: z.string(), channelId: z.string().nullable(),
  documentId: z.string().describe('The original file, kept in the vault.'), contentUrl: z.string().describe('GET it (with the API key) for the original file.'),
  sha256: z.string(), filename: z.string(), sourcePath: z.string().nullable(), status: z.enum(INBOX_STATUSES),
  fields: z.record(z.string(), StoredField).describe('What was read, per field, with confidence and where it was read.'),
  extraction: z.object({ ok: z.boolean(), source: z.string().nullable(), reason: z.string().nullable(), message: z.string().nullable(), pages: z.number().nullable(), warnings: z.array(z.object({ code: z.string(), message: z.string(), field: z.string().optional() })) }),
  likelyDuplicateOf: z.string().nullable().describe('An item with the same supplier, number and amount: check before booking this one.'),
  previousId: z.string().nullable().describe('The earlier version of this file, when its content changed after it was collected.'),
  duplicatesSeen: z.number().int().describe('How often the same bytes arrived again (not filed again).'),
  reviewedBy: z.string().nullable(), reviewedAt: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
}).meta({ id: 'InboxItem' });

const InboxChange = z.strictObject({
  fields: z.record(z.string(), z.string().trim().max(500).nullable()).optional().describe('Corrections, by field name (null clears one).'),
  confirm: z.array(z.string()).optional().describe('Fields whose value is right as read.'),
  status: z.enum(REVIEW_STATUSES).optional().describe('done once the data entry is finished.'),
  recipientId: Id.optional().describe('Reassign to this user.'),
  binderId: Id.optional().describe('Move to this binder of the same company.'),
});

/** The inbox. Reading and changing it need review_inbox. */
export function inboxRoutes(app: ZodApp, { deps }: RouteContext): void {
  const inbox = deps.collect.inbox;

  app.get('/inbox', {
    schema: {
      summary: 'List the inbox', tags,
      querystring: z.strictObject({
        companyId: Id.optional(), binderId: Id.optional(), recipientId: Id.optional(), status: z.enum(INBOX_STATUSES).optional(),
        after: Id.optional().describe('The last id of the previous page.'), limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: { 200: z.object({ items: z.array(InboxItem), next: z.string().nullable() }), ...commonErrors, 403: ErrorBody },
    },
  }, async (request) => {
    const items = await inbox.list(orgOf(request), request.query);
    return { items, next: items.length === request.query.limit ? items.at(-1)!.id : null };
  });

  app.get('/inbox/:id', {
    schema: { summary: 'One inbox item: the fields read, their confidence, and the original', tags, params: IdParams, response: { 200: InboxItem, ...commonErrors, 403: ErrorBody } },
  }, async (request) => inbox.get(orgOf(request), request.params.id));

  app.patch('/inbox/:id', {
    schema: { summary: 'Correct or confirm fields, mark done, reassign, or move to another binder', tags, params: IdParams, body: InboxChange, response: { 200: InboxItem, ...commonErrors, 403: ErrorBody } },
  }, async (request) => {
    const p = principalOf(request);
    return inbox.change(p.orgId, p.userId, request.params.id, request.body);
  });
}
