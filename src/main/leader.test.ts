import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { freshPostgres, postgresReachable, PG_ADMIN } from '../../test/helpers/databases.js';
import { silentLogger } from '../log/log.js';
import { Leadership } from './leader.js';

const pgOk = await postgresReachable();

describe('one process runs the schedulers', { skip: !pgOk && `PostgreSQL is not reachable at ${PG_ADMIN}` }, () => {
  let database: { url: string; drop(): Promise<void> };
  before(async () => { database = await freshPostgres(); });
  after(async () => { await database.drop(); });

  it('lets one of several processes lead, and another take over when the leader dies', async () => {
    const leading = new Set<number>();
    const make = (n: number) => new Leadership(database.url, async () => { leading.add(n); return { stop: () => { leading.delete(n); } }; }, silentLogger, 100);
    const processes = [make(1), make(2), make(3)];
    await Promise.all(processes.map((p) => p.start()));
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(leading.size, 1, 'exactly one leads');
    const [first] = [...leading];
    // The leader's database session ends as it would when its process is killed. Only this
    // database's: pg_locks shows the whole server's, and other tests' sessions are not ours to end.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
    await admin.end();
    for (let i = 0; i < 600 && (leading.size !== 1 || leading.has(first!)); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(leading.size, 1, 'again exactly one leads');
    await Promise.all(processes.map((p) => p.stop()));
    assert.equal(leading.size, 0);
  });

  it('never leads after stop() returns, even when the lock comes free while stopping', async () => {
    for (let round = 0; round < 30; round++) {
      const leading = new Set<string>();
      const make = (n: string) => new Leadership(database.url, async () => { leading.add(n); return { stop: () => { leading.delete(n); } }; }, silentLogger, 2);
      const holder = make('holder');
      const contender = make('contender');
      await holder.start();
      await contender.start();
      // The lock comes free while the contender, retrying every 2 ms, is being stopped.
      await Promise.all([holder.stop(), new Promise((r) => setTimeout(r, round % 5)).then(() => contender.stop())]);
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual([...leading], [], `round ${round}: no one leads once both stopped`);
    }
  });

  it('leads at once without PostgreSQL (SQLite: one process)', async () => {
    let led = false;
    const l = new Leadership(undefined, async () => { led = true; return { stop: () => undefined }; }, silentLogger);
    await l.start();
    assert.ok(led);
    await l.stop();
  });
});
