import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApi } from '../harness.test.js';
import { startSshd, SSHD_MISSING } from '../../../test/servers/sshd.js';

/** POST /v1/destinations/test: "test connection" in the wizard, with the SFTP host key to confirm. */
test('trying SFTP settings reports the host key, refuses a wrong one or a wrong password, and stores nothing', async (t) => {
  const sshd = await startSshd();
  if (!sshd) { t.skip(SSHD_MISSING); return; }
  const api = await startApi();
  t.after(async () => { await api.close(); await sshd.stop(); });
  const base = { host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, root: sshd.root };
  const attempt = (settings: Record<string, unknown>) => api.call({ method: 'POST', url: '/v1/destinations/test', payload: { kind: 'sftp', settings } });

  const first = await attempt(base);
  assert.equal(first.statusCode, 200, first.body);
  assert.deepEqual({ ok: first.json().ok, hostKeySha256: first.json().hostKeySha256 }, { ok: true, hostKeySha256: sshd.hostKeySha256 });

  const confirmed = await attempt({ ...base, hostKeySha256: sshd.hostKeySha256 });
  assert.equal(confirmed.json().ok, true);

  const other = `SHA256:${'A'.repeat(43)}`;
  const wrongKey = (await attempt({ ...base, hostKeySha256: other })).json();
  assert.equal(wrongKey.ok, false);
  assert.match(wrongKey.message, new RegExp(sshd.hostKeySha256.replace(/[+/]/g, '.')));

  const { privateKey: _k, ...noKey } = base;
  const wrongPassword = (await attempt({ ...noKey, password: 'wrong', hostKeySha256: sshd.hostKeySha256 })).json();
  assert.equal(wrongPassword.ok, false);
  assert.ok(wrongPassword.message);

  const incomplete = await attempt({ host: sshd.host });
  assert.equal(incomplete.statusCode, 400);
  assert.equal((await api.deps.db.selectFrom('connections').selectAll().execute()).length, 0);
});
