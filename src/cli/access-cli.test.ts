import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Db } from '../catalog/db.js';
import { insertUser } from '../catalog/users.js';
import { authenticateApiKey } from '../auth/api-keys.js';
import { dossierJson } from '../../test/helpers/cli.js';

/** `dossier api-keys` and `dossier users deactivate|activate`, on the real binary. */
describe('dossier api-keys and users deactivate (CLI)', () => {
  let work = '';
  let db: Db;
  const dossier = (...args: string[]) => dossierJson(join(work, 'data'), ...args);
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'dossier-cli-access-'));
    const first = await dossier('companies', 'list'); // sets the database up
    assert.equal(first.code, 0);
    db = openDatabase({ sqlitePath: join(work, 'data', 'dossier.db') });
    const orgId = (await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
    await insertUser(db, orgId, { email: 'anna@example.com', name: 'Anna', role: 'member', rights: [] });
  });
  after(async () => { await db?.destroy(); await rm(work, { recursive: true, force: true }); });

  it('creates a key for a user, lists it without its secret, and revokes it', async () => {
    const made = await dossier('api-keys', 'create', '--email', 'anna@example.com', '--name', 'invoicing app');
    assert.equal(made.code, 0, JSON.stringify(made));
    assert.match(made.apiKey, /^dsk_/);
    assert.equal((await authenticateApiKey(db, made.apiKey)).userId, made.userId);
    const listed = await dossier('api-keys', 'list', '--email', 'anna@example.com');
    assert.deepEqual(listed.apiKeys.map((k: { id: string }) => k.id), [made.id]);
    assert.equal(listed.apiKeys[0].prefix, made.apiKey.split('_')[1]);
    assert.ok(!JSON.stringify(listed).includes(made.apiKey.split('_').slice(2).join('_')));
    const revoked = await dossier('api-keys', 'revoke', made.id);
    assert.equal(revoked.code, 0, JSON.stringify(revoked));
    await assert.rejects(authenticateApiKey(db, made.apiKey), /revoked/);
    const again = await dossier('api-keys', 'revoke', made.id);
    assert.equal(again.code, 1);
    assert.match(again.error.message, /api-keys list/);
  });

  it('deactivates a user (its keys stop) and activates it again, but never the last admin', async () => {
    const key = (await dossier('api-keys', 'create', '--email', 'anna@example.com', '--name', 'k')).apiKey;
    const off = await dossier('users', 'deactivate', '--email', 'anna@example.com');
    assert.deepEqual([off.code, off.active], [0, false]);
    await assert.rejects(authenticateApiKey(db, key));
    const refused = await dossier('api-keys', 'create', '--email', 'anna@example.com', '--name', 'k2');
    assert.equal(refused.code, 1);
    assert.match(refused.error.message, /users activate/);
    const on = await dossier('users', 'activate', '--email', 'anna@example.com');
    assert.deepEqual([on.code, on.active], [0, true]);
    const admin = await dossier('users', 'deactivate', '--email', 'admin@localhost');
    assert.equal(admin.code, 1);
    assert.match(admin.error.message, /only active administrator/);
  });
});
