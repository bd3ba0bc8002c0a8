import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Db } from '../catalog/db.js';
import { insertUser } from '../catalog/users.js';
import { dossierJson, dossierJsonWith } from '../../test/helpers/cli.js';
import { testDatabases } from '../../test/helpers/databases.js';
import { refuseAuditAppends } from '../../test/helpers/refuse-audit.js';

/** Changes made with the command line land in the audit log, by the operator, and only when they were made. */
describe('dossier commands that change things are audited (CLI)', () => {
  let work = '';
  let db: Db;
  const dossier = (...args: string[]) => dossierJson(join(work, 'data'), ...args);
  const entries = () => db.selectFrom('audit_entries').selectAll().orderBy('seq').execute();
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'dossier-cli-audit-'));
    assert.equal((await dossier('companies', 'list')).code, 0); // sets the database up
    db = openDatabase({ sqlitePath: join(work, 'data', 'dossier.db') });
    const orgId = (await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
    await insertUser(db, orgId, { email: 'anna@example.com', name: 'Anna', role: 'member', rights: [] });
  });
  after(async () => { await db?.destroy(); await rm(work, { recursive: true, force: true }); });

  it('records companies, destinations, keys, users and webhooks changed with the CLI as the operator\'s, with the object, never a value', async () => {
    const before = (await entries()).length;
    const company = await dossier('companies', 'add', '--name', 'Brico BV', '--language', 'nl');
    assert.equal(company.code, 0, JSON.stringify(company));
    const root = join(work, 'nas');
    await mkdir(root);
    const dst = await dossier('destinations', 'add', '--company', company.id, '--name', 'NAS', '--kind', 'local', '--root', root, '--layout', 'company-year-type');
    assert.equal(dst.code, 0, JSON.stringify(dst));
    assert.equal((await dossier('destinations', 'pause', dst.id)).code, 0);
    const key = await dossier('api-keys', 'create', '--email', 'anna@example.com', '--name', 'invoicing app');
    assert.equal(key.code, 0, JSON.stringify(key));
    assert.equal((await dossier('api-keys', 'revoke', key.id)).code, 0);
    assert.equal((await dossier('users', 'deactivate', '--email', 'anna@example.com')).code, 0);
    const hook = await dossier('webhooks', 'add', '--url', 'http://127.0.0.1:9/hook', '--events', 'document.created');
    assert.equal(hook.code, 0, JSON.stringify(hook));

    const made = (await entries()).slice(before);
    assert.deepEqual(made.map((e) => [e.type, JSON.parse(e.details).command]), [
      ['settings.changed', 'companies add'], ['settings.changed', 'destinations add'], ['settings.changed', 'destinations pause'],
      ['api_key.created', 'api-keys create'], ['api_key.revoked', 'api-keys revoke'], ['user.rights_changed', 'users deactivate'],
      ['settings.changed', 'webhooks add'],
    ]);
    assert.ok(made.every((e) => e.actor_kind === 'system' && e.actor_id === 'cli'), 'who: the operator at the command line');
    const ids = made.map((e) => e.object_id);
    assert.deepEqual(ids.slice(0, 5), [company.id, dst.id, dst.id, key.id, key.id]);
    assert.match(ids[5]!, /^usr_/);
    assert.match(ids[6]!, /^whe_/);
    assert.equal(made[1]!.company_id, company.id);
    assert.deepEqual(JSON.parse(made[1]!.details).options, ['company', 'kind', 'layout', 'name', 'root']);
    assert.ok(!made.some((e) => e.details.includes(root) || e.details.includes('invoicing app') || e.details.includes(key.apiKey)), 'option values stay out');
    assert.equal((await dossier('audit', 'verify')).code, 0, 'the chain holds');
  });

  it('writes nothing for a change that failed, nor for commands that change nothing', async () => {
    const before = (await entries()).length;
    const failed = await dossier('destinations', 'pause', 'dst_aaaaaaaaaaaaaaaaaaaa');
    assert.notEqual(failed.code, 0);
    assert.notEqual((await dossier('api-keys', 'revoke', 'key_aaaaaaaaaaaaaaaaaaaa')).code, 0);
    assert.equal((await dossier('companies', 'list')).code, 0);
    assert.equal((await dossier('destinations', 'list')).code, 0);
    assert.equal((await entries()).length, before);
  });
});

/** A command's change and its entry commit together, on either database: an entry that cannot be written leaves no change and prints no result. */
for (const database of await testDatabases()) {
  describe(`dossier's audited commands on ${database.name}: the change and its entry are one`, { skip: database.skip }, () => {
    it('an entry the database refuses takes its company, key and webhook with it; without the refusal they stay, each with its entry', async (t) => {
      const work = await mkdtemp(join(tmpdir(), 'dossier-cli-audit-'));
      const { db, url, drop } = await database.open();
      t.after(async () => { await drop(); await rm(work, { recursive: true, force: true }); });
      const dossier = (...args: string[]) => dossierJsonWith(url ? { DATABASE_URL: url } : {}, join(work, 'data'), ...args);
      assert.equal((await dossier('companies', 'list')).code, 0); // sets the database up
      // The binary's own database on SQLite is the data folder's file; the test looks at that one.
      const look = url ? db : openDatabase({ sqlitePath: join(work, 'data', 'dossier.db') });
      if (!url) t.after(() => look.destroy());
      const orgId = (await look.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
      await insertUser(look, orgId, { email: 'anna@example.com', name: 'Anna', role: 'member', rights: [] });
      const count = async (table: 'companies' | 'api_keys' | 'webhook_endpoints' | 'audit_entries') =>
        Number((await look.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const before = await Promise.all([count('companies'), count('api_keys'), count('webhook_endpoints'), count('audit_entries')]);

      const allow = await refuseAuditAppends(look);
      const company = await dossier('companies', 'add', '--name', 'Brico BV', '--language', 'nl').catch((e: Error) => ({ code: -1, message: e.message }));
      const key = await dossier('api-keys', 'create', '--email', 'anna@example.com', '--name', 'invoicing app').catch((e: Error) => ({ code: -1, message: e.message }));
      const hook = await dossier('webhooks', 'add', '--url', 'http://127.0.0.1:9/hook', '--events', 'document.created').catch((e: Error) => ({ code: -1, message: e.message }));
      for (const r of [company, key, hook]) {
        assert.notEqual(r.code, 0, JSON.stringify(r));
        assert.equal(r.id, undefined, 'no result printed for a change rolled back');
        assert.equal(r.apiKey, undefined);
      }
      assert.deepEqual(await Promise.all([count('companies'), count('api_keys'), count('webhook_endpoints'), count('audit_entries')]), before);

      await allow();
      const made = await dossier('companies', 'add', '--name', 'Brico BV', '--language', 'nl');
      assert.equal(made.code, 0, JSON.stringify(made));
      const entries = await look.selectFrom('audit_entries').selectAll().orderBy('seq').execute();
      assert.equal(entries.length, before[3]! + 1);
      assert.deepEqual([entries.at(-1)!.type, entries.at(-1)!.object_id], ['settings.changed', made.id]);
      assert.equal((await dossier('audit', 'verify')).code, 0, 'the chain holds, with no gap');
    });
  });
}
