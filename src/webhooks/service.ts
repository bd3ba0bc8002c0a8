import type { Logger } from 'pino';
import type { Db } from '../catalog/db.js';
import { newId } from '../domain/ids.js';
import { DomainError } from '../domain/errors.js';
import { isConnectorError } from '../connectors/connector.js';
import type { EgressPolicy } from '../connectors/kit/egress.js';
import {
  attemptsOf, deleteEndpoint, enqueueMessages, getEndpoint, getMessage, insertEndpoint, listEndpoints, listMessages, requeueMessage,
  enabledEndpoints, updateEndpoint, type Attempt, type Endpoint, type EndpointState, type Message, type MessageState,
} from '../catalog/webhooks.js';
import { WEBHOOK_EVENT_TYPES, type Occurrence, type WebhookEventType } from '../events/occurrences.js';
import { newSigningSecret } from './signature.js';

/**
 * Webhook endpoints of an organization and the outbox they are fed from. `announce` is the one
 * way events get in: it writes a message per subscribed endpoint and nudges the delivery; the
 * HTTP happens in delivery.ts, never on the caller's path.
 */
export interface WebhookServiceDeps {
  db: Db;
  log: Logger;
  egress: EgressPolicy;
  seal(value: unknown): string;
  open<T>(sealed: string): T;
  /** Nudges the delivery in this process after messages were written to these endpoints (none named: any). */
  wake?(endpointIds?: readonly string[]): void;
  clock?: () => Date;
  /** How long the previous secret stays valid after a rotation. */
  rotationOverlapMs?: number;
  /** Told when a user enables an endpoint again (its alert incident closes). */
  onEnabled?(orgId: string, endpointId: string): Promise<void>;
}

/** The sealed form of an endpoint's secrets: the current one and, during a rotation, the one before. */
interface Secrets { current: string; previous?: { secret: string; until: string } }

/** The endpoint as the API shows it: never a secret. */
export interface EndpointView { id: string; url: string; description: string; eventTypes: string[]; state: EndpointState; stateReason: string | null; createdAt: string; updatedAt: string }
const view = (e: Endpoint): EndpointView => ({
  id: e.id, url: e.url, description: e.description, eventTypes: e.eventTypes, state: e.state, stateReason: e.stateReason, createdAt: e.createdAt, updatedAt: e.updatedAt,
});

export interface DeliveryView {
  seq: number; messageId: string; eventType: string; state: MessageState; attempts: number; nextAttemptAt: string | null; createdAt: string;
  finishedAt: string | null; lastError: string | null; tries: Attempt[]; payload: unknown;
}

export const DEFAULT_ROTATION_OVERLAP_MS = 24 * 3_600_000;

