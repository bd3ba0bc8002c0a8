import { z } from 'zod';
import { MAX_RETENTION_YEARS, PRESET_IDS, RETENTION_PRESETS } from '../../domain/retention.js';
import { actorOf, orgOf } from '../auth.js';
import { commonErrors, ErrorBody, IdParams } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const RetentionPolicy = z.object({
  companyId: z.string(),
  preset: z.enum(PRESET_IDS as [string, ...string[]]).nullable().describe(`A country's period: ${PRESET_IDS.map((p) => `${p} = ${RETENTION_PRESETS[p].title}`).join(', ')}.`),
  years: z.number().int().describe('Documents are kept this many years from the end of their year.'),
  legalHold: z.boolean().describe('While on, no document of the company is deleted, whatever its age.'),
  holdReason: z.string().nullable(),
}).meta({ id: 'RetentionPolicy' });

const PolicyChange = z.strictObject({
  preset: z.enum(PRESET_IDS as [string, ...string[]]).optional(),
  years: z.number().int().min(1).max(MAX_RETENTION_YEARS).optional(),
  legalHold: z.boolean().optional(),
  holdReason: z.string().max(500).nullable().optional(),
});

const refused = { 409: ErrorBody.describe('`retention_period`: the document is inside its retention period; `legal_hold`: it or its company is under a legal hold.') };

/** A company's retention period and legal hold, a document's hold, and the deletion of a document past its period. */
export function retentionRoutes(app: ZodApp, { deps }: RouteContext): void {
  app.get('/companies/:id/retention', {
    schema: { summary: 'A company\'s retention period and legal hold', description: 'Without a policy of its own, a company keeps its documents 10 years.', tags: ['companies'], params: IdParams, response: { 200: RetentionPolicy, ...commonErrors } },
  }, async (request) => deps.retention.policy(orgOf(request), request.params.id));

  app.put('/companies/:id/retention', {
    schema: { summary: 'Set a company\'s retention period or legal hold', tags: ['companies'], params: IdParams, body: PolicyChange, response: { 200: RetentionPolicy, ...commonErrors } },
  }, async (request) => deps.retention.setPolicy(orgOf(request), request.params.id, request.body as Parameters<typeof deps.retention.setPolicy>[2], actorOf(request)));

  app.put('/documents/:id/hold', {
    schema: { summary: 'Put a document under a legal hold, or lift it', tags: ['documents'], params: IdParams, body: z.strictObject({ legalHold: z.boolean() }), response: { 204: z.null(), ...commonErrors } },
  }, async (request, reply) => {
    await deps.retention.setDocumentHold(orgOf(request), request.params.id, request.body.legalHold, actorOf(request));
    return reply.code(204).send(null);
  });

  app.delete('/documents/:id', {
    schema: {
      summary: 'Delete a document past its retention period',
      description: 'Refused (409) while the document is inside its company\'s retention period or under a legal hold. Copies at destinations stay where they are.',
      tags: ['documents'], params: IdParams, response: { 204: z.null().describe('Deleted'), ...commonErrors, ...refused },
    },
  }, async (request, reply) => {
    await deps.retention.deleteDocument(orgOf(request), request.params.id, actorOf(request));
    return reply.code(204).send(null);
  });
}
