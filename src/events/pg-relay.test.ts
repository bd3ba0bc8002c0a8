import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshPostgres, postgresReachable, PG_ADMIN } from '../../test/helpers/databases.js';
import { silentLogger } from '../log/log.js';
import { LiveEvents, type LiveEvent } from './live.js';
import { MAX_PAYLOAD_BYTES, PostgresEventRelay } from './pg-relay.js';

const pgOk = await postgresReachable();

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(cond(), 'timed out');
}

describe('live events between processes (PostgreSQL NOTIFY)', { skip: !pgOk && `PostgreSQL is not reachable at ${PG_ADMIN}` }, () => {
  let database: { url: string; drop(): Promise<void> };
  before(async () => { database = await freshPostgres(); });
  after(async () => { await database.drop(); });
  /** A worker's and an API process's events, each relayed on its own connection. */
  const twoProcesses = async () => {
    const worker = new LiveEvents();
    const api = new LiveEvents();
    const relays = [new PostgresEventRelay(database.url, worker, silentLogger), new PostgresEventRelay(database.url, api, silentLogger)];
    await Promise.all(relays.map((r) => r.start()));
    return { worker, api, relays };
  };

  it('shows a pass run by a worker to the listeners of the API process, once each, progress thinned out', async () => {
    const { worker, api, relays } = await twoProcesses();
    const inApi: LiveEvent[] = [];
    const inWorker: LiveEvent[] = [];
    api.subscribe((e) => inApi.push(e));
    worker.subscribe((e) => inWorker.push(e));
    const ids = { orgId: 'o1', destinationId: 'd1', runId: 'r1' };
    worker.emit({ type: 'run.started', ...ids, trigger: 'continuous' });
    for (let done = 1; done <= 500; done++) worker.emit({ type: 'run.progress', ...ids, done, planned: 500, bytes: done * 10 });
    worker.emit({ type: 'run.finished', ...ids, status: 'succeeded', planned: 500, uploaded: 500, failed: 0 });
    await until(() => inApi.some((e) => e.type === 'run.finished'));
    assert.equal(inWorker.length, 502, 'the process that ran the pass sees every event, once');
    assert.equal(inApi[0]!.type, 'run.started');
    const progress = inApi.filter((e) => e.type === 'run.progress');
    assert.ok(progress.length >= 1 && progress.length < 50, `progress is thinned out (${progress.length} of 500)`);
    assert.deepEqual(progress.at(-1), { type: 'run.progress', ...ids, done: 500, planned: 500, bytes: 5000 }, 'the last progress arrives before the end');
    assert.equal(inApi.at(-1)!.type, 'run.finished');
    assert.equal(inApi.filter((e) => e.type === 'run.finished').length, 1);
    // Each relay's own events are not delivered twice to its process.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(inWorker.length, 502);
    await Promise.all(relays.map((r) => r.stop()));
  });

  it('leaves out an event too large for NOTIFY and relays the next ones', async () => {
    const { worker, api, relays } = await twoProcesses();
    const inApi: LiveEvent[] = [];
    api.subscribe((e) => inApi.push(e));
    worker.emit({ type: 'run.started', orgId: 'o', destinationId: 'd', runId: 'big', trigger: 'x'.repeat(MAX_PAYLOAD_BYTES) });
    worker.emit({ type: 'destination.changed', orgId: 'o', destinationId: 'd', state: 'paused' });
    await until(() => inApi.length > 0);
    assert.deepEqual(inApi, [{ type: 'destination.changed', orgId: 'o', destinationId: 'd', state: 'paused' }]);
    await Promise.all(relays.map((r) => r.stop()));
  });
  it('wakes a topic in the other processes only, with its ids, or all of it when they do not fit', async () => {
    const { relays: [writer, sender] } = await twoProcesses();
    const inSender: Array<readonly string[] | undefined> = [];
    const inWriter: Array<readonly string[] | undefined> = [];
    sender!.onWake('webhooks', (ids) => inSender.push(ids));
    writer!.onWake('webhooks', (ids) => inWriter.push(ids));
    sender!.onWake('other', () => assert.fail('another topic is not woken'));
    writer!.wake('webhooks', ['we_1', 'we_2']);
    writer!.wake('webhooks', Array.from({ length: 1000 }, (_, i) => `we_${i}_${'x'.repeat(10)}`));
    writer!.wake('webhooks');
    await until(() => inSender.length === 3);
    assert.deepEqual(inSender, [['we_1', 'we_2'], undefined, undefined]);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(inWriter, [], 'a process is not woken by its own wake-ups');
    await Promise.all([writer!.stop(), sender!.stop()]);
  });
});
