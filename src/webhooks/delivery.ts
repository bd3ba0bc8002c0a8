import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import type { Logger } from 'pino';
import type { Db } from '../catalog/db.js';
import { LEASE_OWNER } from '../catalog/leases.js';
import { claimDueMessages, endpointsWithDueMessages, getEndpoint, nextDueAt, settleAttempt, settleDelivered, updateEndpoint, type AttemptRecord, type Endpoint, type Message } from '../catalog/webhooks.js';
import type { EgressPolicy } from '../connectors/kit/egress.js';
import { signedHeaders } from './signature.js';
import { nextAttemptAt } from './schedule.js';
import { afterCommit } from '../catalog/unit-of-work.js';

/**
 * Sends the outbox to the receivers, apart from everything else: backups and collection only
 * write a row (announce) and never wait for a receiver. Each endpoint has its own number of
 * deliveries in flight, so one slow or dead receiver uses up only its own slots; several
 * processes share the outbox through leases on its rows.
 */
export interface DeliveryDeps {
  db: Db;
  log: Logger;
  egress: EgressPolicy;
  /** Opens the endpoint's valid signing secrets. */
  secretsOf(sealed: string): string[];
  timeoutMs: number;
  concurrency: number;
  retryWindowMs: number;
  /** Milliseconds before the first retry; later ones grow from it (tests shorten it). */
  firstRetryMs?: number;
  /** How often to look for work another process queued or a retry that came due. */
  pollMs?: number;
  clock?: () => Date;
  /** Told when an endpoint is disabled after its retry window, to raise an alert. */
  onDisabled?(orgId: string, endpointId: string, reason: string): Promise<void>;
  owner?: string;
}


/** What a receiver's answer body is kept to, in characters. */
export const RESPONSE_BODY_LIMIT = 1024;

export class WebhookDelivery {
  private readonly inFlight = new Map<string, number>();
  private readonly queued = new Map<string, Message[]>();
  private readonly running = new Set<Promise<void>>();
  private readonly agent: Agent;
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;
  private again = false;
  private stopped = true;
  private readonly owner: string;
  private readonly clock: () => Date;

  constructor(private readonly deps: DeliveryDeps) {
    // The egress policy picks the address: an endpoint on a private network is refused unless allowed.
    this.agent = new Agent({ connect: { lookup: deps.egress.lookup, timeout: deps.timeoutMs }, connections: deps.concurrency * 64 });
    this.owner = deps.owner ?? LEASE_OWNER;
    this.clock = deps.clock ?? (() => new Date());
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Endpoints to claim for on the next pump; 'all' looks through the whole outbox. */
  private wanted: Set<string> | 'all' = new Set();

  /**
   * Claims what is due now: for the given endpoints (announce names those it wrote to, a
   * finished delivery its own), or for every endpoint with due work (start, the poll, an
   * endpoint enabled again). Wakes while a pump runs are gathered into the next one.
   */
  wake(endpointIds?: readonly string[]): void {
    // Asked inside a unit of work (an API change that announced something): its messages are
    // there to claim only once it commits, and the claim must not join its transaction.
    afterCommit(() => this.wakeNow(endpointIds));
  }

  private wakeNow(endpointIds?: readonly string[]): void {
    if (this.stopped) return;
    if (!endpointIds) this.wanted = 'all';
    else if (this.wanted !== 'all') for (const id of endpointIds) this.wanted.add(id);
    if (this.pumping) { this.again = true; return; }
    this.pumping = true;
    // One turn later: the wakes of the deliveries that finished together make one claim each endpoint.
    setImmediate(() => {
      const wanted = this.wanted;
      this.wanted = new Set();
      void this.pump(wanted).catch((err) => this.deps.log.error({ err }, 'webhook delivery could not read the outbox'))
        .finally(() => {
          this.pumping = false;
          if (this.again) { this.again = false; this.wakeNow([]); } else if (wanted === 'all' || !this.timer) void this.sleep();
        });
    });
  }

  /**
   * Sets the poll: for work another process queued and for retries coming due. Computed after a
   * look through the whole outbox, not after each targeted claim (at a hundred events a second
   * that would be a hundred scans of the outbox a second).
   */
  private async sleep(): Promise<void> {
    if (this.stopped) return;
    const poll = this.deps.pollMs ?? 1000;
    let wait = poll;
    const due = await nextDueAt(this.deps.db).catch(() => null);
    if (due) wait = Math.max(10, Math.min(poll, Date.parse(due) - this.clock().getTime()));
    this.pollIn(wait);
  }

  /** A look through the whole outbox in `wait` ms, unless one comes sooner already. */
  private pollIn(wait: number): void {
    if (this.stopped) return;
    const at = Date.now() + wait;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => { this.timer = null; this.wake(); }, wait);
    this.timer.unref();
  }
  private timerAt = 0;

