import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { getDocuments, type DocumentRow } from '../../catalog/documents.js';
import { getDestination } from '../../catalog/destinations.js';
import { markToResend } from '../../catalog/deliveries.js';
import { getBinder } from '../../catalog/channels.js';
import { inboxItemsOfDocuments, type InboxItem } from '../../catalog/inbox.js';
import { orgOf, principalOf } from '../auth.js';
import { commonErrors, ErrorBody, Id } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['documents'];

/** Why one document of a bulk action was left as it was; the web app says each in its words. */
export const BULK_REASONS = ['not_found', 'other_company', 'before_start_date', 'not_in_inbox', 'needs_review_inbox'] as const;
type BulkReason = (typeof BULK_REASONS)[number];

const DocumentIds = z.array(Id).min(1).max(500).describe('The documents to act on, at most 500.');
const BulkResult = z.object({
  succeeded: z.array(z.string()).describe('The documents done.'),
  failed: z.array(z.object({ documentId: z.string(), reason: z.enum(BULK_REASONS), message: z.string() })).describe('The documents left as they were, each with why.'),
}).meta({ id: 'BulkResult' });

const MESSAGES: Record<BulkReason, string> = {
  not_found: 'This document does not exist in this organization.',
  other_company: 'This document belongs to another company than the backup or binder.',
  before_start_date: 'This document is dated before the backup\'s start date: the backup does not hold it.',
  not_in_inbox: 'This document was not collected into the inbox.',
  needs_review_inbox: 'This document was collected into the inbox: acting on it needs the right "review_inbox".',
};

type Outcome = { ok: true } | { ok: false; reason: BulkReason };
const fail = (reason: BulkReason): Outcome => ({ ok: false, reason });

/** Each document's outcome, in the order asked (a repeated id counts once). */
function result(ids: string[], outcomes: Map<string, Outcome>) {
  const succeeded: string[] = [];
  const failed: Array<{ documentId: string; reason: BulkReason; message: string }> = [];
  for (const id of new Set(ids)) {
    const o = outcomes.get(id) ?? fail('not_found');
    if (o.ok) succeeded.push(id);
    else failed.push({ documentId: id, reason: o.reason, message: MESSAGES[o.reason] });
  }
  return { succeeded, failed };
}

/**
 * Select several documents on the Documents page, then act on all of them. One document's
 * problem never stops the others: the answer says, per document, what was done or why not.
 */
export function documentBulkRoutes(app: ZodApp, { deps }: RouteContext): void {
  /** The documents the caller may act on; a collected one needs review_inbox, as opening it does. */
  const documentsFor = async (request: FastifyRequest, ids: string[]) => {
    const orgId = orgOf(request);
    const docs = await getDocuments(deps.db, orgId, ids);
    const items = await inboxItemsOfDocuments(deps.db, orgId, [...docs.keys()]);
    const readsInbox = principalOf(request).rights.includes('review_inbox');
    return { docs, items, refused: (id: string) => items.has(id) && !readsInbox };
  };

  app.post('/documents/bulk/resend', {
    schema: {
      summary: 'Send documents to a backup again',
      description: 'The next pass of the backup uploads each document again, even one it holds already; the pass is queued at once.',
      tags, body: z.strictObject({ documentIds: DocumentIds, destinationId: Id }),
      response: { 200: BulkResult, ...commonErrors, 409: ErrorBody },
    },
  }, async (request) => {
    const orgId = orgOf(request);
    const { documentIds, destinationId } = request.body;
    const dst = await getDestination(deps.db, orgId, destinationId);
    if (dst.state === 'paused') {
      throw new DomainError('conflict', `"${dst.name}" is paused: resume it first.`, { reason: 'destination_paused', params: { name: dst.name } });
    }
    const { docs, refused } = await documentsFor(request, documentIds);
    const outcomes = new Map<string, Outcome>();
    const resend: string[] = [];
    for (const [id, doc] of docs) {
      if (refused(id)) outcomes.set(id, fail('needs_review_inbox'));
      else if (doc.companyId !== dst.companyId) outcomes.set(id, fail('other_company'));
      else if (dst.startDate && doc.date < dst.startDate) outcomes.set(id, fail('before_start_date'));
      else { resend.push(id); outcomes.set(id, { ok: true }); }
    }
    if (resend.length > 0) {
      await markToResend(deps.db, dst.id, resend);
      await deps.backup.requestSync(orgId, dst.id, 'manual');
    }
    return result(documentIds, outcomes);
  });

  /** Moves to a binder, or marks done: a change of each document's inbox item, as PATCH /v1/inbox/:id makes it. */
  const inboxAction = async (request: FastifyRequest, ids: string[], check: (doc: DocumentRow, item: InboxItem) => Outcome | null, change: Parameters<typeof deps.collect.inbox.change>[3]) => {
    const p = principalOf(request);
    const { docs, items } = await documentsFor(request, ids);
    const outcomes = new Map<string, Outcome>();
    for (const [id, doc] of docs) {
      const item = items.get(id);
      if (!item) { outcomes.set(id, fail('not_in_inbox')); continue; }
      const problem = check(doc, item);
      if (problem) { outcomes.set(id, problem); continue; }
      await deps.collect.inbox.change(p.orgId, p.userId, item.id, change);
      outcomes.set(id, { ok: true });
    }
    return result(ids, outcomes);
  };

  app.post('/documents/bulk/binder', {
    schema: {
      summary: 'Move collected documents to a binder',
      description: 'Each document\'s inbox item moves to the binder, which must be of the document\'s company.',
      tags, body: z.strictObject({ documentIds: DocumentIds, binderId: Id }), response: { 200: BulkResult, ...commonErrors },
    },
  }, async (request) => {
    const binder = await getBinder(deps.db, orgOf(request), request.body.binderId);
    return inboxAction(request, request.body.documentIds, (doc) => (doc.companyId === binder.companyId ? null : fail('other_company')), { binderId: binder.id });
  });

  app.post('/documents/bulk/done', {
    schema: {
      summary: 'Mark collected documents done in the inbox',
      description: 'Each document\'s inbox item is marked done (reviewed by the caller); one already done stays as it was and counts as done.',
      tags, body: z.strictObject({ documentIds: DocumentIds }), response: { 200: BulkResult, ...commonErrors },
    },
  }, async (request) => inboxAction(request, request.body.documentIds, (_doc, item) => (item.status === 'done' ? { ok: true } : null), { status: 'done' }));
}
