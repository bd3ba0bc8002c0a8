import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/helpers/databases.js';
import type { Db } from './db.js';
import { createOrganization } from './organizations.js';
import { afterCommit, inOneTransaction, inUnitOfWork } from './unit-of-work.js';

const nameOf = async (db: Db, id: string) => (await db.selectFrom('organizations').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name;
const rename = (db: Db, id: string, name: string) => db.updateTable('organizations').set({ name }).where('id', '=', id).execute();

for (const database of await testDatabases()) {
  describe(`units of work on ${database.name}`, { skip: database.skip }, () => {
    let db: Db;
    let drop: () => Promise<void>;
    before(async () => { ({ db, drop } = await database.open()); });
    after(() => drop?.());

    it('commits everything written through the plain db together, its own transactions as savepoints, and runs what waits for the commit after it', async () => {
      const a = await createOrganization(db, 'A');
      const b = await createOrganization(db, 'B');
      const ran: string[] = [];
      await inOneTransaction(async () => {
        assert.equal(inUnitOfWork(), true);
        await rename(db, a, 'A2');
        afterCommit(() => ran.push(`after:${inUnitOfWork()}`));
        // A transaction inside that fails undoes only its own writes.
        await assert.rejects(db.transaction().execute(async (trx) => {
          await trx.updateTable('organizations').set({ name: 'B-lost' }).where('id', '=', b).execute();
          throw new Error('inner failure');
        }), /inner failure/);
        await db.transaction().execute((trx) => trx.updateTable('organizations').set({ name: 'B2' }).where('id', '=', b).execute());
        assert.equal(await nameOf(db, b), 'B2'); // the unit reads its own writes
        ran.push('work');
      });
      assert.deepEqual(ran, ['work', 'after:false']);
      assert.deepEqual([await nameOf(db, a), await nameOf(db, b)], ['A2', 'B2']);
    });

    it('rolls back everything when the work throws, and drops what waited for the commit', async () => {
      const a = await createOrganization(db, 'A');
      const ran: string[] = [];
      await assert.rejects(inOneTransaction(async () => {
        await rename(db, a, 'A-lost');
        await db.transaction().execute((trx) => trx.updateTable('organizations').set({ name: 'A-lost-too' }).where('id', '=', a).execute());
        afterCommit(() => ran.push('after'));
        throw new Error('the audit entry could not be written');
      }), /could not be written/);
      assert.equal(ran.length, 0);
      assert.equal(await nameOf(db, a), 'A');
      // Outside a unit, what waits for a commit runs at once.
      afterCommit(() => ran.push('now'));
      assert.deepEqual(ran, ['now']);
    });

    it('keeps an open unit\'s writes from queries outside it until it commits', async () => {
      const a = await createOrganization(db, 'A');
      let release!: () => void;
      const hold = new Promise<void>((r) => { release = r; });
      let written!: () => void;
      const isWritten = new Promise<void>((r) => { written = r; });
      const unit = inOneTransaction(async () => {
        await rename(db, a, 'A2');
        written();
        await hold;
      });
      await isWritten;
      // Outside the unit: PostgreSQL answers with the committed name, SQLite's one connection waits for the commit.
      const outside = nameOf(db, a);
      const seenEarly = await Promise.race([outside, new Promise<string>((r) => setTimeout(() => r('waiting'), 200))]);
      assert.equal(seenEarly, database.name === 'sqlite' ? 'waiting' : 'A');
      release();
      await unit;
      assert.equal(await nameOf(db, a), 'A2');
      await outside;
    });
  });
}
