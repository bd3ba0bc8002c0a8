import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pino from 'pino';
import { testDatabases } from '../../test/helpers/databases.js';
import { startReceiver } from '../../test/helpers/webhook-receiver.js';
import { SecretBox } from '../auth/secret-box.js';
import { createOrganization } from '../catalog/organizations.js';
import { EgressPolicy } from '../connectors/kit/egress.js';
import { WebhookDelivery } from './delivery.js';
import { WebhookPruning } from './pruning.js';
import { WebhookService } from './service.js';

const log = pino({ level: 'silent' });
const box = new SecretBox(randomBytes(32));
const DAY = 86_400_000;

async function until(what: string, ok: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const database of await testDatabases()) {
  test(`webhook messages on ${database.name}: delivered and given-up ones older than the keep period go with their attempts, the rest stay`, { skip: database.skip }, async (t) => {
    const { db, drop } = await database.open();
    // document.backed_up is refused until the retry window is over: given up, state failed. The
    // window is counted from the message's creation, so it leaves room for a slow first attempt
    // on a loaded machine: the test needs a message given up after more than one try.
    const receiver = await startReceiver((r) => (r.json.type === 'document.backed_up' ? { status: 500, body: 'no' } : { status: 200, body: 'ok' }));
    const egress = new EgressPolicy(['127.0.0.1']);
    let delivery: WebhookDelivery | null = null;
    const service = new WebhookService({ db, log, egress, seal: (v) => box.seal(v), open: (s) => box.open(s), wake: () => delivery?.wake() });
    delivery = new WebhookDelivery({ db, log, egress, secretsOf: (s) => service.secretsOf(s), timeoutMs: 2000, concurrency: 2, retryWindowMs: 1500, firstRetryMs: 20, pollMs: 20 });
    delivery.start();
    let stopped: Promise<void> | null = null;
    const stop = () => (stopped ??= delivery.stop());
    t.after(async () => { await stop(); await receiver.close(); await drop(); });
    const org = await createOrganization(db, 'Firm');
    const { endpoint } = await service.create(org, { url: receiver.url, eventTypes: ['document.created', 'document.backed_up'] });
    for (let i = 0; i < 3; i++) await service.announce({ type: 'document.created', orgId: org, subject: `doc_${i}`, data: { i } });
    await service.announce({ type: 'document.backed_up', orgId: org, subject: 'doc_x', data: {} });
    const finished = async () => (await service.deliveries(org, endpoint.id)).filter((d) => d.state !== 'pending').length === 4;
    await until('every message delivered or given up', finished);
    await stop();

    const pruning = new WebhookPruning(db, 30 * DAY);
    assert.deepEqual(await pruning.tick(), { messages: 0, attempts: 0 }, 'nothing is older than 30 days yet');

    // Two delivered ones and the given-up one finished 31 days ago; one more, pending, is as old.
    const all = await service.deliveries(org, endpoint.id);
    const failed = all.find((d) => d.state === 'failed')!;
    assert.ok(failed.tries.length >= 2, 'the given-up message was tried more than once');
    const old = [failed.seq, ...all.filter((d) => d.state === 'delivered').slice(0, 2).map((d) => d.seq)];
    const longAgo = new Date(Date.now() - 31 * DAY).toISOString();
    await db.updateTable('webhook_messages').set({ finished_at: longAgo, created_at: longAgo }).where('seq', 'in', old).execute();
    const kept = all.find((d) => d.state === 'delivered' && !old.includes(d.seq))!;
    await db.updateTable('webhook_messages').set({ state: 'pending', finished_at: null, created_at: longAgo, next_attempt_at: new Date(Date.now() + DAY).toISOString() })
      .where('seq', '=', kept.seq).execute();
    const triesOf = (seqs: number[]) => db.selectFrom('webhook_attempts').select('id').where('message_seq', 'in', seqs).execute();
    const oldTries = (await triesOf(old)).length;

    assert.deepEqual(await pruning.tick(), { messages: 3, attempts: oldTries });
    const left = await service.deliveries(org, endpoint.id);
    assert.deepEqual(left.map((d) => d.seq), [kept.seq], 'the pending message stays, however old');
    assert.equal(left[0]!.tries.length, 1, 'with its attempt');
    assert.equal((await triesOf(old)).length, 0);
    assert.deepEqual(await pruning.tick(), { messages: 0, attempts: 0 });
    // A shorter keep period (DOSSIER_WEBHOOK_KEEP_DAYS) takes younger ones: none finished here.
    assert.deepEqual(await new WebhookPruning(db, 1).tick(new Date(Date.now() + DAY)), { messages: 0, attempts: 0 });
  });
}
