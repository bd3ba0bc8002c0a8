import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectLegalHoldCommand, GetObjectRetentionCommand } from '@aws-sdk/client-s3';
import { invoiceFields, pdf, upload } from '../api/harness.test.js';
import { lockedBucketBehindApi } from './object-lock-harness.test.js';

/**
 * A retention change made while a copy is on its way to the bucket: the change's lock pass
 * runs at once and sees only the copies already synced, so the one in flight, sent with the
 * lock read before the change, would keep it. The backup holds what it sent against a fresh
 * read once the copy is in the ledger, and queues the pass again.
 */
test('a copy uploaded across a retention change and a legal hold ends with the new lock', async (t) => {
  const { server, api, bucket, s3, call, settings: lockedAt } = await lockedBucketBehindApi(t);
  const marker = async (id: string) => (await api.deps.db.selectFrom('destinations').select('lock_sync_due').where('id', '=', id).executeTakeFirstOrThrow()).lock_sync_due;

  await call('PUT', `/v1/companies/${api.companyId}/retention`, { preset: 'be' });
  const doc = (await upload(api, invoiceFields(api.companyId, { number: 'R-1', date: '2025-02-03' }), pdf('race'))).json();
  const held = server.holdNextWrite();
  const settings = lockedAt('race');
  const dst = await call('POST', '/v1/destinations', { companyId: api.companyId, name: 'Locked bucket', kind: 's3', settings, schedule: 'daily@03:00' });
  await held.arrived; // the first backup is sending the copy, locked for Belgium's 7 years

  // Germany's 10 years and a hold on the document, while the copy is on its way: each change's
  // pass runs and finds nothing synced to bring in step.
  await call('PUT', `/v1/companies/${api.companyId}/retention`, { preset: 'de' });
  await call('PUT', `/v1/documents/${doc.id}/hold`, { legalHold: true });
  for (let i = 0; i < 200 && (await marker(dst.id)) !== null; i++) await sleep(25);
  assert.equal(await marker(dst.id), null, 'the changes\' passes are done before the copy lands');

  held.release();
  await api.deps.queue.idle();
  const row = await api.deps.db.selectFrom('deliveries').select(['state', 'remote_path']).where('destination_id', '=', dst.id).where('document_id', '=', doc.id).executeTakeFirstOrThrow();
  assert.equal(row.state, 'synced');
  const Key = `race/${row.remote_path}`;
  const retention = (await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key }))).Retention;
  const hold = await s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key })).then((r) => r.LegalHold?.Status, (e: Error) => e.name);
  const received = new Date().getUTCFullYear();
  assert.deepEqual([retention?.Mode, retention?.RetainUntilDate?.toISOString().slice(0, 10), hold], ['COMPLIANCE', `${Math.max(2025, received) + 10 + 1}-01-01`, 'ON']);
  assert.equal(await marker(dst.id), null);
});
