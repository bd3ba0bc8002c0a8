import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshPostgres, postgresReachable } from '../../test/helpers/databases.js';
import { silentLogger } from '../log/log.js';
import { migrate, openDatabase, type Db } from '../catalog/db.js';
import { createOrganization, createUser } from '../catalog/organizations.js';
import { openIncidents } from '../catalog/alerts.js';
import type { Mail } from '../mail/mailer.js';
import { AlertService } from './service.js';

/** Two handles on one database stand for two processes: each has its own connection(s). */
const setups = [
  {
    name: 'sqlite', skip: undefined as string | undefined,
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'dossier-incidents-'));
      const path = join(dir, 'test.db');
      const a = openDatabase({ sqlitePath: path });
      await migrate(a);
      const b = openDatabase({ sqlitePath: path });
      return { a, b, drop: async () => { await a.destroy(); await b.destroy(); await rm(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgresql', skip: (await postgresReachable()) ? undefined : 'PostgreSQL is not reachable',
    open: async () => {
      const { url, drop } = await freshPostgres();
      const a = openDatabase({ url, sqlitePath: '' });
      await migrate(a);
      const b = openDatabase({ url, sqlitePath: '' });
      return { a, b, drop: async () => { await a.destroy(); await b.destroy(); await drop(); } };
    },
  },
];

for (const setup of setups) {
  describe(`alert incidents opened by two processes at once (${setup.name})`, { skip: setup.skip }, () => {
    let a: Db; let b: Db; let drop: () => Promise<void>;
    let orgId: string;
    const mails: Mail[] = [];
    const service = (db: Db) => new AlertService({ db, log: silentLogger, mailer: { send: async (m) => { mails.push(m); } }, baseUrl: 'http://127.0.0.1:9' });
    before(async () => {
      ({ a, b, drop } = await setup.open());
      orgId = await createOrganization(a, 'Firm');
      await createUser(a, orgId, { email: 'admin@example.com', name: 'Admin', role: 'admin' });
    });
    after(() => drop?.());

    it('open one incident and send one mail, however the two race, and a new one after it recovered', async () => {
      const [one, two] = [service(a), service(b)];
      for (let round = 0; round < 20; round++) {
        mails.length = 0;
        const subject = `dst_${round}`;
        const occurrence = { type: 'destination.needs_attention' as const, orgId, subject, data: { name: `Destination ${round}`, reason: 'refused' } };
        await Promise.all([one.announce(occurrence), two.announce(occurrence), one.announce(occurrence), two.announce(occurrence)]);
        assert.equal(mails.length, 1, `round ${round}: one mail`);
        assert.equal((await openIncidents(a, orgId)).filter((i) => i.subjectId === subject).length, 1, `round ${round}: one open incident`);
      }
      mails.length = 0;
      await one.announce({ type: 'destination.recovered', orgId, subject: 'dst_0', data: {} });
      await Promise.all([one.announce({ type: 'destination.needs_attention', orgId, subject: 'dst_0', data: { name: 'D', reason: 'again' } }),
        two.announce({ type: 'destination.needs_attention', orgId, subject: 'dst_0', data: { name: 'D', reason: 'again' } })]);
      assert.equal(mails.length, 1);
      assert.equal((await openIncidents(b, orgId)).filter((i) => i.subjectId === 'dst_0').length, 1);
    });
  });
}
