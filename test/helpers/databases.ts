import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openDatabase, type Db } from '../../src/catalog/db.js';

/**
 * The databases every repository test runs on: a temp SQLite file always, and a fresh
 * PostgreSQL database when the server at DOSSIER_TEST_PG (default 127.0.0.1:5432) answers.
 */
export interface TestDatabase { name: string; open(): Promise<{ db: Db; url?: string; drop(): Promise<void> }> }

export const PG_ADMIN = process.env.DOSSIER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let pgReachable: Promise<boolean> | null = null;
export function postgresReachable(): Promise<boolean> {
  pgReachable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 2000 });
    try { await client.connect(); await client.end(); return true; } catch { return false; }
  })();
  return pgReachable;
}

/** A new empty PostgreSQL database; drop() removes it. */
export async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `dossier_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export const sqliteDatabase: TestDatabase = {
  name: 'sqlite',
  open: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dossier-db-'));
    const db = openDatabase({ sqlitePath: join(dir, 'test.db') });
    await migrate(db);
    return { db, drop: async () => { await db.destroy(); await rm(dir, { recursive: true, force: true }); } };
  },
};

export const postgresDatabase: TestDatabase = {
  name: 'postgresql',
  open: async () => {
    const { url, drop } = await freshPostgres();
    const db = openDatabase({ url, sqlitePath: '' });
    await migrate(db);
    return { db, url, drop: async () => { await db.destroy(); await drop(); } };
  },
};

/** Both dialects; PostgreSQL is reported as skipped (naming the reason) when unreachable. */
export async function testDatabases(): Promise<Array<TestDatabase & { skip?: string }>> {
  const pgOk = await postgresReachable();
  return [sqliteDatabase, { ...postgresDatabase, ...(!pgOk && { skip: `PostgreSQL is not reachable at ${PG_ADMIN} (install and start postgresql)` }) }];
}
