import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendJsonBody as sendJson } from '../kit/http.js';
import { badRequest } from './errors.js';
import { peekCursor, pending } from './listing.js';
import type { Namespace, Node } from './namespace.js';

const ROUTE = 'files/list_folder/longpoll';
const STEP_MS = 50;

/**
 * list_folder/longpoll on the notify host (docs/providers/dropbox.md, "Change feed"): no Authorization, the
 * cursor says whose folder it is. Answers {"changes":true} as soon as continue would report
 * something, else {"changes":false} after `timeout` seconds (30..480), cut to `maxMs` here.
 */
export async function longpoll(
  arg: Record<string, unknown>, place: (user: string, view: string) => { ns: Namespace; base: Node }, maxMs: number,
  req: IncomingMessage, res: ServerResponse,
): Promise<void> {
  const c = peekCursor(arg.cursor, ROUTE);
  const timeout = arg.timeout ?? 30;
  if (!Number.isInteger(timeout) || (timeout as number) < 30 || (timeout as number) > 480) throw badRequest(ROUTE, 'request body: timeout: must be 30..480');
  const { ns, base } = place(c.user, c.view);
  const until = Date.now() + Math.min((timeout as number) * 1000, maxMs);
  let gone = false;
  res.on('close', () => { gone = true; });
  for (;;) {
    const changes = pending(ns, base, c).length > 0;
    if (changes || Date.now() >= until) return sendJson(res, 200, { changes });
    await sleep(STEP_MS);
    if (gone || req.socket.destroyed) return;
  }
}
