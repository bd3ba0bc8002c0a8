import { z } from 'zod';
import { orgOf, principalOf } from '../auth.js';
import { commonErrors, IdParams } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';
import type { MailMessage } from '../../catalog/mail-messages.js';

const tags = ['collection'];

const HeldMessage = z.object({
  messageKey: z.string().describe('The message\'s key in the channel: mid:<Message-ID>, or sha256:<hash of its bytes> when it has none.'),
  source: z.enum(['imap', 'smtp']),
  fromAddress: z.string().nullable().describe('The From address, as the message gives it.'),
  envelopeFrom: z.string().nullable().describe('SMTP only: the sender the envelope gave.'),
  subject: z.string().nullable(), sentAt: z.string().nullable(), receivedAt: z.string(),
  spf: z.string().nullable(), dkim: z.string().nullable(), dmarc: z.string().nullable(),
  outcome: z.string(), detail: z.string().nullable(),
}).meta({ id: 'HeldMessage' });

const MessageKey = z.strictObject({ messageKey: z.string().min(1).max(1000) });

const view = (m: MailMessage) => ({
  messageKey: m.messageKey, source: m.source, fromAddress: m.fromAddress, envelopeFrom: m.envelopeFrom, subject: m.subject, sentAt: m.sentAt,
  receivedAt: m.receivedAt, spf: m.spf, dkim: m.dkim, dmarc: m.dmarc, outcome: m.outcome, detail: m.detail,
});

/**
 * Messages an e-mail channel kept aside for review (their sender is not on its list and the
 * channel holds others): listed, then let in (filed as if the sender were listed) or refused
 * (nothing filed, the kept copy deleted). The message is named in the body: Message-IDs hold
 * characters a path would need escaped.
 */
export function heldMailRoutes(app: ZodApp, { deps }: RouteContext): void {
  const runs = deps.collect.runs;
  app.get('/channels/:id/held', {
    schema: {
      summary: 'An e-mail channel\'s messages held for review, newest first', tags, params: IdParams,
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: { 200: z.object({ items: z.array(HeldMessage) }), ...commonErrors },
    },
  }, async (request) => ({ items: (await runs.held(orgOf(request), request.params.id, request.query.limit)).map(view) }));

  app.post('/channels/:id/held/release', {
    schema: {
      summary: 'Let a held message in: its documents are filed now, in a run of their own', tags, params: IdParams, body: MessageKey,
      response: {
        200: z.object({ messageKey: z.string(), outcome: z.string(), detail: z.string().nullable(), filed: z.number().int().describe('Documents filed into the inbox.') }),
        ...commonErrors,
      },
    },
  }, async (request) => {
    const p = principalOf(request);
    const out = await runs.releaseHeld(p.orgId, request.params.id, request.body.messageKey, p.userId);
    return { messageKey: out.messageKey, outcome: out.outcome, detail: out.detail, filed: out.filed };
  });

  app.post('/channels/:id/held/refuse', {
    schema: {
      summary: 'Refuse a held message: nothing of it is filed, and the copy kept for review is deleted', tags, params: IdParams, body: MessageKey,
      response: { 200: HeldMessage, ...commonErrors },
    },
  }, async (request) => view(await runs.refuseHeld(orgOf(request), request.params.id, request.body.messageKey)));
}
