import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GetObjectLegalHoldCommand, GetObjectRetentionCommand } from '@aws-sdk/client-s3';
import { invoiceFields, pdf, upload } from '../api/harness.test.js';
import { lockedBucketBehindApi } from './object-lock-harness.test.js';
import { RetentionService } from '../retention/service.js';
import { OPERATOR } from '../domain/audit.js';

/**
 * Copies already locked at an S3 destination follow their documents' retention: a longer
 * period extends them, a legal hold set or lifted reaches them, a shorter period leaves them;
 * a failed pass shows on the destination and is tried again; a pass lost with its process is
 * queued again from the mark its change left. Against the test server's Object Lock layer
 * (test/servers/s3-object-lock.ts), read back with the AWS SDK alone.
 */
test('Object Lock of stored copies kept in step with retention periods and legal holds', async (t) => {
  const { server, api, bucket, s3, call, settings: lockedAt } = await lockedBucketBehindApi(t);

  await call('PUT', `/v1/companies/${api.companyId}/retention`, { preset: 'be' });
  const a = (await upload(api, invoiceFields(api.companyId, { number: 'A-1', date: '2024-03-14' }), pdf('a'))).json();
  const b = (await upload(api, invoiceFields(api.companyId, { number: 'B-1', date: '2025-06-01' }), pdf('b'))).json();
  const settings = lockedAt('locked');
  const dst = await call('POST', '/v1/destinations', { companyId: api.companyId, name: 'Locked bucket', kind: 's3', settings, schedule: 'daily@03:00' });
  await api.deps.queue.idle();
  const paths = new Map<string, string>();
  for (const r of await api.deps.db.selectFrom('deliveries').select(['document_id', 'remote_path', 'state']).where('destination_id', '=', dst.id).execute()) {
    assert.equal(r.state, 'synced');
    paths.set(r.document_id, `locked/${r.remote_path}`);
  }
  assert.equal(paths.size, 2);
  const lockOf = async (id: string) => {
    const Key = paths.get(id)!;
    const retention = (await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key }))).Retention;
    const hold = await s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key })).then((r) => r.LegalHold?.Status, (e: Error) => e.name);
    return [retention?.Mode, retention?.RetainUntilDate?.toISOString().slice(0, 10), hold];
  };
  const received = new Date().getUTCFullYear();
  const until = (year: number, years: number) => `${Math.max(year, received) + years + 1}-01-01`;
  const entries = async () => (await call('GET', '/v1/audit?type=object_lock.applied')).items as Array<{ objectId: string; details: Record<string, unknown> }>;
  const marker = async () => api.deps.db.selectFrom('destinations').select(['lock_sync_due', 'lock_sync_error']).where('id', '=', dst.id).executeTakeFirstOrThrow();

  // As uploaded: 7 years, no hold.
  assert.deepEqual(await lockOf(a.id), ['COMPLIANCE', until(2024, 7), 'NoSuchObjectLockConfiguration']);

  // Germany's 10 years: every copy extended, in one pass with one entry.
  await call('PUT', `/v1/companies/${api.companyId}/retention`, { preset: 'de' });
  await api.deps.queue.idle();
  // No hold was ever set or lifted on them, so none is written: S3 then answers that there is none.
  const none = 'NoSuchObjectLockConfiguration';
  assert.deepEqual(await lockOf(a.id), ['COMPLIANCE', until(2024, 10), none]);
  assert.deepEqual(await lockOf(b.id), ['COMPLIANCE', until(2025, 10), none]);
  let log = await entries();
  assert.equal(log.length, 1);
  assert.deepEqual([log[0]!.objectId, log[0]!.details.extended, log[0]!.details.failed], [dst.id, 2, 0]);
  assert.deepEqual(await marker(), { lock_sync_due: null, lock_sync_error: null });
  assert.deepEqual((await call('GET', `/v1/destinations/${dst.id}`)).objectLocks, { pendingSince: null, error: null });

  // A hold on one document reaches its copy only; lifting it lifts the copy's.
  await call('PUT', `/v1/documents/${a.id}/hold`, { legalHold: true });
  await api.deps.queue.idle();
  assert.deepEqual([(await lockOf(a.id))[2], (await lockOf(b.id))[2]], ['ON', none]);
  await call('PUT', `/v1/documents/${a.id}/hold`, { legalHold: false });
  await api.deps.queue.idle();
  assert.equal((await lockOf(a.id))[2], 'OFF');
  log = await entries();
  assert.deepEqual(log.slice(0, 2).map((e) => [e.details.held, e.details.released, e.details.extended]), [[0, 1, 0], [1, 0, 0]]);

  // A shorter period changes nothing stored: a lock is never shortened.
  await call('PUT', `/v1/companies/${api.companyId}/retention`, { preset: 'nl' });
  await api.deps.queue.idle();
  assert.deepEqual(await lockOf(b.id), ['COMPLIANCE', until(2025, 10), none]);
  assert.equal((await entries()).length, 3);

  // The server failing: the pass says so on the destination and in the log, and the queue's retry finishes it.
  server.failNext('legal-hold', 2);
  await call('PUT', `/v1/companies/${api.companyId}/retention`, { legalHold: true, holdReason: 'tax audit 2026' });
  await api.deps.queue.idle();
  log = await entries();
  assert.deepEqual([log[1]!.details.failed, log[0]!.details.failed, log[0]!.details.held], [2, 0, 2], JSON.stringify(log.slice(0, 2)));
  assert.match(String(log[1]!.details.firstError), /temporary problem/);
  assert.equal((await call('GET', `/v1/destinations/${dst.id}`)).objectLocks.error, null, 'cleared by the pass that succeeded');
  assert.deepEqual([(await lockOf(a.id))[2], (await lockOf(b.id))[2]], ['ON', 'ON']);
  assert.deepEqual(await marker(), { lock_sync_due: null, lock_sync_error: null });

  // A change made where no job runs (the command line on SQLite): its mark waits for the next start.
  await new RetentionService(api.deps.db).setPolicy(api.orgId, api.companyId, { years: 12, legalHold: false }, OPERATOR);
  assert.notEqual((await marker()).lock_sync_due, null);
  assert.match((await call('GET', `/v1/destinations/${dst.id}`)).objectLocks.pendingSince, /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual((await lockOf(a.id)).slice(1), [until(2024, 10), 'ON']);
  assert.equal(await api.deps.objectLocks.requeueDue(), 1);
  await api.deps.queue.idle();
  assert.deepEqual((await lockOf(a.id)).slice(1), [until(2024, 12), 'OFF']);
  assert.deepEqual(await marker(), { lock_sync_due: null, lock_sync_error: null });

  // The server's 30-second look (on SQLite) finds such a mark and queues its pass once; a pass
  // failing keeps its mark, which the look does not queue again (the queue retries it).
  await new RetentionService(api.deps.db).setPolicy(api.orgId, api.companyId, { years: 13, legalHold: false }, OPERATOR);
  server.failNext('retention', 100);
  assert.equal(await api.deps.objectLocks.noticeMarked(), 1);
  for (let i = 0; i < 100 && (await marker()).lock_sync_error === null; i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(String((await marker()).lock_sync_error), /could not be locked/);
  assert.equal(await api.deps.objectLocks.noticeMarked(), 0, 'the same mark is not queued again');
  server.failNext('retention', 0);
  await new RetentionService(api.deps.db).setPolicy(api.orgId, api.companyId, { years: 14, legalHold: false }, OPERATOR);
  assert.equal(await api.deps.objectLocks.noticeMarked(), 1, 'a new mark is');
  await api.deps.queue.idle();
  assert.deepEqual((await lockOf(a.id)).slice(1), [until(2024, 14), 'OFF']);
  assert.deepEqual(await marker(), { lock_sync_due: null, lock_sync_error: null });
});
