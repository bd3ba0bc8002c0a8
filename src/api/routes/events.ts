import { z } from 'zod';
import type { LiveEvent } from '../../events/live.js';
import { DomainError } from '../../domain/errors.js';
import { orgOf } from '../auth.js';
import { commonErrors, Id } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const HEARTBEAT_MS = 20_000;

/**
 * Server-sent events: passes starting, progressing and finishing, and destinations changing
 * state, for this organization only. A browser's EventSource sends the session cookie; a
 * script sends its API key and reads the stream.
 */
export function eventRoutes(app: ZodApp, { deps }: RouteContext): void {
  // Streams never go idle, so the server could not close while one is open: end them first.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => { for (const end of [...open]) end(); });
  app.get('/events', {
    schema: {
      summary: 'Live progress of backups (text/event-stream)',
      description: 'Each message has an event name (run.started, run.progress, run.finished, destination.changed) and a JSON body with destinationId and runId; collection runs send collect.started, collect.progress and collect.finished with channelId and runId; exports send export.progress (done, total) and export.finished (state) with exportId. Only passes run by this server process are seen: after a reconnect, read the status again.',
      tags: ['destinations'], produces: ['text/event-stream'],
      querystring: z.strictObject({
        destinationId: Id.optional().describe('Only this destination\'s events.'),
        channelId: Id.optional().describe('Only this collection channel\'s events.'),
        exportId: Id.optional().describe('Only this export\'s events.'),
      }),
      response: { 200: z.string().describe('An event stream.'), ...commonErrors },
    },
  }, async (request, reply) => {
    const orgId = orgOf(request);
    const events = deps.events;
    if (!events) throw new DomainError('unavailable', 'Live events are not available in this installation.', { reason: 'live_events_unavailable' });
    const { destinationId, channelId, exportId } = request.query;
    if (destinationId) await deps.backup.get(orgId, destinationId);
    if (channelId) await deps.collect.channels.get(orgId, channelId);
    reply.hijack();
    // A stream is meant to stay open: exempt from the idle timeout (DOSSIER_IDLE_TIMEOUT_MS).
    // The request timeout does not apply: the request itself was received whole.
    request.raw.socket.setTimeout(0);
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Proxies such as nginx would otherwise hold messages back until a buffer fills.
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const send = (e: LiveEvent) => {
      if (e.orgId !== orgId) return;
      if (destinationId && (!('destinationId' in e) || e.destinationId !== destinationId)) return;
      if (channelId && (!('channelId' in e) || e.channelId !== channelId)) return;
      if (exportId && (!('exportId' in e) || e.exportId !== exportId)) return;
      const { orgId: _org, type, ...body } = e;
      res.write(`event: ${type}\ndata: ${JSON.stringify(body)}\n\n`);
    };
    const unsubscribe = events.subscribe(send);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const end = () => { clearInterval(heartbeat); unsubscribe(); open.delete(end); if (!res.writableEnded) res.end(); };
    open.add(end);
    request.raw.on('close', end);
    res.on('error', end);
  });
}
