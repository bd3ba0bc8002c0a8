import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../../events/occurrences.js';
import { orgOf } from '../auth.js';
import { commonErrors, ErrorBody, IdParams } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['webhooks'];

const EventType = z.enum(WEBHOOK_EVENT_TYPES);
const Endpoint = z.object({
  id: z.string(), url: z.string(), description: z.string(), eventTypes: z.array(z.string()),
  state: z.enum(['enabled', 'disabled']).describe('disabled: by a user, or after a message could not be delivered for the whole retry window (stateReason says which).'),
  stateReason: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
}).meta({ id: 'WebhookEndpoint' });
const WithSecret = z.object({
  endpoint: Endpoint,
  secret: z.string().describe('The signing secret (whsec_...): shown only in this answer. Verify each message with it (docs/webhooks.md).'),
}).meta({ id: 'WebhookEndpointWithSecret' });
const Try = z.object({
  id: z.string(), at: z.string(), statusCode: z.number().nullable().describe('The receiver\'s HTTP status; null when it did not answer.'),
  responseBody: z.string().nullable().describe('The start of the receiver\'s answer (1 KiB at most).'), durationMs: z.number(), error: z.string().nullable(),
}).meta({ id: 'WebhookTry' });
const Delivery = z.object({
  seq: z.number().describe('Orders messages; replays a message by it.'), messageId: z.string().describe('The webhook-id header: the same on every try and replay.'),
  eventType: z.string(), state: z.enum(['pending', 'delivered', 'failed']), attempts: z.number(), nextAttemptAt: z.string().nullable(),
  createdAt: z.string(), finishedAt: z.string().nullable(), lastError: z.string().nullable(), tries: z.array(Try), payload: z.unknown(),
}).meta({ id: 'WebhookDelivery' });
const Url = z.string().trim().min(1).max(2000).describe('Where messages are POSTed: https://..., reachable under the server\'s egress policy.');
const SeqParams = z.object({ id: z.string(), seq: z.coerce.number().int().min(1) });

/**
 * Webhook endpoints of the organization (administrators only: the messages carry every
 * company's documents and inbox). Secrets are shown once, at creation and rotation.
 */
export function webhookRoutes(app: ZodApp, { deps }: RouteContext): void {
  const service = () => deps.webhooks!.service;

  app.get('/webhooks/event-types', {
    schema: { summary: 'The event types an endpoint may receive', tags, response: { 200: z.object({ items: z.array(EventType) }), 401: ErrorBody, 403: ErrorBody } },
  }, async () => ({ items: [...WEBHOOK_EVENT_TYPES] }));

  app.get('/webhooks', {
    schema: { summary: 'List the webhook endpoints', tags, response: { 200: z.object({ items: z.array(Endpoint) }), 401: ErrorBody, 403: ErrorBody } },
  }, async (request) => ({ items: await service().list(orgOf(request)) }));

  app.post('/webhooks', {
    schema: {
      summary: 'Add a webhook endpoint', description: 'Returns the signing secret once. Messages follow the Standard Webhooks specification (docs/webhooks.md).', tags,
      body: z.strictObject({ url: Url, description: z.string().max(500).optional(), eventTypes: z.array(EventType).min(1) }),
      response: { 201: WithSecret, ...commonErrors, 403: ErrorBody },
    },
  }, async (request, reply) => reply.code(201).send(await service().create(orgOf(request), request.body)));

  app.get('/webhooks/:id', {
    schema: { summary: 'One webhook endpoint', tags, params: IdParams, response: { 200: Endpoint, ...commonErrors, 403: ErrorBody } },
  }, async (request) => service().get(orgOf(request), request.params.id));

  app.patch('/webhooks/:id', {
    schema: {
      summary: 'Change a webhook endpoint', description: 'enabled: true brings back a disabled endpoint; messages that waited for it are sent.', tags, params: IdParams,
      body: z.strictObject({ url: Url.optional(), description: z.string().max(500).optional(), eventTypes: z.array(EventType).min(1).optional(), enabled: z.boolean().optional() }),
      response: { 200: Endpoint, ...commonErrors, 403: ErrorBody },
    },
  }, async (request) => service().update(orgOf(request), request.params.id, request.body));

  app.delete('/webhooks/:id', {
    schema: { summary: 'Remove a webhook endpoint and its delivery log', tags, params: IdParams, response: { 204: z.null(), ...commonErrors, 403: ErrorBody } },
  }, async (request, reply) => {
    await service().remove(orgOf(request), request.params.id);
    return reply.code(204).send(null);
  });

  app.post('/webhooks/:id/rotate-secret', {
    schema: {
      summary: 'Rotate the signing secret', description: 'Returns the new secret once. For 24 hours messages carry two signatures, one per secret, so receivers can switch without losing any.',
      tags, params: IdParams, response: { 200: WithSecret.extend({ previousValidUntil: z.string() }), ...commonErrors, 403: ErrorBody },
    },
  }, async (request) => service().rotate(orgOf(request), request.params.id));

  app.post('/webhooks/:id/test', {
    schema: { summary: 'Send a test event (webhook.test) to this endpoint', tags, params: IdParams, response: { 202: z.object({ messageId: z.string() }), ...commonErrors, 403: ErrorBody } },
  }, async (request, reply) => reply.code(202).send(await service().sendTest(orgOf(request), request.params.id)));

  app.get('/webhooks/:id/deliveries', {
    schema: {
      summary: 'The endpoint\'s messages, newest first, each with every try', tags, params: IdParams,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), before: z.coerce.number().int().min(1).optional() }),
      response: { 200: z.object({ items: z.array(Delivery) }), ...commonErrors, 403: ErrorBody },
    },
  }, async (request) => ({ items: await service().deliveries(orgOf(request), request.params.id, request.query) }));

  app.post('/webhooks/:id/deliveries/:seq/replay', {
    schema: {
      summary: 'Send a delivered or failed message again', description: 'With the same webhook-id: a receiver that already handled it can tell.', tags, params: SeqParams,
      response: { 202: Delivery, ...commonErrors, 403: ErrorBody, 409: ErrorBody },
    },
  }, async (request, reply) => reply.code(202).send(await service().replay(orgOf(request), request.params.id, request.params.seq)));
}
