import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { answerConsent } from '../helpers/consent.js';
import { followCallback, startServed, type Served } from '../helpers/served.js';

/**
 * Dropbox as a user takes it in the sandbox `npm start` offers: sign in through the consent
 * form, create the folder, back up into the app folder, and disconnect (which revokes).
 */
describe('Dropbox over OAuth, end to end (sandbox)', () => {
  let s: Served;
  before(async () => { s = await startServed(); });
  after(() => s?.close());

  const files = () => {
    const ns = s.deps.sandbox!.dropbox.state.namespace('bob');
    return [...ns.byId.values()].filter((n) => !n.folder).map((n) => ({ path: ns.pathOf(n, ns.root), content: n.content.toString() }));
  };

  it('connects, backs up under Apps/Dossier in the chosen folder, and refuses a destination that names another host', async () => {
    const providers = await s.call('GET', '/v1/providers');
    assert.ok(providers.body.items.some((p: { id: string; sandbox: boolean }) => p.id === 'dropbox-sandbox' && p.sandbox));

    const started = await s.call('POST', '/v1/connections/dropbox-sandbox/authorize', {});
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const done = await followCallback(await answerConsent(started.body.url, 'allow', 'bob'));
    const id = done.connectionId!;
    assert.ok(id, done.html);
    const conn = await s.call('GET', `/v1/connections/${id}`);
    assert.equal(conn.body.account.name.length > 0, true);
    assert.ok(conn.body.quota.free > 0);
    assert.equal((await s.call('POST', `/v1/connections/${id}/folders`, { path: 'Boekhouding' })).status, 201);

    // The token goes only where the connection says the provider is.
    const elsewhere = await s.call('POST', '/v1/destinations', {
      companyId: s.companyId, name: 'Dropbox', kind: 'dropbox', connectionId: id,
      settings: { root: 'Boekhouding', apiUrl: 'https://attacker.example/2' },
    });
    assert.equal(elsewhere.status, 400, JSON.stringify(elsewhere.body));
    assert.match(elsewhere.body.error.message, /apiUrl/);

    const bodies = ['one', 'two'].map((w) => Buffer.from(`%PDF-1.4 invoice ${w}`));
    for (const [i, body] of bodies.entries()) {
      await s.deps.vault.create(s.orgId, s.companyId, {
        type: 'invoice', number: `D-${i + 1}`, date: '2024-05-02', counterparty: 'Client NV', amount: '10.00', currency: 'EUR', businessAccount: null,
      }, { body: Readable.from([body]), filename: 'invoice.pdf', mime: 'application/pdf' });
    }
    const dst = await s.call('POST', '/v1/destinations', {
      companyId: s.companyId, name: 'Dropbox', kind: 'dropbox', connectionId: id, settings: { root: 'Boekhouding' },
    });
    assert.equal(dst.status, 201, JSON.stringify(dst.body));
    await s.deps.queue.idle();
    const landed = files();
    assert.deepEqual(landed.map((f) => f.content).sort(), bodies.map((b) => b.toString()).sort());
    assert.ok(landed.every((f) => f.path.startsWith('/Apps/Dossier/Boekhouding/My company/2024/')), JSON.stringify(landed));
    assert.equal((await s.call('GET', `/v1/destinations/${dst.body.id}`)).body.documents.synced, 2);
  });
});
