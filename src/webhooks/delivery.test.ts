import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pino from 'pino';
import { testDatabases, sqliteDatabase } from '../../test/helpers/databases.js';
import { startReceiver, verifyStandardWebhook, type Receiver } from '../../test/helpers/webhook-receiver.js';
import { SecretBox } from '../auth/secret-box.js';
import { createOrganization } from '../catalog/organizations.js';
import { EgressPolicy, PUBLIC_ONLY } from '../connectors/kit/egress.js';
import { WEBHOOK_EVENT_TYPES } from '../events/occurrences.js';
import type { Db } from '../catalog/db.js';
import { WebhookDelivery } from './delivery.js';
import { WebhookService } from './service.js';

const log = pino({ level: 'silent' });
const box = new SecretBox(randomBytes(32));

/** A service and its delivery on one database, with a clock the test may move. */
function wire(db: Db, o: { egress?: EgressPolicy; timeoutMs?: number; retryWindowMs?: number; clock?: () => Date; onDisabled?: (org: string, id: string) => Promise<void> } = {}) {
  const egress = o.egress ?? new EgressPolicy(['127.0.0.1']);
  let delivery: WebhookDelivery | null = null;
  const service = new WebhookService({ db, log, egress, seal: (v) => box.seal(v), open: (s) => box.open(s), wake: (ids) => delivery?.wake(ids), clock: o.clock });
  delivery = new WebhookDelivery({
    db, log, egress, secretsOf: (s) => service.secretsOf(s), timeoutMs: o.timeoutMs ?? 2000, concurrency: 2, retryWindowMs: o.retryWindowMs ?? 3_600_000,
    firstRetryMs: 20, pollMs: 20, clock: o.clock, onDisabled: o.onDisabled && ((org, id) => o.onDisabled!(org, id)),
  });
  delivery.start();
  return { service, delivery };
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const database of await testDatabases()) {
  test(`webhooks on ${database.name}: every event type arrives signed, retries after 500s keep the webhook-id, the log shows each try`, { skip: database.skip }, async (t) => {
    const { db, drop } = await database.open();
    const receiver = await startReceiver((r, nth) => (r.json.type === 'document.backed_up' && nth <= 2 ? { status: 500, body: 'busy' } : { status: 200, body: 'thanks' }));
    const { service, delivery } = wire(db);
    t.after(async () => { await delivery.stop(); await receiver.close(); await drop(); });
    const org = await createOrganization(db, 'Firm');
    const { endpoint, secret } = await service.create(org, { url: receiver.url, eventTypes: [...WEBHOOK_EVENT_TYPES] });
    assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);

    for (const type of WEBHOOK_EVENT_TYPES) await service.announce({ type, orgId: org, subject: `obj_${type}`, data: { what: type } });
    await until('every event type', () => receiver.effects.size === WEBHOOK_EVENT_TYPES.length);
    assert.deepEqual([...receiver.effects.values()].map((r) => r.json.type).sort(), [...WEBHOOK_EVENT_TYPES].sort());
    for (const r of receiver.requests) {
      assert.ok(verifyStandardWebhook(secret, r.headers, r.body), `${r.json.type} verifies`);
      assert.equal(verifyStandardWebhook(secret, r.headers, r.body + ' '), false, 'a changed body does not verify');
      assert.equal(r.headers['content-type'], 'application/json');
    }
    const retried = receiver.requests.filter((r) => r.json.type === 'document.backed_up');
    assert.equal(retried.length, 3, 'two 500s, then delivered');
    assert.equal(new Set(retried.map((r) => r.id)).size, 1, 'every retry carries the same webhook-id');

    await delivery.idle();
    const log = await service.deliveries(org, endpoint.id);
    const backedUp = log.find((d) => d.eventType === 'document.backed_up')!;
    assert.equal(backedUp.state, 'delivered');
    assert.deepEqual(backedUp.tries.map((x) => x.statusCode), [500, 500, 200]);
    assert.equal(backedUp.tries[0]!.responseBody, 'busy');
    assert.equal(backedUp.tries[0]!.error, 'HTTP 500');
    assert.ok(backedUp.tries.every((x) => x.durationMs >= 0));

    // A replay sends the same message again, with its id; and a test event goes to this endpoint.
    const replayed = await service.replay(org, endpoint.id, backedUp.seq);
    assert.equal(replayed.state, 'pending');
    await service.sendTest(org, endpoint.id);
    await until('the replay and the test', () => receiver.requests.filter((r) => r.id === backedUp.messageId).length === 4 && receiver.requests.some((r) => r.json.type === 'webhook.test'));
    await delivery.idle();
    assert.equal((await service.deliveries(org, endpoint.id)).find((d) => d.seq === backedUp.seq)!.tries.length, 4);
  });
}

