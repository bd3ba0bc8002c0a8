import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, type Migration } from 'kysely/migration';
import { migrate, openDatabase, type Db } from '../../src/catalog/db.js';
import { getUser } from '../../src/catalog/users.js';
import * as initial from '../../src/catalog/migrations/001-initial.js';
import * as oauth from '../../src/catalog/migrations/002-oauth.js';
import * as collect from '../../src/catalog/migrations/003-collect.js';
import * as sessions from '../../src/catalog/migrations/004-sessions.js';
import * as userInvitations from '../../src/catalog/migrations/005-user-invitations.js';
import { freshPostgres, PG_ADMIN, postgresReachable } from '../helpers/databases.js';

/** A database as the installation before the rights migration left it. */
const OLD: Record<string, Migration> = {
  '001-initial': initial, '002-oauth': oauth, '003-collect': collect, '004-sessions': sessions, '005-user-invitations': userInvitations,
};

const dialects: Array<{ name: string; open(): Promise<{ db: Db; drop(): Promise<void> }>; skip?: string }> = [
  {
    name: 'sqlite',
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'dossier-rights-'));
      const db = openDatabase({ sqlitePath: join(dir, 'old.db') });
      return { db, drop: async () => { await db.destroy(); await rm(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgresql',
    ...(!(await postgresReachable()) && { skip: `PostgreSQL is not reachable at ${PG_ADMIN}` }),
    open: async () => {
      const pg = await freshPostgres();
      const db = openDatabase({ url: pg.url, sqlitePath: '' });
      return { db, drop: async () => { await db.destroy(); await pg.drop(); } };
    },
  },
];

/**
 * Companies and documents needed no right before: members of an installation made then keep
 * doing what they did (manage_companies and manage_documents), and stay active.
 */
for (const dialect of dialects) {
  describe(`the rights migration (${dialect.name})`, { skip: dialect.skip }, () => {
    it('gives existing members the rights for companies and documents, and keeps everyone active', async () => {
      const { db, drop } = await dialect.open();
      try {
        const { error } = await new Migrator({ db, provider: { getMigrations: async () => OLD } }).migrateToLatest();
        assert.ifError(error);
        await db.insertInto('organizations').values({ id: 'org_a', name: 'A', created_at: '2024-01-01T00:00:00Z' }).execute();
        await db.insertInto('users').values([
          { id: 'usr_member', org_id: 'org_a', email: 'm@example.com', name: 'M', role: 'member', rights: '["review_inbox"]', created_at: '2024-01-01T00:00:00Z', password_hash: null },
          { id: 'usr_admin', org_id: 'org_a', email: 'a@example.com', name: 'A', role: 'admin', rights: '[]', created_at: '2024-01-01T00:00:00Z', password_hash: null },
        ]).execute();
        await migrate(db);
        const m = await getUser(db, 'org_a', 'usr_member');
        assert.deepEqual([...m.rights].sort(), ['manage_companies', 'manage_documents', 'review_inbox']);
        assert.equal(m.active, true);
        const a = await getUser(db, 'org_a', 'usr_admin');
        assert.equal(a.role, 'admin');
        assert.equal(a.active, true);
      } finally {
        await drop();
      }
    });
  });
}
