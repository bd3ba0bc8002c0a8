import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { JobQueue } from './queue.js';

/** Makes a fresh, empty queue; `retry` shortens the waits so failures are retried within a test. */
export type QueueFactory = (retry: { attempts: number; baseMs: number }) => Promise<JobQueue>;

const tick = () => new Promise((r) => setTimeout(r, 50));

/**
 * What every JobQueue adapter promises (src/jobs/queue.ts), run against each one: the services
 * rely on these rules whichever queue the configuration picks.
 */
export function queueSuite(make: QueueFactory): void {
  const retry = { attempts: 3, baseMs: 5 };

  it('absorbs a job sent while the same key waits, and runs once more after a running one', async () => {
    const q = await make(retry);
    const seen: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let started!: () => void;
    const first = new Promise<void>((r) => { started = r; });
    q.work('sync', async (data: { n: number }) => { seen.push(data.n); if (data.n === 1) { started(); await gate; } }, { concurrency: 4 });
    await q.send('sync', { n: 1 }, { singletonKey: 'a' });
    await first;
    await q.send('sync', { n: 2 }, { singletonKey: 'a' }); // arrives while 1 runs: becomes the follow-up
    await q.send('sync', { n: 3 }, { singletonKey: 'a' }); // absorbed by the follow-up: one more run, not two
    await q.send('sync', { n: 9 }, { singletonKey: 'b' }); // another key runs beside it
    await waitFor(() => seen.includes(9));
    assert.deepEqual([...seen].sort(), [1, 9], 'the follow-up waits for the running job under its key');
    release();
    await q.idle();
    assert.equal(seen.length, 3, 'exactly one more run after the running one');
    assert.deepEqual(seen.slice(0, 1), [1]);
    assert.ok([2, 3].includes(seen.find((n) => n !== 1 && n !== 9)!));
    await q.stop();
  });

  it('a waiting job absorbs new ones under its key until it runs', async () => {
    const q = await make(retry);
    let runs = 0;
    await q.send('later', {}, { singletonKey: 'k', delayMs: 1000 });
    for (let i = 0; i < 5; i++) await q.send('later', {}, { singletonKey: 'k' });
    q.work('later', async () => { runs++; });
    await q.idle();
    assert.equal(runs, 1);
    await q.stop();
  });

  it('delays jobs and retries failures with backoff', async () => {
    const q = await make(retry);
    let calls = 0;
    q.work('flaky', async () => { calls++; if (calls < 3) throw new Error('boom'); });
    // Long enough that a loaded machine cannot reach the check after it has passed.
    await q.send('flaky', {}, { delayMs: 1500 });
    await tick();
    assert.equal(calls, 0, 'a delayed job waits');
    await q.idle();
    assert.equal(calls, 3);
    await q.stop();
  });

  it('gives up after the last attempt without stopping other work', async () => {
    const q = await make({ attempts: 2, baseMs: 1 });
    let bad = 0;
    let ok = 0;
    q.work('bad', async () => { bad++; throw new Error('always'); });
    q.work('good', async () => { ok++; });
    await q.send('bad', {});
    await q.send('good', {});
    await q.send('good', {}); // no key: both run
    await q.idle();
    assert.equal(bad, 2);
    assert.equal(ok, 2);
    await q.stop();
  });

  it('runs at most `concurrency` jobs of a kind at once, and stop() lets the running ones finish', async () => {
    const q = await make(retry);
    let running = 0;
    let most = 0;
    let done = 0;
    q.work('pass', async () => {
      running++; most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 200));
      running--; done++;
    }, { concurrency: 2 });
    for (let i = 0; i < 6; i++) await q.send('pass', { i }, { singletonKey: `d${i}` });
    await q.idle();
    assert.equal(done, 6);
    assert.ok(most <= 2, `at most 2 at once, saw ${most}`);
    assert.ok(most === 2, 'two keys do run side by side');
    await q.send('pass', {}, { singletonKey: 'last' });
    await waitFor(() => running === 1);
    await q.stop();
    assert.equal(done, 7, 'the job that was running when stop() was called finished');
  });
}

export async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await tick();
  }
}
