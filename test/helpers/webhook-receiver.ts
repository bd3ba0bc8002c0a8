import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A webhook receiver on loopback for tests and the benchmark, with its own reading of the
 * Standard Webhooks specification (deliberately not Dossier's signer): the signed content is
 * `${webhook-id}.${webhook-timestamp}.${body}`, HMAC-SHA256 keyed with the base64 bytes after
 * `whsec_`, sent as space-separated `v1,<base64>` entries of which one must match, and a
 * timestamp more than five minutes away is refused.
 */
export function verifyStandardWebhook(secret: string, headers: IncomingHttpHeaders, body: string, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export interface Received { id: string; headers: IncomingHttpHeaders; body: string; json: { type: string; timestamp: string; data: Record<string, unknown> }; at: number }

/** What the receiver answers one request with; the default is 200 at once. */
export type Answer = (r: Received, nth: number) => Promise<{ status: number; body?: string; delayMs?: number }> | { status: number; body?: string; delayMs?: number };

export interface Receiver {
  url: string;
  /** Every request, in arrival order. */
  requests: Received[];
  /** Effects applied once per webhook-id, as a receiver that deduplicates does. */
  effects: Map<string, Received>;
  answer: Answer;
  close(): Promise<void>;
}

export async function startReceiver(answer: Answer = () => ({ status: 200 })): Promise<Receiver> {
  const requests: Received[] = [];
  const effects = new Map<string, Received>();
  const receiver: Receiver = { url: '', requests, effects, answer, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const r: Received = { id: String(req.headers['webhook-id']), headers: req.headers, body, json: JSON.parse(body) as Received['json'], at: Date.now() };
      requests.push(r);
      void Promise.resolve(receiver.answer(r, requests.filter((x) => x.id === r.id).length)).then(async (a) => {
        if (a.delayMs) await new Promise((done) => setTimeout(done, a.delayMs));
        if (a.status >= 200 && a.status < 300 && !effects.has(r.id)) effects.set(r.id, r);
        if (!res.destroyed) res.writeHead(a.status, { 'content-type': 'text/plain' }).end(a.body ?? 'ok');
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return receiver;
}