  /** In flight and claimed but waiting for a slot, for one endpoint. */
  private load(endpointId: string): number {
    return (this.inFlight.get(endpointId) ?? 0) + (this.queued.get(endpointId)?.length ?? 0);
  }

  /**
   * Claims what is due into per-endpoint queues, one endpoint at a time, up to twice its
   * concurrency: a slow receiver's backlog stays in the database (where another process may
   * take it) and is never read, nor waited for, on another endpoint's claim.
   */
  private async pump(wanted: Set<string> | 'all'): Promise<void> {
    const ids = wanted === 'all' ? await endpointsWithDueMessages(this.deps.db, this.clock()) : [...wanted];
    for (const id of ids) {
      for (;;) {
        const room = this.deps.concurrency * 2 - this.load(id);
        if (room <= 0 || this.stopped) break;
        const claimed = await claimDueMessages(this.deps.db, {
          owner: this.owner, at: this.clock(), leaseMs: this.deps.timeoutMs * 3 + 30_000, limit: room, endpointId: id,
        });
        if (claimed.length > 0) {
          const q = this.queued.get(id) ?? [];
          q.push(...claimed);
          this.queued.set(id, q);
          this.startQueued(id);
        }
        if (claimed.length < room) break;
      }
    }
  }

  /** Starts the endpoint's claimed messages while it has free slots, oldest first. */
  private startQueued(endpointId: string): void {
    const q = this.queued.get(endpointId);
    while (q && q.length > 0 && (this.inFlight.get(endpointId) ?? 0) < this.deps.concurrency && !this.stopped) {
      const m = q.shift()!;
      this.inFlight.set(endpointId, (this.inFlight.get(endpointId) ?? 0) + 1);
      const p = this.deliver(m).catch((err) => this.deps.log.error({ err, endpoint: m.endpointId }, 'a webhook delivery failed to record'))
        .finally(() => {
          this.inFlight.set(endpointId, this.inFlight.get(endpointId)! - 1);
          this.running.delete(p);
          this.startQueued(endpointId);
          // Running low: claim more (the next event of the same object is claimable only now).
          if (this.load(endpointId) < this.deps.concurrency) this.wake([endpointId]);
        });
      this.running.add(p);
    }
    if (q && q.length === 0) this.queued.delete(endpointId);
  }

  /** Gives claimed messages not yet started back to the outbox (on stop), for any process to take. */
  private async releaseQueued(): Promise<void> {
    const seqs = [...this.queued.values()].flat().map((m) => m.seq);
    this.queued.clear();
    if (seqs.length === 0) return;
    await this.deps.db.updateTable('webhook_messages').set({ lease_owner: null, lease_until: null }).where('seq', 'in', seqs).where('lease_owner', '=', this.owner).execute();
  }

