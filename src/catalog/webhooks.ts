import { sql } from 'kysely';
import { newId } from '../domain/ids.js';
import { notFound } from '../domain/errors.js';
import { now, type Db } from './db.js';

/**
 * Webhook endpoints, the outbox of messages to them, and every delivery attempt
 * (migration 013). The signing secrets are stored sealed; this file never sees them in clear.
 */
export type EndpointState = 'enabled' | 'disabled';
export interface Endpoint {
  id: string; orgId: string; url: string; description: string; eventTypes: string[]; sealedSecrets: string;
  state: EndpointState; stateReason: string | null; createdAt: string; updatedAt: string;
}

type EndpointRecord = { id: string; org_id: string; url: string; description: string; event_types: string; secrets: string; state: string; state_reason: string | null; created_at: string; updated_at: string };
const toEndpoint = (r: EndpointRecord): Endpoint => ({
  id: r.id, orgId: r.org_id, url: r.url, description: r.description, eventTypes: JSON.parse(r.event_types) as string[], sealedSecrets: r.secrets,
  state: r.state as EndpointState, stateReason: r.state_reason, createdAt: r.created_at, updatedAt: r.updated_at,
});

export async function insertEndpoint(db: Db, orgId: string, e: { url: string; description: string; eventTypes: string[]; sealedSecrets: string }): Promise<Endpoint> {
  const at = now();
  const row = {
    id: newId('whe'), org_id: orgId, url: e.url, description: e.description, event_types: JSON.stringify(e.eventTypes), secrets: e.sealedSecrets,
    state: 'enabled', state_reason: null, created_at: at, updated_at: at,
  };
  await db.insertInto('webhook_endpoints').values(row).execute();
  return toEndpoint(row);
}

export async function getEndpoint(db: Db, orgId: string, id: string): Promise<Endpoint> {
  const r = await db.selectFrom('webhook_endpoints').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('Webhook endpoint', id);
  return toEndpoint(r);
}

export async function listEndpoints(db: Db, orgId: string): Promise<Endpoint[]> {
  return (await db.selectFrom('webhook_endpoints').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute()).map(toEndpoint);
}

export async function updateEndpoint(
  db: Db, orgId: string, id: string,
  p: Partial<{ url: string; description: string; eventTypes: string[]; sealedSecrets: string; state: EndpointState; stateReason: string | null }>,
): Promise<Endpoint> {
  await db.updateTable('webhook_endpoints').set({
    updated_at: now(),
    ...(p.url !== undefined && { url: p.url }), ...(p.description !== undefined && { description: p.description }),
    ...(p.eventTypes && { event_types: JSON.stringify(p.eventTypes) }), ...(p.sealedSecrets && { secrets: p.sealedSecrets }),
    ...(p.state && { state: p.state }), ...(p.stateReason !== undefined && { state_reason: p.stateReason }),
  }).where('org_id', '=', orgId).where('id', '=', id).execute();
  return getEndpoint(db, orgId, id);
}

export async function deleteEndpoint(db: Db, orgId: string, id: string): Promise<void> {
  await getEndpoint(db, orgId, id);
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('webhook_attempts').where('endpoint_id', '=', id).execute();
    await tx.deleteFrom('webhook_messages').where('endpoint_id', '=', id).execute();
    await tx.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
  });
}

/** Endpoints of the organization that want this event type now. */
/** The organization's enabled endpoints and the event types each wants: one read for a batch of events. */
export async function enabledEndpoints(db: Db, orgId: string): Promise<Array<{ id: string; eventTypes: string[] }>> {
  const rows = await db.selectFrom('webhook_endpoints').select(['id', 'event_types']).where('org_id', '=', orgId).where('state', '=', 'enabled').execute();
  return rows.map((r) => ({ id: r.id, eventTypes: JSON.parse(r.event_types) as string[] }));
}

// ---- the outbox ----

export type MessageState = 'pending' | 'delivered' | 'failed';
export interface Message {
  seq: number; id: string; orgId: string; endpointId: string; eventType: string; orderKey: string; payload: string; state: MessageState;
  attempts: number; nextAttemptAt: string; createdAt: string; finishedAt: string | null; lastError: string | null;
}
type MessageRecord = {
  seq: number; id: string; org_id: string; endpoint_id: string; event_type: string; order_key: string; payload: string; state: string; attempts: number;
  next_attempt_at: string; created_at: string; finished_at: string | null; last_error: string | null;
};
const toMessage = (r: MessageRecord): Message => ({
  seq: Number(r.seq), id: r.id, orgId: r.org_id, endpointId: r.endpoint_id, eventType: r.event_type, orderKey: r.order_key, payload: r.payload,
  state: r.state as MessageState, attempts: Number(r.attempts), nextAttemptAt: r.next_attempt_at, createdAt: r.created_at, finishedAt: r.finished_at,
  lastError: r.last_error,
});
const MESSAGE_COLUMNS = ['seq', 'id', 'org_id', 'endpoint_id', 'event_type', 'order_key', 'payload', 'state', 'attempts', 'next_attempt_at', 'created_at', 'finished_at', 'last_error'] as const;

