import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { LiveEvent } from './event-types.js';
import type { LiveEvents } from './live.js';

const CHANNEL = 'dossier_live_events';
/** Wake-ups between processes: work one process wrote that another one does (webhook messages). */
const WAKE_CHANNEL = 'dossier_wake';
/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7900;
/** Progress of one run is sent on at most this often; starts and ends always, at once. */
const PROGRESS_EVERY_MS = 250;

type Progress = Extract<LiveEvent, { type: 'run.progress' | 'collect.progress' }>;

/**
 * Carries live events between the processes that share a PostgreSQL database (an API process
 * and its workers) with LISTEN/NOTIFY, so a pass a worker runs shows in the browser connected to
 * the API. Best effort, like the events themselves: while the connection is down nothing is
 * relayed, and the browser reads the status again when it reconnects. Progress is thinned out
 * (the latest of each run, every 250 ms): a pass of thousands of files must not cost a NOTIFY each.
 */
export class PostgresEventRelay {
  private readonly origin = randomUUID();
  private client: pg.Client | null = null;
  private stopped = false;
  private readonly pending = new Map<string, { event: Progress; timer: NodeJS.Timeout }>();
  private retryMs = 500;
  private sending: Promise<void> = Promise.resolve();
  private readonly wakeHandlers = new Map<string, (ids: readonly string[] | undefined) => void>();

  constructor(private readonly url: string, private readonly events: LiveEvents, private readonly log: Logger) {}

  async start(): Promise<void> {
    this.events.relayTo((event) => this.publish(event));
    await this.connect();
  }

  private async connect(): Promise<void> {
    // LISTEN needs a session of its own: a pooled connection would drop the subscription.
    const client = new pg.Client({ connectionString: this.url });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    client.on('notification', (msg) => {
      if (msg.channel === WAKE_CHANNEL && msg.payload) return this.woken(msg.payload);
      if (msg.channel !== CHANNEL || !msg.payload) return;
      try {
        const { o, e } = JSON.parse(msg.payload) as { o: string; e: LiveEvent };
        if (o !== this.origin) this.events.receive(e);
      } catch (err) {
        this.log.warn({ err }, 'ignored a live event that could not be read');
      }
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}; LISTEN ${WAKE_CHANNEL}`);
    this.client = client;
    this.retryMs = 500;
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.client !== client) return;
    this.client = null;
    if (this.stopped) return;
    this.log.warn({ err: err.message }, 'the live event relay lost its database connection; reconnecting');
    const retry = () => {
      if (this.stopped) return;
      this.connect().catch(() => { this.retryMs = Math.min(this.retryMs * 2, 30_000); setTimeout(retry, this.retryMs).unref(); });
    };
    setTimeout(retry, this.retryMs).unref();
  }

  private publish(event: LiveEvent): void {
    if (event.type === 'run.progress' || event.type === 'collect.progress') {
      const key = event.runId;
      const waiting = this.pending.get(key);
      if (waiting) { waiting.event = event; return; }
      const timer = setTimeout(() => this.flush(key), PROGRESS_EVERY_MS);
      timer.unref();
      this.pending.set(key, { event, timer });
      return;
    }
    // The last progress goes out before the end it precedes.
    if ('runId' in event) this.flush(event.runId);
    this.send(event);
  }

  private flush(runId: string): void {
    const waiting = this.pending.get(runId);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.pending.delete(runId);
    this.send(waiting.event);
  }

  private send(event: LiveEvent): void {
    const payload = JSON.stringify({ o: this.origin, e: event });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      this.log.warn({ type: event.type }, 'a live event too large for NOTIFY was not relayed');
      return;
    }
    this.notify(CHANNEL, payload);
  }

  private notify(channel: string, payload: string): void {
    const client = this.client;
    if (!client) return;
    // One after the other, in order, on the one connection.
    this.sending = this.sending.then(() => client.query('SELECT pg_notify($1, $2)', [channel, payload]))
      .then(() => undefined, (err: unknown) => this.log.warn({ err, channel }, 'could not relay a live event or wake-up'));
  }

  /**
   * Tells the other processes that there is work under `topic` (for the given ids, or all of it).
   * Best effort: whoever does that work still looks now and then on its own, so a wake-up lost
   * while the connection is down only comes later. Call it once the work is committed.
   */
  wake(topic: string, ids?: readonly string[]): void {
    let payload = JSON.stringify({ o: this.origin, t: topic, ids });
    // Too many ids for one NOTIFY: the receiver looks at all of its work instead.
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) payload = JSON.stringify({ o: this.origin, t: topic });
    this.notify(WAKE_CHANNEL, payload);
  }

  /** What to do when another process wakes `topic` (ids undefined: look at all of it). */
  onWake(topic: string, handler: (ids: readonly string[] | undefined) => void): void {
    this.wakeHandlers.set(topic, handler);
  }

  private woken(payload: string): void {
    try {
      const { o, t, ids } = JSON.parse(payload) as { o: string; t: string; ids?: string[] };
      if (o !== this.origin) this.wakeHandlers.get(t)?.(ids);
    } catch (err) {
      this.log.warn({ err }, 'ignored a wake-up that could not be read');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const key of [...this.pending.keys()]) this.flush(key);
    await this.sending;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