for (const database of await testDatabases()) {
  test(`webhooks on ${database.name}: a receiver that does not answer holds only its own slots; the others get every event, its backlog waits in the outbox`, { skip: database.skip }, async (t) => {
    const { db, drop } = await database.open();
    const healthy = await startReceiver();
    // It answers only after the test: its two tries stay in flight until it closes their connections.
    const stuck = await startReceiver(() => ({ status: 200, delayMs: 60_000 }));
    const { service, delivery } = wire(db, { timeoutMs: 60_000 });
    t.after(async () => { await stuck.close(); await delivery.stop(); await healthy.close(); await drop(); });
    const org = await createOrganization(db, 'Firm');
    await service.create(org, { url: stuck.url, eventTypes: ['document.created'] });
    await service.create(org, { url: healthy.url, eventTypes: ['document.created'] });
    const EVENTS = 150;
    for (let i = 0; i < EVENTS; i++) await service.announce({ type: 'document.created', orgId: org, subject: `doc_${i}`, data: { n: i } });
    await until('every event at the healthy receiver', () => healthy.effects.size === EVENTS);
    assert.deepEqual([...healthy.effects.values()].map((r) => r.json.data.n as number).sort((a, b) => a - b), Array.from({ length: EVENTS }, (_, i) => i));
    // Concurrency 2: the stuck receiver has at most its two slots' worth, the rest is still in the database.
    assert.ok(stuck.requests.length <= 2, `the stuck receiver saw ${stuck.requests.length} tries`);
    const waiting = await db.selectFrom('webhook_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'pending').executeTakeFirstOrThrow();
    assert.ok(Number(waiting.n) >= EVENTS - 2, `${waiting.n} messages still waiting for the stuck receiver`);
  });
}

test('events of one object arrive in order: the next waits until the one before is delivered; other objects do not wait', async (t) => {
  const { db, drop } = await sqliteDatabase.open();
  let holdFirst = true;
  const receiver = await startReceiver((r) => (r.json.data.n === 1 && holdFirst ? { status: 503 } : { status: 200 }));
  const { service, delivery } = wire(db);
  t.after(async () => { await delivery.stop(); await receiver.close(); await drop(); });
  const org = await createOrganization(db, 'Firm');
  await service.create(org, { url: receiver.url, eventTypes: ['document.created', 'document.backed_up'] });
  await service.announce({ type: 'document.created', orgId: org, subject: 'doc_a', data: { n: 1 } });
  await service.announce({ type: 'document.backed_up', orgId: org, subject: 'doc_a', data: { n: 2 } });
  await service.announce({ type: 'document.created', orgId: org, subject: 'doc_b', data: { n: 3 } });
  await until('doc_b and a few refusals of doc_a', () => receiver.effects.size === 1 && receiver.requests.filter((r) => r.json.data.n === 1).length >= 3);
  assert.ok(!receiver.requests.some((r) => r.json.data.n === 2), 'event 2 of doc_a is not sent while event 1 waits');
  holdFirst = false;
  await until('doc_a in order', () => receiver.effects.size === 3);
  const order = receiver.requests.filter((r) => r.json.data.n !== 3 && receiver.effects.get(r.id) === r).map((r) => r.json.data.n);
  assert.deepEqual(order, [1, 2]);
});

test('a receiver that answers too late is tried again with the same webhook-id, and its effect happens once', async (t) => {
  const { db, drop } = await sqliteDatabase.open();
  const receiver = await startReceiver((_r, nth) => (nth === 1 ? { status: 200, delayMs: 800 } : { status: 200 }));
  const { service, delivery } = wire(db, { timeoutMs: 300 });
  t.after(async () => { await delivery.stop(); await receiver.close(); await drop(); });
  const org = await createOrganization(db, 'Firm');
  const { endpoint } = await service.create(org, { url: receiver.url, eventTypes: ['inbox.item_done'] });
  await service.announce({ type: 'inbox.item_done', orgId: org, subject: 'inb_1', data: {} });
  await until('two tries', () => receiver.requests.length >= 2);
  await delivery.idle();
  await new Promise((r) => setTimeout(r, 900)); // the late answer to the first try arrives and is applied
  assert.equal(new Set(receiver.requests.map((r) => r.id)).size, 1);
  assert.equal(receiver.effects.size, 1, 'the receiver deduplicated by webhook-id');
  const [d] = await service.deliveries(org, endpoint.id);
  assert.equal(d!.state, 'delivered');
  assert.match(d!.tries[0]!.error ?? '', /No answer within 0.3 s/);
  assert.equal(d!.tries[0]!.statusCode, null);
});

test('rotation: for the overlap every message carries two signatures, one per secret', async (t) => {
  const { db, drop } = await sqliteDatabase.open();
  const receiver = await startReceiver();
  const { service, delivery } = wire(db);
  t.after(async () => { await delivery.stop(); await receiver.close(); await drop(); });
  const org = await createOrganization(db, 'Firm');
  const { endpoint, secret: old } = await service.create(org, { url: receiver.url, eventTypes: ['connection.expired'] });
  const rotated = await service.rotate(org, endpoint.id);
  assert.notEqual(rotated.secret, old);
  await service.announce({ type: 'connection.expired', orgId: org, subject: 'con_1', data: {} });
  await until('the message', () => receiver.effects.size === 1);
  const [r] = receiver.requests;
  assert.equal(String(r!.headers['webhook-signature']).split(' ').length, 2);
  assert.ok(verifyStandardWebhook(old, r!.headers, r!.body), 'receivers still on the old secret accept it');
  assert.ok(verifyStandardWebhook(rotated.secret, r!.headers, r!.body), 'receivers on the new secret accept it');
  assert.equal(verifyStandardWebhook(`whsec_${randomBytes(32).toString('base64')}`, r!.headers, r!.body), false);
  assert.ok(!JSON.stringify(await db.selectFrom('webhook_endpoints').selectAll().execute()).includes(rotated.secret.slice(6)), 'secrets are sealed at rest');
});

test('an endpoint still failing at the end of the retry window is disabled, and an alert is raised', async (t) => {
  const { db, drop } = await sqliteDatabase.open();
  const receiver = await startReceiver(() => ({ status: 500 }));
  let clock = Date.parse('2026-03-01T10:00:00Z');
  const disabled: string[] = [];
  const { service, delivery } = wire(db, { clock: () => new Date(clock), retryWindowMs: 24 * 3_600_000, onDisabled: async (_o, id) => { disabled.push(id); } });
  t.after(async () => { await delivery.stop(); await receiver.close(); await drop(); });
  const org = await createOrganization(db, 'Firm');
  const { endpoint } = await service.create(org, { url: receiver.url, eventTypes: ['destination.needs_attention'] });
  await service.announce({ type: 'destination.needs_attention', orgId: org, subject: 'dst_1', data: {} });
  for (let hour = 0; hour < 30 && disabled.length === 0; hour++) {
    const seen = receiver.requests.length;
    await until(`try ${seen + 1}`, () => receiver.requests.length > seen || disabled.length > 0);
    await delivery.idle();
    clock += 3 * 3_600_000; // each retry comes due; 24 h later the window is over
    delivery.wake();
  }
  assert.deepEqual(disabled, [endpoint.id]);
  const e = await service.get(org, endpoint.id);
  assert.equal(e.state, 'disabled');
  assert.match(e.stateReason ?? '', /24 hours/);
  const [d] = await service.deliveries(org, endpoint.id);
  assert.equal(d!.state, 'failed');
  // Nothing is sent to a disabled endpoint; once enabled again, new events reach it.
  const before = receiver.requests.length;
  await service.announce({ type: 'destination.needs_attention', orgId: org, subject: 'dst_2', data: {} });
  await delivery.idle();
  assert.equal(receiver.requests.length, before);
  receiver.answer = () => ({ status: 204 });
  await service.update(org, endpoint.id, { enabled: true });
  await service.announce({ type: 'destination.needs_attention', orgId: org, subject: 'dst_3', data: {} });
  await until('the next message', () => receiver.effects.size === 1);
});

test('egress: an endpoint on a private address is refused when created, and never contacted', async (t) => {
  const { db, drop } = await sqliteDatabase.open();
  const receiver = await startReceiver();
  t.after(async () => { await receiver.close(); await drop(); });
  const strict = wire(db, { egress: PUBLIC_ONLY });
  t.after(() => strict.delivery.stop());
  const org = await createOrganization(db, 'Firm');
  await assert.rejects(strict.service.create(org, { url: receiver.url, eventTypes: ['document.created'] }), /not allowed.*DOSSIER_ALLOW_HOSTS/s);
  await assert.rejects(strict.service.create(org, { url: 'http://169.254.169.254/latest', eventTypes: ['document.created'] }), /not allowed/);
  // Made while the operator allowed it, then the policy changed: the delivery refuses the address.
  const loose = wire(db);
  await loose.delivery.stop();
  const { endpoint } = await loose.service.create(org, { url: receiver.url, eventTypes: ['document.created'] });
  await strict.service.announce({ type: 'document.created', orgId: org, subject: 'doc_1', data: {} });
  await strict.delivery.idle();
  const [d] = await strict.service.deliveries(org, endpoint.id);
  assert.match(d!.tries[0]?.error ?? '', /not allowed/);
  assert.equal(receiver.requests.length, 0);
});
