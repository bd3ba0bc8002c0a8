import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { createWorld, type World } from '../../test/helpers/world.js';
import { postgresReachable } from '../../test/helpers/databases.js';
import { sql } from 'kysely';

for (const dialect of ['sqlite', 'postgresql'] as const) {
  describe(`schedulers on ${dialect}`, { skip: dialect === 'postgresql' && !(await postgresReachable()) ? 'PostgreSQL is not reachable (install and start postgresql)' : false }, () => {
    let w: World;
    before(async () => { w = await createWorld({ postgres: dialect === 'postgresql' }); });
    after(async () => { await w?.close(); });

    const addDestination = (store: string, schedule: string) => w.deps.backup.add(w.orgId, {
      companyId: w.companyId, name: `Backup ${store}`, kind: 'testmem', settings: { store }, layout: 'company-year-type',
      startDate: null, schedule, restoreDeleted: true, respectFolderDeletions: false,
    });

    it('runs a daily destination once for its missed slot, and a continuous one only when it has work', async () => {
      await w.addDocument({ number: 'S-1' });
      const daily = await addDestination('daily', 'daily@03:00');
      const continuous = await addDestination('cont', 'continuous');
      await w.deps.queue.idle();
      const runs = async (id: string) => (await w.deps.backup.runs(w.orgId, id, 50)).length;
      const continuousRuns = await runs(continuous.id);
      const dailyRuns = await runs(daily.id);
      await w.deps.scheduler.tick();
      await w.deps.queue.idle();
      assert.equal(await runs(daily.id), dailyRuns, 'a daily destination that ran since its slot waits for the next');
      const now = DateTime.utc().plus({ days: 1 });
      await w.deps.scheduler.tick(now);
      await w.deps.queue.idle();
      assert.equal(await runs(daily.id), dailyRuns + 1, 'the slot missed is caught up');
      assert.equal(await runs(continuous.id), continuousRuns, 'nothing waits for the continuous destination');
      // A document another process recorded without announcing it: the next tick finds it.
      await sql`UPDATE destinations SET cursor_seq = 0 WHERE id = ${continuous.id}`.execute(w.deps.db);
      await w.deps.scheduler.tick();
      await w.deps.queue.idle();
      assert.equal(await runs(continuous.id), continuousRuns + 1);
    });
  });
}
