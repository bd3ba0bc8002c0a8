import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PoolBusyError, WorkerPool, type PoolWorker, type RunOptions } from './pool.js';

/** Workers that answer when told to, so each test decides when a job ends. */
class FakeWorker implements PoolWorker {
  static made: FakeWorker[] = [];
  terminated = false;
  constructor(readonly key: string) { FakeWorker.made.push(this); }
  async work<T>(value: T, hang = false): Promise<T> {
    if (hang) return new Promise<T>(() => {});
    await new Promise((r) => setTimeout(r, 5));
    return value;
  }
  async terminate(): Promise<void> { this.terminated = true; }
}

const options = (over: Partial<RunOptions> = {}): RunOptions => ({
  timeoutMs: 10_000,
  onTimeout: () => new Error('timed out'),
  onAbort: () => new Error('cancelled'),
  ...over,
});

function makePool(size: number): WorkerPool<FakeWorker> {
  FakeWorker.made = [];
  return new WorkerPool(size, async (key) => new FakeWorker(key));
}

describe('worker pool', () => {
  it('creates workers lazily, never more than its size, and reuses them', async () => {
    const pool = makePool(2);
    assert.equal(pool.stats().alive, 0);
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => pool.run('eng', (w) => w.work(n), options())));
    assert.deepEqual(results, [1, 2, 3, 4, 5]);
    assert.equal(FakeWorker.made.length, 2);
    await pool.run('eng', (w) => w.work(6), options());
    assert.equal(pool.stats().created, 2);
    await pool.close();
    assert.ok(FakeWorker.made.every((w) => w.terminated));
  });

  it('replaces a worker whose job timed out, and the next job runs on a fresh one', async () => {
    const pool = makePool(1);
    await assert.rejects(pool.run('eng', (w) => w.work(1, true), options({ timeoutMs: 20 })), /timed out/);
    assert.equal(FakeWorker.made[0]!.terminated, true);
    assert.equal(await pool.run('eng', (w) => w.work(2), options()), 2);
    assert.deepEqual([pool.stats().created, pool.stats().replaced], [2, 1]);
    await pool.close();
  });

  it('replaces a worker whose job failed', async () => {
    const pool = makePool(1);
    await assert.rejects(pool.run('eng', async () => { throw new Error('engine crashed'); }, options()), /engine crashed/);
    assert.equal(FakeWorker.made[0]!.terminated, true);
    assert.equal(await pool.run('eng', (w) => w.work('ok'), options()), 'ok');
    await pool.close();
  });

  it('cancels a running job and a queued one, with the reason the signal carries', async () => {
    const pool = makePool(1);
    const controller = new AbortController();
    const running = pool.run('eng', (w) => w.work(1, true), options({ signal: controller.signal }));
    const queued = pool.run('eng', (w) => w.work(2), options({ signal: controller.signal }));
    await new Promise((r) => setTimeout(r, 5)); // the first job is running, the second waits
    assert.equal(pool.stats().queued, 1);
    controller.abort(new Error('document cancelled'));
    await assert.rejects(running, /document cancelled/);
    await assert.rejects(queued, /document cancelled/);
    assert.equal(pool.stats().queued, 0);
    assert.equal(FakeWorker.made[0]!.terminated, true);
    await pool.close();
  });

  it('keeps a worker that finished starting after its job was cancelled', async () => {
    const pool = makePool(1);
    const controller = new AbortController();
    const job = pool.run('eng', (w) => w.work(1), options({ signal: controller.signal }));
    controller.abort();
    await assert.rejects(job, /cancelled/);
    assert.equal(await pool.run('eng', (w) => w.work(2), options()), 2);
    assert.deepEqual([pool.stats().created, pool.stats().alive], [1, 1]);
    await pool.close();
  });

  it('lets an idle worker for other languages make way when the pool is full', async () => {
    const pool = makePool(1);
    await pool.run('nld', (w) => w.work(1), options());
    assert.equal(await pool.run('fra', async (w) => w.key, options()), 'fra');
    assert.deepEqual(FakeWorker.made.map((w) => [w.key, w.terminated]), [['nld', true], ['fra', false]]);
    await pool.close();
  });

  it('passes on a failure to start a worker and keeps serving', async () => {
    let attempts = 0;
    const pool = new WorkerPool<FakeWorker>(1, async (key) => {
      if (++attempts === 1) throw new Error('no language data');
      return new FakeWorker(key);
    });
    await assert.rejects(pool.run('eng', (w) => w.work(1), options()), /no language data/);
    assert.equal(await pool.run('eng', (w) => w.work(2), options()), 2);
    await pool.close();
  });

  it('refuses jobs after close, including those still waiting', async () => {
    const pool = makePool(1);
    const running = pool.run('eng', (w) => w.work(1, true), options());
    const waiting = pool.run('eng', (w) => w.work(2), options());
    await new Promise((r) => setTimeout(r, 5));
    await pool.close();
    await assert.rejects(waiting, /closed/);
    await assert.rejects(pool.run('eng', (w) => w.work(3), options()), /closed/);
    assert.equal(FakeWorker.made[0]!.terminated, true);
    void running.catch(() => {});
  });

  it('refuses a job as busy when the waiting line is full, and takes jobs again once it moves', async () => {
    FakeWorker.made = [];
    const pool = new WorkerPool<FakeWorker>(1, async (key) => new FakeWorker(key), undefined, 1);
    let finish!: () => void;
    const running = pool.run('x', () => new Promise<string>((r) => { finish = () => r('first'); }), options());
    const waiting = pool.run('x', (w) => w.work('second'), options());
    await assert.rejects(pool.run('x', (w) => w.work('third'), options()), PoolBusyError);
    assert.equal(pool.stats().queued, 1);
    await new Promise((r) => setTimeout(r, 5));
    finish();
    assert.deepEqual(await Promise.all([running, waiting]), ['first', 'second']);
    assert.equal(await pool.run('x', (w) => w.work('fourth'), options()), 'fourth');
    await pool.close();
  });
});
