import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { freshPostgres, postgresReachable, PG_ADMIN } from '../../test/helpers/databases.js';
import { silentLogger } from '../log/log.js';
import { PgBossQueue } from './pg-boss.js';
import { queueSuite, waitFor } from './queue-suite.js';

const pgOk = await postgresReachable();

describe('pg-boss job queue', { skip: !pgOk && `PostgreSQL is not reachable at ${PG_ADMIN}` }, () => {
  let database: { url: string; drop(): Promise<void> };
  before(async () => { database = await freshPostgres(); });
  after(async () => { await database.drop(); });
  const open = (schema: string, retry?: { attempts: number; baseMs: number }) =>
    new PgBossQueue({ connectionString: database.url, schema, log: silentLogger, retry, superviseSeconds: 1 });
  const freshSchema = () => `jobs_${randomBytes(4).toString('hex')}`;

  queueSuite(async (retry) => open(freshSchema(), retry));

  it('shares one queue between processes: a job sent by one runs in the other, once per key', async () => {
    const schema = freshSchema();
    const api = open(schema);
    const worker = open(schema);
    const other = open(schema);
    const seen: string[] = [];
    worker.work('sync', async (d: { from: string }) => { seen.push(`worker:${d.from}`); await new Promise((r) => setTimeout(r, 100)); }, { concurrency: 2 });
    other.work('sync', async (d: { from: string }) => { seen.push(`other:${d.from}`); await new Promise((r) => setTimeout(r, 100)); }, { concurrency: 2 });
    for (let i = 0; i < 10; i++) await api.send('sync', { from: `k${i}` }, { singletonKey: `k${i}` });
    await waitFor(() => seen.length === 10);
    await api.idle();
    assert.deepEqual(seen.map((s) => s.split(':')[1]).sort(), Array.from({ length: 10 }, (_, i) => `k${i}`).sort(), 'each job ran once, in one of the workers');
    await Promise.all([api.stop(), worker.stop(), other.stop()]);
  });
});
