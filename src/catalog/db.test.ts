import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { freshPostgres, PG_ADMIN, postgresReachable } from '../../test/helpers/databases.js';
import { openDatabase } from './db.js';

describe('database on postgresql', { skip: !(await postgresReachable()) ? 'PostgreSQL is not reachable (install and start postgresql)' : false }, () => {
  it('outlives the server closing its idle connections, and reconnects on the next query', async () => {
    const { url, drop } = await freshPostgres();
    const lost: Error[] = [];
    const db = openDatabase({ url, sqlitePath: '', onConnectionLost: (err) => lost.push(err) });
    try {
      await sql`select 1`.execute(db);
      const admin = new pg.Client({ connectionString: PG_ADMIN });
      await admin.connect();
      const killed = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [new URL(url).pathname.slice(1)]);
      await admin.end();
      assert.ok(killed.rowCount! >= 1, 'the pooled connection was there to be closed');
      for (let i = 0; i < 100 && lost.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.match(lost[0]?.message ?? '', /terminating connection/, 'the loss is reported, not thrown at the process');
      const { rows } = await sql<{ n: number }>`select 2 as n`.execute(db);
      assert.equal(rows[0]!.n, 2);
    } finally {
      await db.destroy();
      await drop();
    }
  });
});
