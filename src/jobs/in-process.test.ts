import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../log/log.js';
import { InProcessQueue } from './in-process.js';

describe('in-process job queue', () => {
  it('absorbs a job sent while the same key waits, and runs once more after a running one', async () => {
    const q = new InProcessQueue(silentLogger);
    const seen: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    q.work('sync', async (data: { n: number }) => { seen.push(data.n); if (data.n === 1) await gate; }, { concurrency: 4 });
    await q.send('sync', { n: 1 }, { singletonKey: 'a' });
    await new Promise((r) => setImmediate(r));
    await q.send('sync', { n: 2 }, { singletonKey: 'a' }); // arrives while 1 runs: becomes the follow-up
    await q.send('sync', { n: 3 }, { singletonKey: 'a' }); // replaces the follow-up: one more run, not two
    await q.send('sync', { n: 9 }, { singletonKey: 'b' }); // another key runs beside it
    release();
    await q.idle();
    assert.deepEqual(seen.sort(), [1, 3, 9]);
    await q.stop();
  });

  it('delays jobs and retries failures with backoff', async () => {
    const q = new InProcessQueue(silentLogger, { attempts: 3, baseMs: 5 });
    let calls = 0;
    q.work('flaky', async () => { calls++; if (calls < 3) throw new Error('boom'); });
    // Long enough that a loaded machine cannot reach the check after it has passed.
    await q.send('flaky', {}, { delayMs: 1000 });
    await new Promise((r) => setImmediate(r));
    assert.equal(calls, 0, 'a delayed job waits');
    await q.idle();
    assert.equal(calls, 3);
    await q.stop();
  });

  it('gives up after the last attempt without stopping other work', async () => {
    const q = new InProcessQueue(silentLogger, { attempts: 2, baseMs: 1 });
    let ok = 0;
    q.work('bad', async () => { throw new Error('always'); });
    q.work('good', async () => { ok++; });
    await q.send('bad', {});
    await q.send('good', {});
    await q.idle();
    assert.equal(ok, 1);
    await q.stop();
  });
});
