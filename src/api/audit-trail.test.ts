import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { startApi, type Api } from './harness.test.js';
import { freshPostgres, postgresReachable } from '../../test/helpers/databases.js';
import { verifyChain } from '../audit/verify.js';
import { refuseAuditAppends as refuseAudit } from '../../test/helpers/refuse-audit.js';
import { setPassword } from '../auth/sessions.js';

/**
 * A change made through the API and its audit entry commit together: when the entry cannot be
 * written (here the database itself refuses it, with a trigger), the change is not there
 * either, and on PostgreSQL a reader never sees the change before its entry.
 */
const refuseAuditAppends = (api: Api) => refuseAudit(api.deps.db);

const count = async (api: Api, table: 'audit_entries' | 'destinations' | 'connections' | 'users') =>
  Number((await api.deps.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

for (const database of [{ name: 'sqlite', postgres: false }, { name: 'postgresql', postgres: true }]) {
  const skip = database.postgres && !(await postgresReachable()) ? 'PostgreSQL is not reachable (install and start postgresql)' : false;
  describe(`changes through the API and their audit entries, on ${database.name}`, { skip }, () => {
    const start = async (t: { after(fn: () => Promise<void>): void }) => {
      const pgdb = database.postgres ? await freshPostgres() : null;
      const api = await startApi(pgdb ? { env: { DATABASE_URL: pgdb.url } } : {});
      t.after(async () => { await api.close(); await pgdb?.drop(); });
      return api;
    };

    it('an entry that cannot be written takes its change with it: company, destination, user; with the entry, the change stays', async (t) => {
      const api = await start(t);
      const root = await api.folder('nas');
      const entriesBefore = await count(api, 'audit_entries');
      const [destinations, connections, users] = [await count(api, 'destinations'), await count(api, 'connections'), await count(api, 'users')];
      const companyName = (await api.call({ method: 'GET', url: `/v1/companies/${api.companyId}` })).json().name;

      const allow = await refuseAuditAppends(api);
      const renamed = await api.call({ method: 'PATCH', url: `/v1/companies/${api.companyId}`, payload: { name: 'Renamed without a trace' } });
      assert.equal(renamed.statusCode, 500, renamed.body);
      // A destination is several writes (its connection, its row, the first pass queued) and transactions of its own.
      const added = await api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'NAS', kind: 'local', settings: { root } } });
      assert.equal(added.statusCode, 500, added.body);
      const user = await api.call({ method: 'POST', url: '/v1/users', payload: { email: 'clerk@example.com', name: 'Clerk', rights: ['review_inbox'] } });
      assert.equal(user.statusCode, 500, user.body);

      assert.equal((await api.call({ method: 'GET', url: `/v1/companies/${api.companyId}` })).json().name, companyName);
      assert.equal((await api.call({ method: 'GET', url: '/v1/destinations' })).json().items.length, 0);
      assert.deepEqual([await count(api, 'destinations'), await count(api, 'connections'), await count(api, 'users')], [destinations, connections, users]);
      assert.equal(await count(api, 'audit_entries'), entriesBefore);

      await allow();
      const again = await api.call({ method: 'PATCH', url: `/v1/companies/${api.companyId}`, payload: { name: 'Renamed' } });
      assert.equal(again.statusCode, 200, again.body);
      const made = await api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'NAS', kind: 'local', settings: { root } } });
      assert.equal(made.statusCode, 201, made.body);
      // Webhook endpoints are settings too, as they are from the command line; the secret is not kept.
      const hook = await api.call({ method: 'POST', url: '/v1/webhooks', payload: { url: 'http://127.0.0.1:9/hook', eventTypes: ['document.created'] } });
      assert.equal(hook.statusCode, 201, hook.body);
      const entries = (await api.call({ method: 'GET', url: '/v1/audit?type=settings.changed' })).json().items;
      assert.deepEqual(entries.map((e: { objectId: string }) => e.objectId), [hook.json().endpoint.id, made.json().id, api.companyId]);
      assert.doesNotMatch(JSON.stringify(entries[0]), new RegExp(hook.json().secret));
      const chain = await verifyChain(api.deps.db, api.orgId);
      assert.equal(chain.ok, true, JSON.stringify(chain));
      assert.equal(chain.entries, entriesBefore + 3); // the refused ones left no gap in seq
    });

    it('a sign-in whose entry cannot be written starts no session', async (t) => {
      const api = await start(t);
      const user = await api.deps.db.selectFrom('users').select('id').executeTakeFirstOrThrow();
      await setPassword(api.deps.db, api.orgId, user.id, 'correct horse battery');
      const email = (await api.deps.db.selectFrom('users').select('email').where('id', '=', user.id).executeTakeFirstOrThrow()).email;
      const signInAs = () => api.call({ method: 'POST', url: '/v1/session', payload: { email, password: 'correct horse battery' }, key: null });
      const sessions = async () => Number((await api.deps.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

      const allow = await refuseAuditAppends(api);
      const refused = await signInAs();
      assert.equal(refused.statusCode, 500, refused.body);
      assert.equal(refused.headers['set-cookie'], undefined);
      assert.equal(await sessions(), 0);
      await allow();
      const ok = await signInAs();
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(await sessions(), 1);
      const entries = (await api.call({ method: 'GET', url: '/v1/audit?type=user.signed_in' })).json().items;
      assert.deepEqual(entries.map((e: { objectId: string }) => e.objectId), [user.id]);
    });

    // PostgreSQL only: there a reader beside the writer can look while the transaction is open.
    if (database.postgres) it('a change is never seen without its entry while both are being written, and concurrent changes make one chain', async (t) => {
      const api = await start(t);
      const db = api.deps.db;
      // The entry's insert waits a moment, with the change already written in the same transaction.
      await sql`CREATE FUNCTION slow_audit() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(0.5); RETURN NEW; END $$ LANGUAGE plpgsql`.execute(db);
      await sql`CREATE TRIGGER slow_audit BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION slow_audit()`.execute(db);
      const before = (await db.selectFrom('companies').select('name').where('id', '=', api.companyId).executeTakeFirstOrThrow()).name;
      const patch = api.call({ method: 'PATCH', url: `/v1/companies/${api.companyId}`, payload: { name: 'Slowly renamed' } });
      const others = [1, 2, 3].map((i) => api.call({ method: 'POST', url: '/v1/binders', payload: { companyId: api.companyId, name: `Binder ${i}` } }));
      // Wait until the entry's insert is sleeping: the new name is written, uncommitted.
      let sleeping = false;
      for (let i = 0; i < 500 && !sleeping; i++) {
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'insert into "audit_entries"%' AND wait_event = 'PgSleep'`.execute(db);
        sleeping = rows[0]!.n > 0;
        if (!sleeping) await new Promise((r) => setTimeout(r, 10));
      }
      assert.ok(sleeping, 'an audit entry was being written');
      assert.equal((await db.selectFrom('companies').select('name').where('id', '=', api.companyId).executeTakeFirstOrThrow()).name, before);
      assert.equal((await patch).statusCode, 200);
      for (const o of await Promise.all(others)) assert.equal(o.statusCode, 201, o.body);
      assert.equal((await db.selectFrom('companies').select('name').where('id', '=', api.companyId).executeTakeFirstOrThrow()).name, 'Slowly renamed');
      const chain = await verifyChain(db, api.orgId);
      assert.equal(chain.ok, true, JSON.stringify(chain));
      const types = (await api.call({ method: 'GET', url: '/v1/audit?type=settings.changed' })).json().items.map((e: { objectType: string }) => e.objectType).sort();
      assert.deepEqual(types, ['binder', 'binder', 'binder', 'company']);
    });
  });
}
