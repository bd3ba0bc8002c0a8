import { z } from 'zod';
import { LANGUAGES } from '../../domain/documents.js';
import { ALERT_KINDS } from '../../alerts/service.js';
import { principalOf } from '../auth.js';
import { commonErrors, ErrorBody } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['users'];

const AlertSettings = z.object({
  language: z.enum(LANGUAGES).describe('The language of your alert mails.'),
  kinds: z.array(z.enum(ALERT_KINDS)).describe('needs_attention: a backup, channel or webhook endpoint stopped (one mail per incident); connection_expired; client_connected: a client connected their folder; daily_digest.'),
  chosen: z.boolean().describe('false: you never chose, these are the defaults for your role.'),
}).meta({ id: 'AlertSettings' });

/** Each user's own alert mails: what, and in which language. */
export function alertRoutes(app: ZodApp, { deps }: RouteContext): void {
  app.get('/users/me/alerts', {
    schema: { summary: 'Your alert mail settings', tags, response: { 200: AlertSettings, 401: ErrorBody } },
  }, async (request) => {
    const p = principalOf(request);
    return deps.alerts!.settings(p.orgId, p.userId, p.admin ? 'admin' : 'member');
  });

  app.put('/users/me/alerts', {
    schema: {
      summary: 'Choose your alert mails', tags,
      body: z.strictObject({ language: z.enum(LANGUAGES).optional(), kinds: z.array(z.enum(ALERT_KINDS)).optional() }),
      response: { 200: AlertSettings, ...commonErrors },
    },
  }, async (request) => {
    const p = principalOf(request);
    return deps.alerts!.choose(p.orgId, p.userId, p.admin ? 'admin' : 'member', request.body);
  });
}
