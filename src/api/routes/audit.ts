import { z } from 'zod';
import { ACTOR_KINDS, AUDIT_TYPES } from '../../domain/audit.js';
import { searchEntries, type AuditRow } from '../../catalog/audit.js';
import { auditHead } from '../../audit/log.js';
import { verifyChain } from '../../audit/verify.js';
import { orgOf } from '../auth.js';
import { commonErrors, Id, IsoDate } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['audit'];

const AuditEntry = z.object({
  seq: z.number().int(),
  at: z.string().describe('When, ISO-8601 UTC.'),
  type: z.enum(AUDIT_TYPES),
  actor: z.object({ kind: z.enum(ACTOR_KINDS), id: z.string().nullable() }).describe('Who: a user, an API key, a client (by its channel), or Dossier itself (system; id "cli" for the command line).'),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  companyId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string().describe('The hash of the entry before (64 zeros for the first).'),
  hash: z.string().describe('SHA-256 of this entry\'s fields and prevHash (docs/audit.md).'),
}).meta({ id: 'AuditEntry' });

const AuditHead = z.object({ orgId: z.string(), seq: z.number().int(), hash: z.string(), at: z.string() }).meta({ id: 'AuditHead' });

const ChainReport = z.object({
  orgId: z.string(), ok: z.boolean(), entries: z.number().int(),
  head: z.object({ seq: z.number().int(), hash: z.string() }),
  firstFailure: z.object({
    seq: z.number().int(),
    problem: z.enum(['hash_mismatch', 'previous_mismatch', 'missing_entry', 'truncated', 'head_mismatch']),
    message: z.string(),
  }).nullable(),
}).meta({ id: 'AuditChainReport' });

const AuditQuery = z.strictObject({
  type: z.enum(AUDIT_TYPES).optional(),
  actor: z.string().min(1).max(64).optional().describe('A user, API key or channel id (or "cli").'),
  object: Id.optional().describe('The id of a document, destination, channel, user, ...'),
  companyId: Id.optional(),
  from: IsoDate.optional().describe('Entries on or after this day (UTC).'),
  to: IsoDate.optional().describe('Entries on or before this day (UTC).'),
  before: z.coerce.number().int().min(1).optional().describe('The `next` value of the previous page.'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const entryView = (r: AuditRow) => ({
  seq: Number(r.seq), at: r.at, type: r.type as (typeof AUDIT_TYPES)[number], actor: { kind: r.actor_kind as (typeof ACTOR_KINDS)[number], id: r.actor_id },
  objectType: r.object_type, objectId: r.object_id, companyId: r.company_id, details: JSON.parse(r.details) as Record<string, unknown>,
  prevHash: r.prev_hash, hash: r.hash,
});

const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();

/** The audit log: its entries with filters, its head, and the check of its chain. */
export function auditRoutes(app: ZodApp, { deps }: RouteContext): void {
  app.get('/audit', {
    schema: {
      summary: 'The audit log',
      description: 'Newest first, a page at a time; pass `next` as `before` for the following page (null on the last one).',
      tags, querystring: AuditQuery, response: { 200: z.object({ items: z.array(AuditEntry), next: z.number().int().nullable() }), ...commonErrors },
    },
  }, async (request) => {
    const { type, actor, object, companyId, from, to, before, limit } = request.query;
    const rows = await searchEntries(deps.db, orgOf(request), {
      type, actorId: actor, objectId: object, companyId, before, limit: limit + 1,
      ...(from && { from: `${from}T00:00:00.000Z` }), ...(to && { to: dayAfter(to) }),
    });
    const items = rows.slice(0, limit).map(entryView);
    return { items, next: rows.length > limit ? items.at(-1)!.seq : null };
  });

  app.get('/audit/head', {
    schema: { summary: 'Where the audit chain ends', description: 'Its last seq and hash: keep them elsewhere, so that a shortened log shows.', tags, response: { 200: AuditHead, ...commonErrors } },
  }, async (request) => auditHead(deps.db, orgOf(request)));

  app.get('/audit/verify', {
    schema: {
      summary: 'Recompute the audit chain',
      description: 'Reads every entry in order, recomputes its hash and names the first entry that does not match (a changed field, a missing entry, entries in another order, a cut-off end).',
      tags, response: { 200: ChainReport, ...commonErrors },
    },
  }, async (request) => verifyChain(deps.db, orgOf(request)));
}
