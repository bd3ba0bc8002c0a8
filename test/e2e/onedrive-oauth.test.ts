import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { answerConsent } from '../helpers/consent.js';
import { followCallback, startServed, type Served } from '../helpers/served.js';

/**
 * The whole OneDrive path as a user takes it, against the sandbox `npm start` offers: sign in
 * (the consent form driven like a browser), pick and create a folder, back up documents into
 * it, then lose the grant: the destination stops and says so, and a reconnect resumes it.
 */
describe('OneDrive over OAuth, end to end (sandbox)', () => {
  let s: Served;
  let n = 0;
  before(async () => { s = await startServed(); });
  after(() => s?.close());

  const addDocument = async () => {
    n++;
    const body = Buffer.from(`%PDF-1.4 invoice ${n} ${'x'.repeat(n * 50)}`);
    await s.deps.vault.create(s.orgId, s.companyId, {
      type: 'invoice', number: `F-${String(n).padStart(3, '0')}`, date: '2024-03-14', counterparty: 'Client NV',
      amount: '121.00', currency: 'EUR', businessAccount: null,
    }, { body: Readable.from([body]), filename: 'invoice.pdf', mime: 'application/pdf' });
    return body;
  };
  const graph = () => s.deps.sandbox!.graph;
  const backedUp = () => {
    const drive = graph().state.drive('alice');
    return [...drive.items.values()].filter((i) => !i.folder && drive.pathOf(i).includes('/root:/Accounting/Backup/'));
  };

  it('connects, backs up into the chosen folder, stops on a revoked grant, and resumes after a reconnect', async () => {
    // Sign in.
    const started = await s.call('POST', '/v1/connections/onedrive-sandbox/authorize', {});
    const done = await followCallback(await answerConsent(started.body.url, 'allow', 'alice'));
    const id = done.connectionId!;
    assert.ok(id, done.html);

    // Pick a folder, creating the missing part.
    assert.equal((await s.call('POST', `/v1/connections/${id}/folders`, { path: 'Accounting/Backup' })).status, 201);
    const top = await s.call('GET', `/v1/connections/${id}/folders`);
    assert.deepEqual(top.body.folders.map((f: { name: string }) => f.name), ['Accounting']);

    // A OneDrive destination on that connection and folder, and a few documents.
    const bodies = [await addDocument(), await addDocument(), await addDocument()];
    const dst = await s.call('POST', '/v1/destinations', {
      companyId: s.companyId, name: 'OneDrive', kind: 'onedrive', connectionId: id, settings: { root: 'Accounting/Backup' },
    });
    assert.equal(dst.status, 201, JSON.stringify(dst.body));
    await s.deps.queue.idle();
    assert.deepEqual(backedUp().map((f) => f.content.toString()).sort(), bodies.map((b) => b.toString()).sort());
    assert.equal((await s.call('GET', `/v1/destinations/${dst.body.id}`)).body.documents.synced, 3);

    // The user revokes Dossier's access: the next pass finds out and stops.
    s.deps.sandbox!.oauth.revokeGrant('microsoft', 'alice');
    await addDocument();
    await s.deps.queue.idle();
    const blocked = await s.call('GET', `/v1/destinations/${dst.body.id}`);
    assert.equal(blocked.body.state, 'needs_attention');
    assert.match(blocked.body.stateReason, /reconnect/);
    const conn = await s.call('GET', `/v1/connections/${id}`);
    assert.equal(conn.body.state, 'needs_reconnect');
    assert.equal(conn.body.reconnect, `/v1/connections/${id}/reconnect`);

    // No more traffic to the provider while it waits for the user.
    const refreshes = s.deps.sandbox!.oauth.stats.refreshes.microsoft;
    const requests = graph().state.requests.length;
    await addDocument();
    await s.call('POST', `/v1/destinations/${dst.body.id}/sync`);
    await s.deps.queue.idle();
    assert.equal(s.deps.sandbox!.oauth.stats.refreshes.microsoft, refreshes);
    assert.equal(graph().state.requests.length, requests);
    assert.equal(backedUp().length, 3);

    // Reconnecting the same account resumes the destination, which catches up.
    const again = await s.call('POST', `/v1/connections/${id}/reconnect`, {});
    const back = await followCallback(await answerConsent(again.body.url, 'allow', 'alice'));
    assert.equal(back.status, 200, back.html);
    await s.deps.queue.idle();
    assert.equal((await s.call('GET', `/v1/destinations/${dst.body.id}`)).body.state, 'active');
    assert.equal(backedUp().length, 5);
  });
});
