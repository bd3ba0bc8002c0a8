import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectorError, type StorageConnector } from '../connectors/connector.js';
import { silentLogger } from '../log/log.js';
import { invoiceFields, pdf, startApi, upload } from '../api/harness.test.js';
import { ObjectLockSync } from './object-lock.js';

/**
 * The lock pass's bookkeeping, with a destination that records what it is asked: copies read a
 * page at a time, each asked once, a copy already in step skipped, a failed copy tried again on
 * the next pass and only it, and a change arriving during a pass kept for a pass of its own.
 */
test('the Object Lock pass pages through copies, skips those in step, retries only the failed, and keeps a change that came meanwhile', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await upload(api, invoiceFields(api.companyId, { number: `P-${i}`, date: '2024-03-14' }), pdf(`p${i}`))).json().id);
  const root = await api.folder('nas');
  const made = await api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'NAS', kind: 'local', settings: { root } } });
  assert.equal(made.statusCode, 201, made.body);
  const dst = made.json().id as string;
  await api.deps.queue.idle();
  const db = api.deps.db;

  const asked: string[] = [];
  let failing: string | null = null;
  let onAsk: (() => Promise<void>) | null = null;
  const fake = {
    capabilities: { objectLock: true },
    applyLock: async (path: string, want: { until: Date; legalHold: boolean }) => {
      asked.push(path);
      await onAsk?.();
      if (path === failing) throw new ConnectorError('transient', `The S3 server had a temporary problem with ${path} (InternalError)`);
      return { until: want.until, legalHold: want.legalHold, extended: true, holdChanged: false };
    },
    close: async () => undefined,
  } as unknown as StorageConnector;
  const sync = new ObjectLockSync({ db, queue: api.deps.queue, log: silentLogger, connect: async () => fake, pageSize: 2 });
  const mark = (at: string) => db.updateTable('destinations').set({ lock_sync_due: at }).where('id', '=', dst).execute();
  const marker = () => db.selectFrom('destinations').select(['lock_sync_due', 'lock_sync_error']).where('id', '=', dst).executeTakeFirstOrThrow();
  const paths = new Map((await db.selectFrom('deliveries').select(['document_id', 'remote_path']).where('destination_id', '=', dst).execute()).map((r) => [r.document_id, r.remote_path!]));
  assert.equal(paths.size, 5);
  const sorted = [...ids].sort();

  // Every copy asked once, in document order, over three pages of two; one fails.
  failing = paths.get(sorted[2]!)!;
  await mark('2026-12-07T10:00:00.000Z');
  await assert.rejects(sync.runJob({ orgId: api.orgId, destinationId: dst }), /1 copies could not be locked/);
  assert.deepEqual(asked, sorted.map((id) => paths.get(id)));
  assert.deepEqual(await marker(), { lock_sync_due: '2026-12-07T10:00:00.000Z', lock_sync_error: `1 copies could not be locked: The S3 server had a temporary problem with ${failing} (InternalError)` });

  // Failing again the same way: asked again, no second entry (the destination shows the error).
  asked.length = 0;
  await assert.rejects(sync.runJob({ orgId: api.orgId, destinationId: dst }), /1 copies could not be locked/);
  assert.deepEqual(asked, [failing]);
  assert.equal((await api.call({ method: 'GET', url: '/v1/audit?type=object_lock.applied' })).json().items.length, 1);

  // The retry asks only the failed copy: the others are known to be in step.
  failing = null;
  asked.length = 0;
  await sync.runJob({ orgId: api.orgId, destinationId: dst });
  assert.deepEqual(asked, [paths.get(sorted[2]!)]);
  assert.deepEqual(await marker(), { lock_sync_due: null, lock_sync_error: null });

  // Nothing marked: nothing to do.
  asked.length = 0;
  await sync.runJob({ orgId: api.orgId, destinationId: dst });
  assert.deepEqual(asked, []);

  // A change while a pass runs: that pass does not clear the later mark.
  await db.updateTable('deliveries').set({ lock_until: null }).where('destination_id', '=', dst).execute();
  await mark('2026-12-07T11:00:00.000Z');
  onAsk = async () => { onAsk = null; await mark('2026-12-07T11:00:05.000Z'); };
  await sync.runJob({ orgId: api.orgId, destinationId: dst });
  assert.equal(asked.length, 5);
  assert.equal((await marker()).lock_sync_due, '2026-12-07T11:00:05.000Z', 'kept for the next pass');
  const entries = (await api.call({ method: 'GET', url: '/v1/audit?type=object_lock.applied' })).json().items;
  assert.deepEqual(entries.map((e: { details: { extended: number; failed: number } }) => [e.details.extended, e.details.failed]), [[5, 0], [1, 0], [4, 1]]);
});
