import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { testDatabases } from '../../test/helpers/databases.js';
import { createOrganization, createUser, listCompanies } from '../catalog/organizations.js';
import type { Db } from '../catalog/db.js';
import { authenticateApiKey } from './api-keys.js';
import { ADMIN_EMAIL, bootstrapIfEmpty, firstStartNotice } from './bootstrap.js';
import { checkCredentials } from './sessions.js';

async function count(db: Db, table: 'organizations' | 'users' | 'companies' | 'api_keys'): Promise<number> {
  return Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

async function assertUsable(db: Db, first: { orgId: string; apiKey: string; password: string }) {
  assert.equal((await authenticateApiKey(db, first.apiKey)).orgId, first.orgId, 'the shown API key works');
  assert.ok(await checkCredentials(db, ADMIN_EMAIL, first.password), 'the shown password works');
  assert.equal((await listCompanies(db, first.orgId)).length, 1);
}

for (const database of await testDatabases()) {
  describe(`first start on ${database.name}`, { skip: database.skip }, () => {
    it('keeps nothing of a set-up that fails before its commit, and the next start sets up afresh', async (t) => {
      const { db, drop } = await database.open();
      t.after(drop);
      await assert.rejects(bootstrapIfEmpty(db, { show: () => { throw new Error('killed'); } }), /credentials above were shown, so they were not kept/);
      for (const table of ['organizations', 'users', 'companies', 'api_keys'] as const) assert.equal(await count(db, table), 0, `no ${table} row`);
      const first = (await bootstrapIfEmpty(db))!;
      await assertUsable(db, first);
      assert.equal(await bootstrapIfEmpty(db), null, 'set up once');
    });

    it('finishes a set-up an older version left half-made, and says so', async (t) => {
      const { db, drop } = await database.open();
      t.after(drop);
      // What a kill 1.4 s into the old step-by-step first start left: an organization and its admin.
      const orgId = await createOrganization(db, 'My organization');
      await createUser(db, orgId, { email: ADMIN_EMAIL, name: 'Administrator', role: 'admin' });
      const shown: string[][] = [];
      const first = (await bootstrapIfEmpty(db, { show: (f) => shown.push(firstStartNotice(f)) }))!;
      assert.equal(first.orgId, orgId);
      assert.equal(first.recovered, 'incomplete');
      assert.match(shown[0]![0]!, /stopped half-way/);
      assert.ok(shown[0]!.some((l) => l.includes(first.apiKey)));
      await assertUsable(db, first);
      assert.equal(await count(db, 'organizations'), 1);
      assert.equal(await bootstrapIfEmpty(db), null);
    });

    it('says that an earlier first start was stopped when its marker is still there', async (t) => {
      const { db, drop } = await database.open();
      const dir = await mkdtemp(join(tmpdir(), 'dossier-first-'));
      t.after(async () => { await drop(); await rm(dir, { recursive: true, force: true }); });
      const markerPath = join(dir, 'first-start.pending');
      writeFileSync(markerPath, 'a start that was killed\n');
      const first = (await bootstrapIfEmpty(db, { markerPath }))!;
      assert.equal(first.recovered, 'interrupted');
      assert.match(firstStartNotice(first)[0]!, /stopped before it finished: nothing of it was kept/);
      assert.equal(existsSync(markerPath), false, 'the marker goes once set-up is committed');
      await assertUsable(db, first);
    });
  });
}
