import { z } from 'zod';
import { DOCUMENT_TYPES } from '../../domain/documents.js';
import { LAYOUT_PRESETS, LAYOUT_TOKENS } from '../../domain/layout.js';
import { orgOf } from '../auth.js';
import { commonErrors, Id, IsoDate } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['layouts'];
const DEFAULT_LAYOUT = 'company-year-type';

const Layouts = z.object({
  default: z.string(),
  presets: z.array(z.object({ name: z.string(), template: z.string() })),
  tokens: z.array(z.string()).describe('What a template may use, each written as {token}.'),
}).meta({ id: 'Layouts' });

const Optional = z.string().trim().min(1).max(500).nullable().default(null);

const PreviewInput = z.strictObject({
  layout: z.string().min(1).max(500).optional().describe('Preset or template; the destination\'s, else the default.'),
  destinationId: Id.optional(),
  kind: z.string().optional().describe('Destination kind whose name rules apply; the destination\'s, else "local".'),
  companyId: Id.optional(),
  documentId: Id.optional().describe('A real document; or describe one in `document`.'),
  document: z.strictObject({
    type: z.enum(DOCUMENT_TYPES),
    number: Optional,
    date: IsoDate,
    counterparty: Optional,
    businessAccount: Optional,
    filename: z.string().min(1).max(255),
  }).optional(),
});

/** Folder layouts: what exists, and where a document would land before anything is written. */
export function layoutRoutes(app: ZodApp, { deps }: RouteContext): void {
  app.get('/layouts', {
    schema: { summary: 'The layout presets and tokens', tags, response: { 200: Layouts, 401: commonErrors[401] } },
  }, async () => ({
    default: DEFAULT_LAYOUT,
    presets: Object.entries(LAYOUT_PRESETS).map(([name, template]) => ({ name, template })),
    tokens: [...LAYOUT_TOKENS],
  }));

  app.post('/layouts/preview', {
    schema: {
      summary: 'Where a document would land',
      description: 'Give a layout or a destination, a company (or a destination or real document that has one), and a document or its description.',
      tags, body: PreviewInput, response: { 200: z.object({ path: z.string() }), ...commonErrors },
    },
  }, async (request) => ({ path: await deps.backup.preview(orgOf(request), request.body) }));
}
