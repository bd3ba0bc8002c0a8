import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeleteObjectCommand, GetObjectLegalHoldCommand, GetObjectRetentionCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { TEST_CONTEXT } from '../../test/helpers/limits.js';
import { invoiceFields, multipart, pdf, upload } from '../api/harness.test.js';
import { rejectsKind } from '../connectors/conformance/helpers.js';
import { S3Connector } from '../connectors/s3/connector.js';
import { lockedBucketBehindApi } from './object-lock-harness.test.js';

/**
 * A document's older versions, stored at the same key as older object versions, are under the
 * same duty to be kept: a longer period extends them too, and a legal hold reaches them, even
 * under a delete marker. A key that may not list versions still has its current version
 * brought in step. Against the test
 * server's Object Lock layer (test/servers/s3-object-lock.ts), read back with the AWS SDK alone.
 */
test('Object Lock changes reach every version of a stored copy', async (t) => {
  const { server, api, bucket, s3, call, settings: lockedAt } = await lockedBucketBehindApi(t);

  await call('PUT', `/v1/companies/${api.companyId}/retention`, { preset: 'be' });
  const doc = (await upload(api, invoiceFields(api.companyId, { number: 'V-1', date: '2024-03-14' }), pdf('v1'))).json();
  const settings = lockedAt('locked');
  const dst = await call('POST', '/v1/destinations', { companyId: api.companyId, name: 'Locked bucket', kind: 's3', settings, schedule: 'daily@03:00' });
  await api.deps.queue.idle();
  const delivery = () => api.deps.db.selectFrom('deliveries').select(['remote_path', 'state']).where('destination_id', '=', dst.id).executeTakeFirstOrThrow();
  const path = (await delivery()).remote_path!;
  const Key = `locked/${path}`;

  // A new file for the same document, with the same fields: the backup writes it to the same key.
  const again = await api.call({ method: 'POST', url: `/v1/documents/${doc.id}/versions`, ...multipart([{ name: 'file', filename: 'invoice.pdf', type: 'application/pdf', content: pdf('v2') }]) });
  assert.equal(again.statusCode, 201, again.body);
  await call('POST', `/v1/destinations/${dst.id}/sync`);
  await api.deps.queue.idle();
  assert.deepEqual(await delivery(), { remote_path: path, state: 'synced' });
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: Key }));
  const [current, older] = (listed.Versions ?? []).filter((v) => v.Key === Key);
  assert.ok(current?.IsLatest && older && !older.IsLatest, JSON.stringify(listed.Versions));

  const lockOf = async (VersionId: string) => {
    const retention = (await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key, VersionId }))).Retention;
    const hold = await s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key, VersionId })).then((r) => r.LegalHold?.Status, (e: Error) => e.name);
    return [retention?.Mode, retention?.RetainUntilDate?.toISOString().slice(0, 10), hold];
  };
  const both = async () => [await lockOf(current.VersionId!), await lockOf(older.VersionId!)];
  const received = new Date().getUTCFullYear();
  const until = (years: number) => `${Math.max(2024, received) + years + 1}-01-01`;
  const none = 'NoSuchObjectLockConfiguration';
  assert.deepEqual(await both(), [['COMPLIANCE', until(7), none], ['COMPLIANCE', until(7), none]], 'each version locked as uploaded');

  // Germany's 10 years: both versions extended; the copy counts once.
  await call('PUT', `/v1/companies/${api.companyId}/retention`, { preset: 'de' });
  await api.deps.queue.idle();
  assert.deepEqual(await both(), [['COMPLIANCE', until(10), none], ['COMPLIANCE', until(10), none]]);
  const entries = async () => (await call('GET', '/v1/audit?type=object_lock.applied')).items as Array<{ details: Record<string, unknown> }>;
  const [entry] = await entries();
  assert.deepEqual([entry!.details.extended, entry!.details.failed], [1, 0]);

  // A legal hold on the document reaches both versions.
  await call('PUT', `/v1/documents/${doc.id}/hold`, { legalHold: true });
  await api.deps.queue.idle();
  assert.deepEqual((await both()).map((l) => l[2]), ['ON', 'ON']);

  // A key without s3:ListBucketVersions: the current version is still extended, with no error.
  server.denyVersions(true);
  await call('PUT', `/v1/companies/${api.companyId}/retention`, { years: 12 });
  await api.deps.queue.idle();
  assert.deepEqual((await both()).map((l) => l[1]), [until(12), until(10)]);
  assert.deepEqual((await call('GET', `/v1/destinations/${dst.id}`)).objectLocks, { pendingSince: null, error: null });
  // The pass's audit entry counts the copy reached at its current version only.
  assert.deepEqual([(await entries())[0]!.details.extended, (await entries())[0]!.details.currentOnly], [1, 1]);
  // The connector says it reached the current version only.
  const connector = new S3Connector(settings, TEST_CONTEXT);
  t.after(() => connector.close());
  const want = { until: new Date(`${until(13)}T00:00:00.000Z`), legalHold: true };
  assert.deepEqual(await connector.applyLock(path, want), { ...want, extended: true, holdChanged: false, currentOnly: true });
  server.denyVersions(false);
  assert.deepEqual(await connector.applyLock(path, want), { ...want, extended: true, holdChanged: false }, 'the older version extended now');
  assert.deepEqual((await both()).map((l) => l[1]), [until(13), until(13)]);

  // Removed at the destination (a delete marker on top): its versions still extended, the copy itself left to the backup.
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
  await rejectsKind(connector.applyLock(path, { until: new Date(`${until(14)}T00:00:00.000Z`), legalHold: true }), 'not_found');
  assert.deepEqual((await both()).map((l) => l[1]), [until(14), until(14)]);
});
