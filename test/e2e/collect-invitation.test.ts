import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { answerConsent } from '../helpers/consent.js';
import { startServed, type Served } from '../helpers/served.js';
import { connectLinks } from '../helpers/outbox.js';
import { ublInvoice } from '../helpers/collect.js';
import { startSshd } from '../servers/sshd.js';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';

/** The whole invitation of a client, in a browser's shoes: mail, consent (read-only), folder, first run. */
describe('inviting a client to connect a OneDrive folder (sandbox)', () => {
  let s: Served;
  let adminId = '';
  before(async () => {
    s = await startServed();
    adminId = (await s.call('GET', '/v1/users/me')).body.id;
  });
  after(() => s?.close());

  async function newChannel(name: string) {
    const res = await s.call('POST', '/v1/channels', { companyId: s.companyId, name, kind: 'onedrive', recipientId: adminId, binderName: 'Purchases', clientEmail: 'client@example.com', clientName: 'Anna' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.state, 'waiting_for_client');
    return res.body;
  }

  it('mails a one-time link; consent asks read-only scopes; the folder is chosen; the first run collects', async () => {
    const channel = await newChannel('Anna OneDrive');
    const link = (await connectLinks(s.deps.config.dataDir)).at(-1)!;
    assert.ok(link, 'an .eml with the link is in the outbox');
    const token = link.split('/connect/')[1]!;
    const row = await s.deps.db.selectFrom('channel_invitations').selectAll().executeTakeFirstOrThrow();
    assert.notEqual(row.token_hash, token);
    assert.ok(!JSON.stringify(row).includes(token), 'only a hash of the token is stored');

    const page = await fetch(link);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Connect OneDrive/);
    const view = await s.call('GET', `/v1/invitations/${token}`);
    assert.equal(view.body.step, 'connect');

    // Declining at the provider leads back to the invitation, which says so and lets the client try again.
    const declined = await s.call('POST', `/v1/invitations/${token}/authorize`, {});
    const no = await fetch(await answerConsent(declined.body.url, 'deny'), { redirect: 'manual' });
    assert.equal(no.status, 303);
    assert.match(no.headers.get('location')!, /\/connect\/resume\?error=.*declined/);
    const resumed = await fetch(new URL(no.headers.get('location')!, s.baseUrl), { redirect: 'manual', headers: { cookie: `dossier_invite=${encodeURIComponent(token)}` } });
    assert.equal(resumed.status, 303);
    const again = await fetch(new URL(resumed.headers.get('location')!, s.baseUrl));
    assert.match(await again.text(), /Not connected:.*declined: nothing was connected/);
    assert.equal((await s.call('GET', `/v1/invitations/${token}`)).body.step, 'connect');

    const started = await s.call('POST', `/v1/invitations/${token}/authorize`, {});
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(new URL(started.body.url).searchParams.get('scope'), 'Files.Read offline_access', 'read-only');
    const back = await answerConsent(started.body.url, 'allow', 'anna');
    const cb = await fetch(back, { redirect: 'manual' });
    assert.equal(cb.status, 303);
    assert.match(cb.headers.get('location')!, /\/connect\/resume/);
    assert.equal((await s.call('GET', `/v1/invitations/${token}`)).body.step, 'choose_folder');

    // The client's drive has a folder of invoices.
    const drive = s.deps.sandbox!.graph.state.drive('anna');
    const folder = drive.createFolder(drive.get(drive.rootId), 'Invoices', 'fail');
    drive.putFile(folder, 'a.xml', ublInvoice({ number: 'ANNA-1' }), 'replace');
    const folders = await s.call('GET', `/v1/invitations/${token}/folders`);
    assert.deepEqual(folders.body.folders.map((f: { path: string }) => f.path), ['Invoices']);
    const chosen = await s.call('POST', `/v1/invitations/${token}/folder`, { path: 'Invoices' });
    assert.equal(chosen.status, 200, JSON.stringify(chosen.body));
    assert.equal(chosen.body.state, 'active');
    await s.deps.queue.idle();
    const runs = (await s.call('GET', `/v1/channels/${channel.id}/runs`)).body.items;
    assert.equal(runs[0].trigger, 'connected');
    assert.equal(runs[0].collected, 1, JSON.stringify(runs[0]));

    const used = await s.call('GET', `/v1/invitations/${token}`);
    assert.equal(used.status, 409);
    assert.match(used.body.error.message, /already used/);
    assert.equal((await s.call('GET', '/v1/connections')).body.items.length, 0, 'the client\'s account is not offered as a destination');
  });

  it('an SFTP client gives the server\'s details on the invitation, then picks the folder', { skip: !existsSync('/usr/sbin/sshd') && 'install openssh-server' }, async () => {
    const sshd = (await startSshd())!;
    try {
      await mkdir(join(sshd.root, 'Scans'));
      await writeFile(join(sshd.root, 'Scans', 's.xml'), ublInvoice({ number: 'SFTP-INV-1' }));
      const res = await s.call('POST', '/v1/channels', { companyId: s.companyId, name: 'Client NAS', kind: 'sftp', recipientId: adminId, binderName: 'Purchases', clientEmail: 'nas@example.com' });
      assert.equal(res.body.state, 'waiting_for_client');
      const token = (await connectLinks(s.deps.config.dataDir)).at(-1)!.split('/connect/')[1]!;
      assert.match(await (await fetch(`${s.baseUrl}/connect/${token}`)).text(), /name="host"/);
      const wrong = await s.call('POST', `/v1/invitations/${token}/server`, { settings: { host: sshd.host, port: sshd.port, username: sshd.username, password: 'wrong', root: sshd.root } });
      assert.equal(wrong.status, 400);
      const ok = await s.call('POST', `/v1/invitations/${token}/server`, { settings: { host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, root: sshd.root } });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.step, 'choose_folder');
      const folders = await s.call('GET', `/v1/invitations/${token}/folders`);
      assert.deepEqual(folders.body.folders.map((f: { path: string }) => f.path), ['Scans']);
      const done = await s.call('POST', `/v1/invitations/${token}/folder`, { path: 'Scans' });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      await s.deps.queue.idle();
      const runs = (await s.call('GET', `/v1/channels/${res.body.id}/runs`)).body.items;
      assert.equal(runs[0].collected, 1, JSON.stringify(runs[0]));
    } finally {
      await sshd.stop();
    }
  });

  it('lets the client make a folder while choosing, one name at a time, but not in an account connected read-only', async () => {
    const connectAs = async (name: string, login: string, moveCollected: boolean) => {
      const res = await s.call('POST', '/v1/channels', { companyId: s.companyId, name, kind: 'onedrive', recipientId: adminId, binderName: 'Purchases', clientEmail: `${login}@example.com`, moveCollected });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const token = (await connectLinks(s.deps.config.dataDir)).at(-1)!.split('/connect/')[1]!;
      const started = await s.call('POST', `/v1/invitations/${token}/authorize`, {});
      await fetch(await answerConsent(started.body.url, 'allow', login), { redirect: 'manual' });
      return token;
    };
    const writable = await connectAs('Moves aside', 'bert', true);
    assert.equal((await s.call('GET', `/v1/invitations/${writable}`)).body.canCreateFolder, true);
    const made = await s.call('POST', `/v1/invitations/${writable}/folders`, { parent: '', name: 'Scans 2024' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual(made.body, { name: 'Scans 2024', path: 'Scans 2024' });
    const inner = await s.call('POST', `/v1/invitations/${writable}/folders`, { parent: 'Scans 2024', name: 'March' });
    assert.equal(inner.body.path, 'Scans 2024/March');
    assert.deepEqual((await s.call('GET', `/v1/invitations/${writable}/folders?path=${encodeURIComponent('Scans 2024')}`)).body.folders.map((f: { path: string }) => f.path), ['Scans 2024/March']);
    const slash = await s.call('POST', `/v1/invitations/${writable}/folders`, { parent: '', name: 'a/b' });
    assert.equal(slash.status, 400);
    assert.equal(slash.body.error.reason, 'folder_name_slash');
    const drive = s.deps.sandbox!.graph.state.drive('bert');
    assert.ok(![...drive.items.values()].some((i) => i.name === 'a' || i.name === 'b'), 'a slash made no folder');

    const readOnly = await connectAs('Reads only', 'carla', false);
    assert.equal((await s.call('GET', `/v1/invitations/${readOnly}`)).body.canCreateFolder, false);
    const refused = await s.call('POST', `/v1/invitations/${readOnly}/folders`, { parent: '', name: 'Scans' });
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, /reads this account only/);
    assert.equal((await s.call('POST', '/v1/invitations/dci_made-up/folders', { parent: '', name: 'x' })).status, 404);
  });

  it('refuses expired, replaced and made-up links with a clear message', async () => {
    const channel = await newChannel('Expiring');
    const first = (await connectLinks(s.deps.config.dataDir)).at(-1)!.split('/connect/')[1]!;
    const resent = await s.call('POST', `/v1/channels/${channel.id}/invite`);
    assert.equal(resent.status, 202);
    const second = (await connectLinks(s.deps.config.dataDir)).at(-1)!.split('/connect/')[1]!;
    assert.match((await s.call('GET', `/v1/invitations/${first}`)).body.error.message, /replaced by a newer one/);
    assert.equal((await s.call('GET', `/v1/invitations/${second}`)).status, 200);
    await s.deps.db.updateTable('channel_invitations').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', resent.body.invitationId).execute();
    const expired = await s.call('GET', `/v1/invitations/${second}`);
    assert.equal(expired.status, 409);
    assert.match(expired.body.error.message, /expired/);
    const page = await fetch(`${s.baseUrl}/connect/${second}`);
    assert.match(await page.text(), /expired/);
    assert.equal((await s.call('POST', `/v1/invitations/${second}/authorize`, {})).status, 409);
    assert.equal((await s.call('GET', '/v1/invitations/dci_made-up')).status, 404);
  });
});
