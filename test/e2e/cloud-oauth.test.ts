import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { answerConsent } from '../helpers/consent.js';
import { followCallback, startServed, type Served } from '../helpers/served.js';

/** A backed-up file as the provider's emulator holds it: its path from the top, and its bytes. */
interface Landed { path: string; content: string }

/**
 * Google Drive and Dropbox as a user takes them in the sandbox `npm start` offers: sign in
 * through the consent form, create the folder, back up into it. (OneDrive, with the revoked
 * grant and the reconnect, has its own test.)
 */
const PROVIDERS: Array<{ id: string; kind: string; apiField: string; prefix: string; files(s: Served, user: string): Landed[] }> = [
  {
    id: 'dropbox-sandbox', kind: 'dropbox', apiField: 'apiUrl', prefix: '/Apps/Dossier/Boekhouding/My company/2024/',
    files: (s, user) => {
      const ns = s.deps.sandbox!.dropbox.state.namespace(user);
      return [...ns.byId.values()].filter((n) => !n.folder).map((n) => ({ path: ns.pathOf(n, ns.root), content: n.content.toString() }));
    },
  },
  {
    id: 'gdrive-sandbox', kind: 'gdrive', apiField: 'baseUrl', prefix: '/Boekhouding/My company/2024/',
    files: (s, user) => {
      const store = s.deps.sandbox!.gdrive.state.store(user);
      const pathOf = (id: string | undefined): string => {
        const f = id ? store.files.get(id) : undefined;
        return f && f.parents[0] ? `${pathOf(f.parents[0])}/${f.name}` : '';
      };
      return [...store.files.values()].filter((f) => f.content !== null && !f.trashed).map((f) => ({ path: pathOf(f.id), content: f.content!.toString() }));
    },
  },
];

for (const p of PROVIDERS) {
  describe(`${p.kind} over OAuth, end to end (sandbox)`, () => {
    let s: Served;
    before(async () => { s = await startServed(); });
    after(() => s?.close());

    it('connects, backs up into the chosen folder, and refuses a destination that names another host', async () => {
      const providers = await s.call('GET', '/v1/providers');
      assert.ok(providers.body.items.some((x: { id: string; sandbox: boolean }) => x.id === p.id && x.sandbox));

      const started = await s.call('POST', `/v1/connections/${p.id}/authorize`, {});
      assert.equal(started.status, 200, JSON.stringify(started.body));
      const done = await followCallback(await answerConsent(started.body.url, 'allow', 'bob'));
      const id = done.connectionId!;
      assert.ok(id, done.html);
      const conn = await s.call('GET', `/v1/connections/${id}`);
      assert.ok(conn.body.account.name.length > 0);
      assert.ok(conn.body.quota.free > 0);
      assert.equal((await s.call('POST', `/v1/connections/${id}/folders`, { path: 'Boekhouding' })).status, 201);
      const top = await s.call('GET', `/v1/connections/${id}/folders`);
      assert.deepEqual(top.body.folders.map((f: { name: string }) => f.name), ['Boekhouding']);

      // The token goes only where the connection says the provider is.
      const elsewhere = await s.call('POST', '/v1/destinations', {
        companyId: s.companyId, name: p.kind, kind: p.kind, connectionId: id,
        settings: { root: 'Boekhouding', [p.apiField]: 'https://attacker.example/2' },
      });
      assert.equal(elsewhere.status, 400, JSON.stringify(elsewhere.body));
      assert.match(elsewhere.body.error.message, new RegExp(p.apiField));

      const bodies = ['one', 'two'].map((w) => Buffer.from(`%PDF-1.4 invoice ${w}`));
      for (const [i, body] of bodies.entries()) {
        await s.deps.vault.create(s.orgId, s.companyId, {
          type: 'invoice', number: `D-${i + 1}`, date: '2024-05-02', counterparty: 'Client NV', amount: '10.00', currency: 'EUR', businessAccount: null,
        }, { body: Readable.from([body]), filename: 'invoice.pdf', mime: 'application/pdf' });
      }
      const dst = await s.call('POST', '/v1/destinations', {
        companyId: s.companyId, name: p.kind, kind: p.kind, connectionId: id, settings: { root: 'Boekhouding' },
      });
      assert.equal(dst.status, 201, JSON.stringify(dst.body));
      await s.deps.queue.idle();
      const landed = p.files(s, 'bob');
      assert.deepEqual(landed.map((f) => f.content).sort(), bodies.map((b) => b.toString()).sort());
      assert.ok(landed.every((f) => f.path.startsWith(p.prefix)), JSON.stringify(landed));
      assert.equal((await s.call('GET', `/v1/destinations/${dst.body.id}`)).body.documents.synced, 2);
    });
  });
}
