import { z } from 'zod';
import { orgOf } from '../auth.js';
import { commonErrors, IdParams, Run, RunItem } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const RunQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0).describe('The `next` value of the previous page of items.'),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

/** A pass over a destination and what it did to each file, for "why is this file not there?". */
export function runRoutes(app: ZodApp, { deps }: RouteContext): void {
  app.get('/runs/:id', {
    schema: {
      summary: 'One pass and its per-file outcomes',
      description: 'Items come a page at a time; pass `next` as `after` for the following page (null on the last one).',
      tags: ['destinations'], params: IdParams, querystring: RunQuery,
      response: { 200: z.object({ run: Run, items: z.array(RunItem), next: z.number().int().nullable() }), ...commonErrors },
    },
  }, async (request) => {
    const { after, limit } = request.query;
    const { run, items } = await deps.backup.run(orgOf(request), request.params.id, after, limit + 1);
    const page = items.slice(0, limit);
    return { run, items: page, next: items.length > limit ? page.at(-1)!.id : null };
  });
}
