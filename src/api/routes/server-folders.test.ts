import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { otherOrganization, startApi } from '../harness.test.js';
import { startSshd, SSHD_MISSING } from '../../../test/servers/sshd.js';
import { RCLONE_MISSING, startWebdav } from '../../../test/servers/webdav.js';

/** POST /v1/destinations/folders(/new): the wizard's folder browser for SFTP and WebDAV, with typed-in details. */
test('browses an SFTP server below the typed root once its host key is confirmed, makes a folder, refuses a slash', async (t) => {
  const sshd = await startSshd();
  if (!sshd) { t.skip(SSHD_MISSING); return; }
  const api = await startApi();
  t.after(async () => { await api.close(); await sshd.stop(); });
  await mkdir(join(sshd.root, 'backup', 'dossier'), { recursive: true });
  await mkdir(join(sshd.root, 'photos'));
  const settings = { host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, root: sshd.root };
  const browse = (s: Record<string, unknown>, path = '', key?: string) => api.call({ method: 'POST', url: '/v1/destinations/folders', payload: { kind: 'sftp', settings: s, path }, key });

  const unconfirmed = await browse(settings);
  assert.equal(unconfirmed.statusCode, 400, 'no host key confirmed, no browsing');
  assert.match(unconfirmed.json().error.message, /host key/);
  const confirmed = { ...settings, hostKeySha256: sshd.hostKeySha256 };
  const top = await browse(confirmed);
  assert.equal(top.statusCode, 200, top.body);
  assert.deepEqual(top.json().folders, [{ name: 'backup', path: 'backup' }, { name: 'photos', path: 'photos' }]);
  assert.deepEqual((await browse(confirmed, 'backup')).json().folders, [{ name: 'dossier', path: 'backup/dossier' }]);
  assert.equal((await browse(confirmed, '../etc')).statusCode, 400, 'no climbing out of the root');
  const wrongKey = await browse({ ...settings, hostKeySha256: `SHA256:${'A'.repeat(43)}` });
  assert.ok(wrongKey.statusCode >= 400, 'a host key that does not match is not browsed');

  const make = (parent: string, name: string, key?: string) => api.call({ method: 'POST', url: '/v1/destinations/folders/new', payload: { kind: 'sftp', settings: confirmed, parent, name }, key });
  const made = await make('backup', 'Year 2024');
  assert.equal(made.statusCode, 201, made.body);
  assert.deepEqual(made.json(), { name: 'Year 2024', path: 'backup/Year 2024' });
  assert.ok(existsSync(join(sshd.root, 'backup', 'Year 2024')));
  const slash = await make('backup', 'a/b');
  assert.equal(slash.statusCode, 400);
  assert.equal(slash.json().error.reason, 'folder_name_slash');
  assert.ok(!existsSync(join(sshd.root, 'backup', 'a')), 'a slash made no folder');

  // Rights: a member without manage_destinations may not log in to servers with it.
  const user = (await api.call({ method: 'POST', url: '/v1/users', payload: { email: 'reader@example.com', name: 'Reader', rights: ['review_inbox'] } })).json();
  const key = (await api.call({ method: 'POST', url: `/v1/users/${user.id}/api-keys`, payload: { name: 'k' } })).json().apiKey;
  for (const res of [await browse(confirmed, '', key), await make('', 'theirs', key)]) {
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.reason, 'missing_right');
  }
  assert.ok(!existsSync(join(sshd.root, 'theirs')));
  // Another organization's admin may browse its own servers (nothing here is tied to an organization).
  const other = await otherOrganization(api);
  assert.equal((await browse(confirmed, '', other.apiKey)).statusCode, 200);
  assert.equal((await api.deps.db.selectFrom('connections').selectAll().execute()).length, 0, 'nothing is stored');
});

test('browses a WebDAV server below the typed root and makes a folder there', async (t) => {
  const dav = await startWebdav();
  if (!dav) { t.skip(RCLONE_MISSING); return; }
  const api = await startApi();
  t.after(async () => { await api.close(); await dav.stop(); });
  await mkdir(join(dav.dir, 'Archive', '2024'), { recursive: true });
  const settings = { url: dav.url, username: dav.username, password: dav.password };
  const top = await api.call({ method: 'POST', url: '/v1/destinations/folders', payload: { kind: 'webdav', settings, path: '' } });
  assert.equal(top.statusCode, 200, top.body);
  assert.deepEqual(top.json().folders, [{ name: 'Archive', path: 'Archive' }]);
  const below = await api.call({ method: 'POST', url: '/v1/destinations/folders', payload: { kind: 'webdav', settings: { ...settings, root: 'Archive' }, path: '' } });
  assert.deepEqual(below.json().folders, [{ name: '2024', path: '2024' }]);
  const made = await api.call({ method: 'POST', url: '/v1/destinations/folders/new', payload: { kind: 'webdav', settings, parent: 'Archive', name: 'Dossier' } });
  assert.equal(made.statusCode, 201, made.body);
  assert.ok(existsSync(join(dav.dir, 'Archive', 'Dossier')));
  const s3 = await api.call({ method: 'POST', url: '/v1/destinations/folders', payload: { kind: 's3', settings: {}, path: '' } });
  assert.equal(s3.statusCode, 400, 'only SFTP and WebDAV are browsed');
});

test('refuses to browse a server on an address the operator has not allowed, as a backup would', async (t) => {
  const api = await startApi({ env: { DOSSIER_ALLOW_HOSTS: '' } });
  t.after(() => api.close());
  const res = await api.call({ method: 'POST', url: '/v1/destinations/folders', payload: { kind: 'webdav', settings: { url: 'http://127.0.0.1:9/dav/', username: 'u', password: 'p' }, path: '' } });
  assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body}`);
  assert.equal(res.json().error.reason, 'address_refused');
});