/** One message per endpoint, all with the event's id, due at once. */
export async function enqueueMessages(db: Db, m: { id: string; orgId: string; endpointIds: string[]; eventType: string; orderKey: string; payload: string; at: string }): Promise<void> {
  if (m.endpointIds.length === 0) return;
  await db.insertInto('webhook_messages').values(m.endpointIds.map((endpointId) => ({
    id: m.id, org_id: m.orgId, endpoint_id: endpointId, event_type: m.eventType, order_key: m.orderKey, payload: m.payload, state: 'pending',
    attempts: 0, next_attempt_at: m.at, lease_owner: null, lease_until: null, created_at: m.at, finished_at: null, last_error: null,
  }))).execute();
}

/**
 * Claims up to `limit` messages of one endpoint that are due, oldest first, each the oldest still
 * waiting for its object (so the next event of a document waits for the one before), when the
 * endpoint is enabled. One endpoint at a time, through its own index: a slow receiver's backlog
 * is never read on another endpoint's claim. A claim is a lease: a process that dies mid-send
 * gives the message back when the lease runs out.
 */
export async function claimDueMessages(db: Db, o: { owner: string; at: Date; leaseMs: number; limit: number; endpointId: string }): Promise<Message[]> {
  const at = o.at.toISOString();
  const candidates = await db.selectFrom('webhook_messages as m')
    .select(MESSAGE_COLUMNS.map((c) => `m.${c}` as const))
    // The time is compared through coalesce (it is never null) so that no index on it is used:
    // SQLite would otherwise read every due row by time and sort them, where the endpoint's index
    // in seq order stops at the `limit`-th claimable row.
    .where('m.endpoint_id', '=', o.endpointId).where('m.state', '=', 'pending').where((eb) => eb(eb.fn.coalesce('m.next_attempt_at', sql.lit('')), '<=', at))
    .where((eb) => eb.or([eb('m.lease_until', 'is', null), eb('m.lease_until', '<', at)]))
    .where((eb) => eb.exists(eb.selectFrom('webhook_endpoints as e').select(sql`1`.as('one')).whereRef('e.id', '=', 'm.endpoint_id').where('e.state', '=', 'enabled')))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('webhook_messages as o').select(sql`1`.as('one'))
      .whereRef('o.endpoint_id', '=', 'm.endpoint_id').whereRef('o.order_key', '=', 'm.order_key').where('o.state', '=', 'pending')
      .whereRef('o.seq', '<', 'm.seq'))))
    .orderBy('m.seq').limit(o.limit).execute();
  if (candidates.length === 0) return [];
  const until = new Date(o.at.getTime() + o.leaseMs).toISOString();
  // One statement for the batch; a row another process claimed meanwhile is not returned.
  const won = await db.updateTable('webhook_messages').set({ lease_owner: o.owner, lease_until: until })
    .where('seq', 'in', candidates.map((c) => c.seq)).where('state', '=', 'pending')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', at)])).returning('seq').execute();
  const mine = new Set(won.map((w) => Number(w.seq)));
  return candidates.filter((c) => mine.has(Number(c.seq))).map(toMessage);
}

/** Enabled endpoints with a message due now: where a look through the whole outbox (on a poll) claims. */
export async function endpointsWithDueMessages(db: Db, at: Date): Promise<string[]> {
  const rows = await db.selectFrom('webhook_messages as m').innerJoin('webhook_endpoints as e', 'e.id', 'm.endpoint_id')
    .select('m.endpoint_id').distinct().where('m.state', '=', 'pending').where('e.state', '=', 'enabled').where('m.next_attempt_at', '<=', at.toISOString())
    .execute();
  return rows.map((r) => r.endpoint_id);
}