export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  /** The secrets a message is signed with now: the current one, and the previous during its overlap. */
  secretsOf(sealed: string): string[] {
    const s = this.deps.open<Secrets>(sealed);
    return s.previous && Date.parse(s.previous.until) > this.now().getTime() ? [s.current, s.previous.secret] : [s.current];
  }

  private async checkUrl(raw: string): Promise<string> {
    let url: URL;
    try { url = new URL(raw); } catch { throw new DomainError('invalid_input', `"${raw}" is not a URL: give the full address, such as https://app.example.com/hooks/dossier.`, { reason: 'webhook_url_invalid' }); }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DomainError('invalid_input', 'A webhook URL starts with https:// (or http://).', { reason: 'webhook_url_invalid' });
    if (url.username || url.password) throw new DomainError('invalid_input', 'Put no user name or password in a webhook URL: the signature proves the sender.', { reason: 'webhook_url_invalid' });
    try {
      await this.deps.egress.resolve(url.hostname);
    } catch (e) {
      if (isConnectorError(e) && e.kind === 'permission_denied') throw new DomainError('invalid_input', e.message, { reason: 'address_refused', params: { host: url.hostname } });
      // A name that does not resolve yet is allowed: the deliveries will say so.
    }
    return url.toString();
  }

  private static types(types: readonly string[]): WebhookEventType[] {
    const unknown = types.filter((t) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(t));
    if (unknown.length > 0) throw new DomainError('invalid_input', `Unknown event types: ${unknown.join(', ')}. Choose among ${WEBHOOK_EVENT_TYPES.join(', ')}.`, { reason: 'choice_unknown', params: { field: 'events', values: unknown.join(', '), choices: WEBHOOK_EVENT_TYPES.join(', ') } });
    return [...new Set(types)] as WebhookEventType[];
  }

  /** A new endpoint, and its signing secret: shown only in this answer. */
  async create(orgId: string, input: { url: string; description?: string; eventTypes: string[] }): Promise<{ endpoint: EndpointView; secret: string }> {
    const url = await this.checkUrl(input.url);
    const secret = newSigningSecret();
    const e = await insertEndpoint(this.deps.db, orgId, {
      url, description: input.description ?? '', eventTypes: WebhookService.types(input.eventTypes), sealedSecrets: this.deps.seal({ current: secret } satisfies Secrets),
    });
    return { endpoint: view(e), secret };
  }

  async list(orgId: string): Promise<EndpointView[]> {
    return (await listEndpoints(this.deps.db, orgId)).map(view);
  }

  async get(orgId: string, id: string): Promise<EndpointView> {
    return view(await getEndpoint(this.deps.db, orgId, id));
  }

  /** Changes what and where; `enabled: true` brings a disabled endpoint back, with what waited for it. */
  async update(orgId: string, id: string, p: { url?: string; description?: string; eventTypes?: string[]; enabled?: boolean }): Promise<EndpointView> {
    await getEndpoint(this.deps.db, orgId, id);
    const e = await updateEndpoint(this.deps.db, orgId, id, {
      ...(p.url !== undefined && { url: await this.checkUrl(p.url) }),
      ...(p.description !== undefined && { description: p.description }),
      ...(p.eventTypes && { eventTypes: WebhookService.types(p.eventTypes) }),
      ...(p.enabled === true && { state: 'enabled' as const, stateReason: null }),
      ...(p.enabled === false && { state: 'disabled' as const, stateReason: 'Disabled by a user.' }),
    });
    if (p.enabled) {
      await this.deps.onEnabled?.(orgId, id);
      this.deps.wake?.();
    }
    return view(e);
  }

  /** A new secret; the old one keeps working (both signatures are sent) for the overlap. */
  async rotate(orgId: string, id: string): Promise<{ endpoint: EndpointView; secret: string; previousValidUntil: string }> {
    const e = await getEndpoint(this.deps.db, orgId, id);
    const old = this.deps.open<Secrets>(e.sealedSecrets);
    const secret = newSigningSecret();
    const until = new Date(this.now().getTime() + (this.deps.rotationOverlapMs ?? DEFAULT_ROTATION_OVERLAP_MS)).toISOString();
    const next = await updateEndpoint(this.deps.db, orgId, id, { sealedSecrets: this.deps.seal({ current: secret, previous: { secret: old.current, until } } satisfies Secrets) });
    return { endpoint: view(next), secret, previousValidUntil: until };
  }

  async remove(orgId: string, id: string): Promise<void> {
    await deleteEndpoint(this.deps.db, orgId, id);
  }

  /**
   * Records each event for every endpoint that wants it, in the given order; the delivery sends
   * them. The endpoints are read once per organization of the batch, in the same call.
   */
  readonly announce = async (occurrences: Occurrence | readonly Occurrence[]): Promise<void> => {
    const list = (Array.isArray(occurrences) ? occurrences : [occurrences]) as readonly Occurrence[];
    const endpointsOf = new Map<string, Promise<Array<{ id: string; eventTypes: string[] }>>>();
    for (const o of list) {
      if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(o.type)) continue;
      let endpoints = endpointsOf.get(o.orgId);
      if (!endpoints) endpointsOf.set(o.orgId, endpoints = enabledEndpoints(this.deps.db, o.orgId));
      const ids = (await endpoints).filter((x) => x.eventTypes.includes(o.type)).map((x) => x.id);
      if (ids.length > 0) await this.write(o.orgId, ids, o.type, o.subject, o.data);
    }
  };

  private async write(orgId: string, endpointIds: string[], type: string, orderKey: string, data: Record<string, unknown>): Promise<string> {
    const at = this.now().toISOString();
    const id = newId('msg');
    const payload = JSON.stringify({ type, timestamp: at, data });
    await enqueueMessages(this.deps.db, { id, orgId, endpointIds, eventType: type, orderKey, payload, at });
    this.deps.wake?.(endpointIds);
    return id;
  }

  /** A `webhook.test` event to this endpoint alone, sent like any other. */
  async sendTest(orgId: string, id: string): Promise<{ messageId: string }> {
    const e = await getEndpoint(this.deps.db, orgId, id);
    const messageId = await this.write(orgId, [e.id], 'webhook.test', `test:${e.id}`, { endpointId: e.id, message: 'A test event from Dossier.' });
    return { messageId };
  }

  async deliveries(orgId: string, endpointId: string, opts: { limit?: number; before?: number } = {}): Promise<DeliveryView[]> {
    await getEndpoint(this.deps.db, orgId, endpointId);
    const messages = await listMessages(this.deps.db, orgId, endpointId, opts.limit ?? 50, opts.before);
    const tries = await attemptsOf(this.deps.db, orgId, messages.map((m) => m.seq));
    return messages.map((m) => deliveryView(m, tries.get(m.seq) ?? []));
  }

  /** Sends one message again, with the same webhook-id (a receiver that saw it can tell). */
  async replay(orgId: string, endpointId: string, seq: number): Promise<DeliveryView> {
    const m = await getMessage(this.deps.db, orgId, endpointId, seq);
    if (m.state === 'pending') throw new DomainError('conflict', 'This message is still being delivered: wait for it to be delivered or given up.', { reason: 'webhook_delivery_pending' });
    await requeueMessage(this.deps.db, orgId, seq, this.now().toISOString());
    this.deps.wake?.([endpointId]);
    const again = await getMessage(this.deps.db, orgId, endpointId, seq);
    return deliveryView(again, (await attemptsOf(this.deps.db, orgId, [seq])).get(seq) ?? []);
  }
}

function deliveryView(m: Message, tries: Attempt[]): DeliveryView {
  return {
    seq: m.seq, messageId: m.id, eventType: m.eventType, state: m.state, attempts: m.attempts, nextAttemptAt: m.state === 'pending' ? m.nextAttemptAt : null,
    createdAt: m.createdAt, finishedAt: m.finishedAt, lastError: m.lastError, tries, payload: JSON.parse(m.payload) as unknown,
  };
}