  /** One try of one message, recorded with the receiver's answer and what comes next. */
  private async deliver(m: Message): Promise<void> {
    const endpoint = await this.endpoint(m);
    const at = this.clock();
    const result = await this.post(endpoint.url, this.deps.secretsOf(endpoint.sealedSecrets), m, at);
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    if (ok) {
      await this.delivered(m, { ...result, at: at.toISOString() });
      return;
    }
    const retryAt = nextAttemptAt(m.attempts + 1, at, this.deps.firstRetryMs);
    if (retryAt.getTime() - Date.parse(m.createdAt) <= this.deps.retryWindowMs) {
      await settleAttempt(this.deps.db, m, this.owner, { ...result, at: at.toISOString() }, { state: 'pending', retryAt: retryAt.toISOString() });
      this.pollIn(Math.max(10, retryAt.getTime() - this.clock().getTime()));
      return;
    }
    await settleAttempt(this.deps.db, m, this.owner, { ...result, at: at.toISOString() }, { state: 'failed' });
    const hours = Math.round(this.deps.retryWindowMs / 360_000) / 10;
    const reason = `Disabled: a message could not be delivered for ${hours} hours (last answer: ${result.error ?? `HTTP ${result.statusCode}`}). Fix the receiver, then enable the endpoint again.`;
    await updateEndpoint(this.deps.db, m.orgId, m.endpointId, { state: 'disabled', stateReason: reason });
    this.deps.log.warn({ endpoint: m.endpointId, reason }, 'webhook endpoint disabled');
    await this.deps.onDisabled?.(m.orgId, m.endpointId, reason).catch((err) => this.deps.log.error({ err }, 'could not raise the alert for a disabled webhook endpoint'));
  }

  private batch: Array<{ m: Message; a: AttemptRecord & { at: string } }> = [];
  private flushing: Promise<void> | null = null;

  /** Successful tries are recorded together, a few milliseconds apart; resolves once this one is. */
  private delivered(m: Message, a: AttemptRecord & { at: string }): Promise<void> {
    this.batch.push({ m, a });
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const batch = this.batch;
      this.batch = [];
      this.flushing = null;
      await settleDelivered(this.deps.db, this.owner, batch);
    });
    return this.flushing;
  }

  /**
   * The endpoint's URL and secrets, read at most once a second per endpoint: at a hundred
   * messages a second the lookups would cost more than the sending. A change (a new URL, a
   * rotated secret) is seen within that second.
   */
  private readonly endpoints = new Map<string, { at: number; value: Promise<Endpoint> }>();
  private endpoint(m: Message): Promise<Endpoint> {
    const cached = this.endpoints.get(m.endpointId);
    if (cached && Date.now() - cached.at < 1000) return cached.value;
    const value = getEndpoint(this.deps.db, m.orgId, m.endpointId);
    this.endpoints.set(m.endpointId, { at: Date.now(), value });
    value.catch(() => this.endpoints.delete(m.endpointId));
    return value;
  }

  private async post(url: string, secrets: string[], m: Message, at: Date): Promise<AttemptRecord> {
    const started = performance.now();
    const duration = () => Math.round(performance.now() - started);
    try {
      // An address in the URL is never looked up, so the agent's lookup would not see it: checked here.
      const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
      if (isIP(host)) await this.deps.egress.resolve(host);
      const res = await request(url, {
        method: 'POST', dispatcher: this.agent, body: m.payload, signal: AbortSignal.timeout(this.deps.timeoutMs),
        headers: { 'content-type': 'application/json', 'user-agent': 'Dossier-Webhooks', ...signedHeaders(secrets, m.id, at, m.payload) },
        headersTimeout: this.deps.timeoutMs, bodyTimeout: this.deps.timeoutMs,
      });
      const text = await res.body.text();
      return { statusCode: res.statusCode, responseBody: text.slice(0, RESPONSE_BODY_LIMIT), durationMs: duration(), error: res.statusCode >= 300 ? `HTTP ${res.statusCode}` : null };
    } catch (e) {
      const err = e as Error & { code?: string; cause?: { code?: string } };
      const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError' || /timeout/i.test(err.code ?? '');
      const message = timedOut ? `No answer within ${this.deps.timeoutMs / 1000} s` : err.message;
      return { statusCode: null, responseBody: null, durationMs: duration(), error: message };
    }
  }

  /** Stops looking for work and waits for the deliveries in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.pumping) await new Promise((r) => setTimeout(r, 5));
    await this.releaseQueued();
    await Promise.allSettled([...this.running]);
    await this.agent.close();
  }

  /** Resolves once nothing is in flight and nothing is due now (tests and the benchmark). */
  async idle(): Promise<void> {
    for (;;) {
      while (this.pumping || this.running.size > 0 || this.queued.size > 0) {
        await Promise.allSettled([...this.running]);
        await new Promise((r) => setTimeout(r, 5));
      }
      const due = await nextDueAt(this.deps.db);
      if (!due || Date.parse(due) > this.clock().getTime()) return;
      this.wake();
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