/** The earliest moment a pending message of an enabled endpoint is due, for the worker's sleep. */
export async function nextDueAt(db: Db): Promise<string | null> {
  const r = await db.selectFrom('webhook_messages as m').innerJoin('webhook_endpoints as e', 'e.id', 'm.endpoint_id')
    .select((eb) => eb.fn.min('m.next_attempt_at').as('at')).where('m.state', '=', 'pending').where('e.state', '=', 'enabled').executeTakeFirst();
  return (r?.at as string | null | undefined) ?? null;
}

export interface AttemptRecord { statusCode: number | null; responseBody: string | null; durationMs: number; error: string | null }

/** Records one try and what follows: delivered, another try at `retryAt`, or given up. */
export async function settleAttempt(
  db: Db, m: Message, owner: string, a: AttemptRecord & { at: string },
  outcome: { state: 'delivered' } | { state: 'pending'; retryAt: string } | { state: 'failed' },
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('webhook_attempts').values({
      id: newId('wha'), org_id: m.orgId, message_seq: m.seq, endpoint_id: m.endpointId, at: a.at, status_code: a.statusCode,
      response_body: a.responseBody, duration_ms: a.durationMs, error: a.error,
    }).execute();
    await tx.updateTable('webhook_messages').set({
      state: outcome.state, attempts: sql`attempts + 1`, lease_owner: null, lease_until: null, last_error: a.error,
      ...(outcome.state === 'pending' ? { next_attempt_at: outcome.retryAt } : { finished_at: a.at }),
    }).where('seq', '=', m.seq).where('lease_owner', '=', owner).execute();
  });
}

/**
 * Records a batch of successful tries at once: one insert of their attempts and one update of
 * their messages, instead of a transaction each (at a hundred messages a second, the
 * difference between keeping up and falling behind on SQLite).
 */
export async function settleDelivered(db: Db, owner: string, batch: ReadonlyArray<{ m: Message; a: AttemptRecord & { at: string } }>): Promise<void> {
  if (batch.length === 0) return;
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('webhook_attempts').values(batch.map(({ m, a }) => ({
      id: newId('wha'), org_id: m.orgId, message_seq: m.seq, endpoint_id: m.endpointId, at: a.at, status_code: a.statusCode,
      response_body: a.responseBody, duration_ms: a.durationMs, error: a.error,
    }))).execute();
    await tx.updateTable('webhook_messages').set({ state: 'delivered', attempts: sql`attempts + 1`, lease_owner: null, lease_until: null, last_error: null, finished_at: batch.at(-1)!.a.at })
      .where('seq', 'in', batch.map(({ m }) => m.seq)).where('lease_owner', '=', owner).execute();
  });
}

export async function listMessages(db: Db, orgId: string, endpointId: string, limit = 100, before?: number): Promise<Message[]> {
  let q = db.selectFrom('webhook_messages').select([...MESSAGE_COLUMNS]).where('org_id', '=', orgId).where('endpoint_id', '=', endpointId);
  if (before !== undefined) q = q.where('seq', '<', before);
  return (await q.orderBy('seq', 'desc').limit(limit).execute()).map(toMessage);
}

export async function getMessage(db: Db, orgId: string, endpointId: string, seq: number): Promise<Message> {
  const r = await db.selectFrom('webhook_messages').select([...MESSAGE_COLUMNS]).where('org_id', '=', orgId).where('endpoint_id', '=', endpointId)
    .where('seq', '=', seq).executeTakeFirst();
  if (!r) throw notFound('Webhook delivery', String(seq));
  return toMessage(r);
}

export interface Attempt extends AttemptRecord { id: string; at: string }
export async function attemptsOf(db: Db, orgId: string, seqs: number[]): Promise<Map<number, Attempt[]>> {
  const out = new Map<number, Attempt[]>();
  if (seqs.length === 0) return out;
  const rows = await db.selectFrom('webhook_attempts').selectAll().where('org_id', '=', orgId).where('message_seq', 'in', seqs).orderBy('at').execute();
  for (const r of rows) {
    const list = out.get(Number(r.message_seq)) ?? [];
    list.push({ id: r.id, at: r.at, statusCode: r.status_code, responseBody: r.response_body, durationMs: Number(r.duration_ms), error: r.error });
    out.set(Number(r.message_seq), list);
  }
  return out;
}

/** Sends a message again: due now, with its retry window starting afresh. */
export async function requeueMessage(db: Db, orgId: string, seq: number, at: string): Promise<void> {
  await db.updateTable('webhook_messages').set({ state: 'pending', next_attempt_at: at, created_at: at, finished_at: null, lease_owner: null, lease_until: null })
    .where('org_id', '=', orgId).where('seq', '=', seq).execute();
}
