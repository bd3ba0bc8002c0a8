import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { startApi, type Api, invoiceFields, upload } from '../api/harness.test.js';
import { startReceiver, verifyStandardWebhook, type Receiver } from '../../test/helpers/webhook-receiver.js';
import { verifyChain } from './verify.js';

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The daily head as an `audit.head` webhook event: the copy kept outside that shows a truncation. */
describe('the audit chain\'s daily head sent to a webhook', () => {
  let api: Api;
  let receiver: Receiver;
  before(async () => {
    api = await startApi();
    receiver = await startReceiver();
    api.deps.webhooks.delivery.start();
  });
  after(async () => { await api?.close(); await receiver?.close(); });

  it('reaches a subscribed endpoint signed, names the head of the day, and shows a truncation the database alone no longer does', async () => {
    const types = (await api.call({ method: 'GET', url: '/v1/webhooks/event-types' })).json();
    assert.ok(JSON.stringify(types).includes('audit.head'), 'audit.head is offered');
    const created = await api.call({ method: 'POST', url: '/v1/webhooks', payload: { url: receiver.url, eventTypes: ['audit.head'] } });
    assert.equal(created.statusCode, 201, created.body);
    const { secret } = created.json();
    for (let i = 0; i < 3; i++) assert.equal((await upload(api, invoiceFields(api.companyId, { number: `H-${i}` }))).statusCode, 201);

    const written = await api.deps.auditHeads.tick();
    const mine = written.find((h) => h.orgId === api.orgId)!;
    await until('the audit.head event', () => receiver.requests.some((r) => r.json.type === 'audit.head'));
    const sent = receiver.requests.filter((r) => r.json.type === 'audit.head');
    assert.equal(sent.length, 1);
    assert.ok(verifyStandardWebhook(secret, sent[0]!.headers, sent[0]!.body));
    const head = (await api.call({ method: 'GET', url: '/v1/audit/head' })).json();
    assert.deepEqual(sent[0]!.json.data, { seq: mine.seq, hash: mine.hash, at: mine.at });
    assert.deepEqual([head.seq, head.hash], [mine.seq, mine.hash], 'the event names the chain\'s head');
    assert.deepEqual(await api.deps.auditHeads.tick(), [], 'once a day');

    // Someone with the database cuts the last entries off and moves the head row back with them:
    // the chain left verifies, but it no longer holds the entry the receiver was sent.
    const keep = mine.seq - 2;
    const last = await api.deps.db.selectFrom('audit_entries').select('hash').where('org_id', '=', api.orgId).where('seq', '=', keep).executeTakeFirstOrThrow();
    await sql`DELETE FROM audit_entries WHERE org_id = ${api.orgId} AND seq > ${keep}`.execute(api.deps.db);
    await sql`UPDATE audit_heads SET seq = ${keep}, hash = ${last.hash} WHERE org_id = ${api.orgId}`.execute(api.deps.db);
    assert.equal((await verifyChain(api.deps.db, api.orgId)).ok, true, 'the database alone cannot tell');
    const now = (await api.call({ method: 'GET', url: '/v1/audit/head' })).json();
    const received = sent[0]!.json.data as { seq: number; hash: string };
    assert.ok(now.seq < received.seq, 'the receiver\'s copy names an entry the chain no longer has');
  });
});
