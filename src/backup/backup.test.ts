import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { createWorld, type World } from '../../test/helpers/world.js';
import { postgresReachable } from '../../test/helpers/databases.js';
import { previousDailyRun } from './schedules.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const dialect of ['sqlite', 'postgresql'] as const) {
  describe(`backup engine on ${dialect}`, { skip: dialect === 'postgresql' && !(await postgresReachable()) ? 'PostgreSQL is not reachable (install and start postgresql)' : false }, () => {
    let w: World;
    before(async () => { w = await createWorld({ postgres: dialect === 'postgresql' }); });
    after(async () => { await w?.close(); });

    const addDestination = (store: string, over: Record<string, unknown> = {}) => w.deps.backup.add(w.orgId, {
      companyId: w.companyId, name: `Backup ${store}`, kind: 'testmem', settings: { store }, layout: 'company-year-type',
      startDate: null, schedule: 'continuous', restoreDeleted: true, respectFolderDeletions: false, ...over,
    });
    const files = (store: string) => [...w.stores.get(store)!.files.keys()].sort();

    it('copies every existing document once after set-up, verified, at its layout path', async () => {
      const ids = [await w.addDocument({ number: 'F-1' }), await w.addDocument({ number: 'F-2', type: 'purchase_invoice' })];
      const dst = await addDestination('initial');
      await w.deps.queue.idle();
      assert.deepEqual(files('initial'), [
        'My company/2024/Invoices/2024-03-14 F-1 Client NV.pdf',
        'My company/2024/Purchase invoices/2024-03-14 F-2 Client NV.pdf',
      ]);
      const status = await w.deps.backup.status(w.orgId, dst.id);
      assert.equal(status.documents.synced, 2);
      assert.equal(status.state, 'active');
      for (const id of ids) {
        const [delivery] = await w.deps.backup.documentStatus(w.orgId, id);
        const stored = w.stores.get('initial')!.files.get(delivery!.remotePath!)!.data;
        assert.equal(delivery!.sha256, sha(stored), 'the ledger holds the hash of what is at the destination');
      }
      const [run] = await w.deps.backup.runs(w.orgId, dst.id);
      assert.equal(run!.status, 'done');
      assert.equal(run!.uploaded, 2);
    });

    it('follows new documents and versions continuously, and moves a renumbered one', async () => {
      const dst = await addDestination('continuous');
      await w.deps.queue.idle();
      const before = files('continuous').length;
      const id = await w.addDocument({ number: 'C-1' });
      await w.deps.queue.idle();
      assert.ok(files('continuous').includes('My company/2024/Invoices/2024-03-14 C-1 Client NV.pdf'));
      await w.deps.vault.update(w.orgId, id, { number: 'C-1b' });
      await w.deps.queue.idle();
      const now = files('continuous');
      assert.ok(now.includes('My company/2024/Invoices/2024-03-14 C-1b Client NV.pdf'));
      assert.ok(!now.includes('My company/2024/Invoices/2024-03-14 C-1 Client NV.pdf'), 'the old name is gone: moved, not copied');
      assert.equal(now.length, before + 1);
      const [run] = await w.deps.backup.runs(w.orgId, dst.id);
      assert.equal(run!.moved, 1);
      assert.equal(run!.uploaded, 0, 'a move sends no bytes');
    });

    it('sends only documents from the start date on', async () => {
      await w.addDocument({ number: 'OLD', date: '2020-01-02' });
      await addDestination('start', { startDate: '2021-01-01' });
      await w.deps.queue.idle();
      assert.ok(files('start').every((p) => !p.includes('OLD')));
      assert.ok(files('start').length > 0);
    });

    it('never puts two documents on one path', async () => {
      await w.addDocument({ number: 'SAME', counterparty: 'Twin' });
      await w.addDocument({ number: 'same', counterparty: 'twin' });
      await addDestination('twins');
      await w.deps.queue.idle();
      const twins = files('twins').filter((p) => p.toLowerCase().includes('same twin'));
      assert.equal(twins.length, 2);
      assert.equal(new Set(twins.map((p) => p.toLowerCase())).size, 2, 'distinct even case-insensitively');
    });

    it('restores files deleted or altered at the destination when verifying', async () => {
      const dst = await addDestination('verify');
      await w.deps.queue.idle();
      const store = w.stores.get('verify')!;
      const [gone, altered] = files('verify');
      const original = store.files.get(altered!)!.data;
      store.files.delete(gone!);
      store.files.set(altered!, { data: Buffer.from(original.toString().replace('document', 'DOCUMENT')), modifiedAt: new Date() });
      const report = await w.deps.backup.verify(w.orgId, dst.id);
      assert.equal(report.missing, 1);
      assert.equal(report.altered, 1);
      assert.ok(store.files.has(gone!));
      assert.deepEqual(store.files.get(altered!)!.data, original);
    });

    it('respects a deleted folder when asked to', async () => {
      const dst = await addDestination('folders', { respectFolderDeletions: true, layout: 'company-type-year' });
      await w.deps.queue.idle();
      const store = w.stores.get('folders')!;
      await store.rmdir('My company/Purchase invoices');
      const report = await w.deps.backup.verify(w.orgId, dst.id);
      assert.ok(report.abandoned >= 1);
      assert.ok(files('folders').every((p) => !p.startsWith('My company/Purchase invoices')));
    });

    it('pauses a full destination with a clear reason and reports nothing synced that is not there', async () => {
      const dst = await addDestination('full', { settings: { store: 'full', capacity: 200 } });
      await w.deps.queue.idle();
      const status = await w.deps.backup.status(w.orgId, dst.id);
      assert.equal(status.state, 'paused');
      assert.match(status.stateReason!, /free/);
      const synced = status.documents.synced;
      assert.ok(synced < 5);
      for (const p of files('full')) assert.ok(w.stores.get('full')!.files.get(p));
      // Room made: resume completes the backup.
      w.stores.set('full', Object.assign(w.stores.get('full')!, { capacity: Number.MAX_SAFE_INTEGER }));
      (w.stores.get('full') as unknown as { capacity: number }).capacity = Number.MAX_SAFE_INTEGER;
      await w.deps.backup.resume(w.orgId, dst.id);
      await w.deps.queue.idle();
      const after = await w.deps.backup.status(w.orgId, dst.id);
      assert.equal(after.state, 'active');
      assert.equal(after.documents.pending + after.documents.failed, 0);
    });

    it('retries through transient errors and rate limits until every file is there once', async () => {
      w.faults.set('flaky', { transientRate: 0.25, rateLimitRate: 0.1, retryAfterMs: 5 });
      for (let i = 0; i < 30; i++) await w.addDocument({ number: `R-${i}` });
      const dst = await addDestination('flaky');
      await w.deps.queue.idle();
      const status = await w.deps.backup.status(w.orgId, dst.id);
      assert.equal(status.documents.failed + status.documents.pending, 0, JSON.stringify(status.documents));
      assert.equal(files('flaky').length, status.documents.synced);
    });

    it('marks the destination as needing attention when credentials are refused', async () => {
      const dst = await addDestination('auth');
      await w.deps.queue.idle();
      w.faults.set('auth', { always: 'auth_expired' });
      await w.addDocument({ number: 'A-1' });
      await w.deps.queue.idle();
      const status = await w.deps.backup.status(w.orgId, dst.id, false);
      assert.equal(status.state, 'needs_attention');
      assert.match(status.stateReason!, /credentials/);
      w.faults.delete('auth');
      await w.deps.backup.resume(w.orgId, dst.id);
      await w.deps.queue.idle();
      assert.equal((await w.deps.backup.status(w.orgId, dst.id, false)).documents.pending, 0);
    });

    it('learns of refused credentials even on a pass with nothing to send', async () => {
      const dst = await addDestination('idle-auth');
      await w.deps.queue.idle();
      w.faults.set('idle-auth', { always: 'auth_expired' });
      const runId = await w.deps.backup.syncNow(w.orgId, dst.id);
      const { run } = await w.deps.backup.run(w.orgId, runId);
      assert.equal([run.status, run.planned].join(' '), 'blocked 0');
      assert.equal((await w.deps.backup.status(w.orgId, dst.id, false)).state, 'needs_attention');
      w.faults.delete('idle-auth');
      await w.deps.backup.resume(w.orgId, dst.id);
      await w.deps.queue.idle();
      assert.equal((await w.deps.backup.status(w.orgId, dst.id, false)).state, 'active');
    });

    it('an incremental pass touches only what changed', async () => {
      const dst = await addDestination('incremental');
      await w.deps.queue.idle();
      const total = files('incremental').length;
      await w.addDocument({ number: 'I-1' });
      await w.addDocument({ number: 'I-2' });
      await w.deps.queue.idle();
      const runs = (await w.deps.backup.runs(w.orgId, dst.id)).filter((r) => r.trigger !== 'initial');
      const planned = runs.reduce((n, r) => n + r.planned, 0);
      assert.equal(planned, 2, `planned ${planned} of ${total + 2} documents`);
      let items = 0;
      for (const r of runs) items += (await w.deps.backup.run(w.orgId, r.id)).items.length;
      assert.equal(items, 2);
    });

    it('stops a running pass when the destination is paused', async () => {
      // Daily, so no background pass competes with the one started here.
      const dst = await addDestination('slow', { schedule: 'daily@03:00' });
      await w.deps.queue.idle();
      w.faults.set('slow', { writeDelayMs: 400 });
      for (let i = 0; i < 60; i++) await w.addDocument({ number: `S-${i}` });
      const running = w.deps.backup.syncNow(w.orgId, dst.id);
      await new Promise((r) => setTimeout(r, 300));
      await w.deps.backup.pause(w.orgId, dst.id);
      const { run } = await w.deps.backup.run(w.orgId, await running);
      assert.equal(run.status, 'stopped');
      assert.ok(run.uploaded < 60, `stopped after ${run.uploaded} of 60`);
      w.faults.delete('slow');
      await w.deps.backup.resume(w.orgId, dst.id);
      await w.deps.queue.idle();
      const status = await w.deps.backup.status(w.orgId, dst.id, false);
      assert.equal(status.documents.pending + status.documents.failed, 0, 'resume finishes the job');
    });

    it('keeps paused destinations still and rejects bad settings clearly', async () => {
      const dst = await addDestination('paused');
      await w.deps.queue.idle();
      await w.deps.backup.pause(w.orgId, dst.id);
      const before = files('paused').length;
      await w.addDocument({ number: 'P-1' });
      await w.deps.queue.idle();
      assert.equal(files('paused').length, before);
      await assert.rejects(addDestination('bad', { schedule: 'sometimes' }), /daily@HH:MM/);
      await assert.rejects(addDestination('bad', { layout: '{company}/{colour}/{file}' }), /\{colour\}/);
    });
  });
}

describe('daily schedule', () => {
  it('finds the most recent slot in the company time zone', () => {
    const now = DateTime.fromISO('2026-03-29T21:00:00Z'); // 23:00 in Brussels, the day clocks moved forward
    assert.equal(previousDailyRun('23:30', 'Europe/Brussels', now).toISO(), '2026-03-28T22:30:00.000Z');
    assert.equal(previousDailyRun('22:30', 'Europe/Brussels', now).toISO(), '2026-03-29T20:30:00.000Z');
  });
});
