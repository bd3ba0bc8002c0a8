import { z } from 'zod';
import { getCompany } from '../../catalog/organizations.js';
import { getChannel } from '../../catalog/channels.js';
import { listOrgCollectRuns } from '../../catalog/collect-runs.js';
import { DomainError } from '../../domain/errors.js';
import { orgOf } from '../auth.js';
import { commonErrors, Id } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';
import { CollectRun } from './channels.js';

const STATUSES = ['queued', 'running', 'done', 'done_with_errors', 'failed', 'interrupted'] as const;

/** The page cursor: the last run's queue time and id, so runs queued in the same instant are neither skipped nor repeated. */
const cursorOf = (r: { queuedAt: string; id: string }) => Buffer.from(`${r.queuedAt}|${r.id}`).toString('base64url');
function parseCursor(cursor: string): { queuedAt: string; id: string } {
  const [queuedAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!queuedAt || !id) throw new DomainError('invalid_input', 'cursor: use the next value of the previous page as it was given.', { reason: 'invalid_cursor' });
  return { queuedAt, id };
}

/** The collection history across every channel: one list of runs, newest first, with filters. */
export function collectHistoryRoutes(app: ZodApp, { deps }: RouteContext): void {
  app.get('/collect-runs', {
    schema: {
      summary: 'Every collection run of the organization, newest first',
      tags: ['channels'],
      querystring: z.strictObject({
        companyId: Id.optional(), channelId: Id.optional(),
        status: z.string().optional().describe(`Comma-separated, any of: ${STATUSES.join(', ')}.`),
        cursor: z.string().max(200).optional().describe('The next value of the previous page.'),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: {
        200: z.object({ items: z.array(CollectRun.extend({ channelName: z.string(), companyId: z.string() })), next: z.string().nullable() }),
        ...commonErrors,
      },
    },
  }, async (request) => {
    const orgId = orgOf(request);
    const { companyId, channelId, status, cursor, limit } = request.query;
    if (companyId) await getCompany(deps.db, orgId, companyId);
    if (channelId) await getChannel(deps.db, orgId, channelId);
    const statuses = status ? status.split(',').map((s) => s.trim()).filter(Boolean) : [];
    const unknown = statuses.filter((s) => !(STATUSES as readonly string[]).includes(s));
    if (unknown.length) throw new DomainError('invalid_input', `status: ${unknown.join(', ')} is not a run status. Use any of: ${STATUSES.join(', ')}.`, { reason: 'choice_unknown', params: { field: 'status', values: unknown.join(', '), choices: STATUSES.join(', ') } });
    const rows = await listOrgCollectRuns(deps.db, orgId, {
      companyId, channelId, status: statuses as Array<(typeof STATUSES)[number]>, ...(cursor && { before: parseCursor(cursor) }),
    }, limit + 1);
    const items = rows.slice(0, limit);
    return { items, next: rows.length > limit ? cursorOf(items.at(-1)!) : null };
  });
}
