import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DeleteObjectCommand, GetObjectLegalHoldCommand, GetObjectRetentionCommand, HeadObjectCommand, ListObjectVersionsCommand,
  PutObjectCommand, PutObjectLegalHoldCommand, PutObjectRetentionCommand, S3Client,
} from '@aws-sdk/client-s3';
import { startObjectLockS3, type ObjectLockS3 } from './s3-object-lock.js';

/**
 * The Object Lock layer the S3 tests run against follows what AWS documents for
 * PutObjectRetention, GetObjectRetention, PutObjectLegalHold, GetObjectLegalHold, deletes
 * of locked versions and ListObjectVersions; checked here with the AWS SDK alone, none of
 * Dossier's code.
 */
describe('the test S3 server\'s Object Lock', () => {
  let server: ObjectLockS3;
  let client: S3Client;
  let locked = '';
  let plain = '';
  const years = (n: number) => new Date(Date.UTC(new Date().getUTCFullYear() + n, 0, 1));
  const code = async (p: Promise<unknown>) => p.then(() => 'ok', (e: { name: string; $metadata?: { httpStatusCode?: number } }) => `${e.$metadata?.httpStatusCode} ${e.name}`);
  const put = (Bucket: string, Key: string, extra: Record<string, unknown> = {}) =>
    client.send(new PutObjectCommand({ Bucket, Key, Body: Buffer.from(`bytes of ${Key}`), ...extra }));

  before(async () => {
    server = await startObjectLockS3();
    // As Dossier builds its client: checksums only where an operation requires one.
    client = new S3Client({
      endpoint: server.endpoint, region: server.region, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED',
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    });
    locked = await server.lockedBucket();
    plain = await server.bucket();
  });
  after(async () => { client.destroy(); await server.stop(); });

  it('locks at upload only in a bucket with Object Lock, and only with a checksum', async () => {
    const lock = { ObjectLockMode: 'COMPLIANCE' as const, ObjectLockRetainUntilDate: years(2) };
    assert.equal(await code(put(plain, 'a.pdf', { ...lock, ChecksumAlgorithm: 'CRC32' })), '400 InvalidRequest');
    assert.equal(await code(put(locked, 'a.pdf', lock)), '400 InvalidRequest', 'no Content-MD5 nor checksum');
    assert.equal(await code(put(locked, 'a.pdf', { ObjectLockMode: 'COMPLIANCE' })), '400 InvalidArgument', 'a mode without a date');
    const made = await put(locked, 'a.pdf', { ...lock, ChecksumAlgorithm: 'CRC32' });
    assert.match(made.VersionId ?? '', /^[0-9a-f]{32}$/);
    const head = await client.send(new HeadObjectCommand({ Bucket: locked, Key: 'a.pdf' }));
    assert.deepEqual([head.VersionId, head.ObjectLockMode, head.ObjectLockRetainUntilDate?.toISOString()], [made.VersionId, 'COMPLIANCE', years(2).toISOString()]);
    assert.deepEqual((await client.send(new GetObjectRetentionCommand({ Bucket: locked, Key: 'a.pdf' }))).Retention, { Mode: 'COMPLIANCE', RetainUntilDate: years(2) });
  });

  it('extends a COMPLIANCE date but refuses a shorter one, or a weaker mode, to anyone', async () => {
    await put(locked, 'c.pdf', { ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: years(3), ChecksumAlgorithm: 'CRC32' });
    const retain = (date: Date, Mode: 'COMPLIANCE' | 'GOVERNANCE' = 'COMPLIANCE', bypass = false) => client.send(new PutObjectRetentionCommand({
      Bucket: locked, Key: 'c.pdf', Retention: { Mode, RetainUntilDate: date }, ...(bypass && { BypassGovernanceRetention: true }),
    }));
    assert.equal(await code(retain(years(2))), '403 AccessDenied');
    assert.equal(await code(retain(years(2), 'COMPLIANCE', true)), '403 AccessDenied', 'the bypass header is for GOVERNANCE only');
    assert.equal(await code(retain(years(5), 'GOVERNANCE')), '403 AccessDenied');
    assert.equal(await code(retain(new Date(Date.now() - 86_400_000))), '400 InvalidArgument', 'a date in the past');
    assert.equal(await code(retain(years(5))), 'ok');
    assert.deepEqual((await client.send(new GetObjectRetentionCommand({ Bucket: locked, Key: 'c.pdf' }))).Retention?.RetainUntilDate, years(5));
  });

  it('shortens a GOVERNANCE date only with x-amz-bypass-governance-retention', async () => {
    await put(locked, 'g.pdf', { ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: years(4), ChecksumAlgorithm: 'CRC32' });
    const shorter = (bypass: boolean) => client.send(new PutObjectRetentionCommand({ Bucket: locked, Key: 'g.pdf', Retention: { Mode: 'GOVERNANCE', RetainUntilDate: years(1) }, BypassGovernanceRetention: bypass }));
    assert.equal(await code(shorter(false)), '403 AccessDenied');
    assert.equal(await code(shorter(true)), 'ok');
  });

  it('sets and lifts a legal hold per version, and refuses to delete a held or retained version; a delete marker is always allowed', async () => {
    const first = await put(locked, 'h.pdf', { ChecksumAlgorithm: 'CRC32' });
    assert.equal(await code(client.send(new GetObjectLegalHoldCommand({ Bucket: locked, Key: 'h.pdf' }))), '404 NoSuchObjectLockConfiguration');
    assert.equal(await code(client.send(new GetObjectRetentionCommand({ Bucket: locked, Key: 'h.pdf' }))), '404 NoSuchObjectLockConfiguration');
    await client.send(new PutObjectLegalHoldCommand({ Bucket: locked, Key: 'h.pdf', LegalHold: { Status: 'ON' } }));
    // A second version: the hold stays on the first.
    const second = await put(locked, 'h.pdf', { ChecksumAlgorithm: 'CRC32' });
    assert.notEqual(second.VersionId, first.VersionId);
    assert.equal((await client.send(new GetObjectLegalHoldCommand({ Bucket: locked, Key: 'h.pdf', VersionId: first.VersionId }))).LegalHold?.Status, 'ON');
    assert.equal(await code(client.send(new GetObjectLegalHoldCommand({ Bucket: locked, Key: 'h.pdf' }))), '404 NoSuchObjectLockConfiguration');
    assert.equal(await code(client.send(new DeleteObjectCommand({ Bucket: locked, Key: 'h.pdf', VersionId: first.VersionId }))), '403 AccessDenied');
    await client.send(new PutObjectLegalHoldCommand({ Bucket: locked, Key: 'h.pdf', VersionId: first.VersionId, LegalHold: { Status: 'OFF' } }));
    assert.equal(await code(client.send(new DeleteObjectCommand({ Bucket: locked, Key: 'h.pdf', VersionId: first.VersionId }))), 'ok');
    assert.equal(await code(client.send(new DeleteObjectCommand({ Bucket: locked, Key: 'a.pdf', VersionId: (await client.send(new HeadObjectCommand({ Bucket: locked, Key: 'a.pdf' }))).VersionId }))), '403 AccessDenied', 'COMPLIANCE until its date');
    const marker = await client.send(new DeleteObjectCommand({ Bucket: locked, Key: 'a.pdf' }));
    assert.equal(marker.DeleteMarker, true);
    assert.equal(await code(client.send(new GetObjectRetentionCommand({ Bucket: locked, Key: 'a.pdf' }))), '404 NoSuchKey');
  });

  it('lists versions and delete markers by key, newest first, a page at a time', async () => {
    const bucket = await server.lockedBucket();
    const v1 = await put(bucket, 'v/a.pdf');
    const v2 = await put(bucket, 'v/a.pdf');
    const gone = await put(bucket, 'v/b.pdf');
    const marker = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'v/b.pdf' }));
    await put(bucket, 'w.pdf');
    // Sorts before "v/a.pdf" (. before /) but is left out by the prefix.
    await put(bucket, 'v.pdf');
    const seen: string[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (let pages = 1; ; pages++) {
      const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'v/', MaxKeys: 1, KeyMarker, VersionIdMarker }));
      const entries = [...(page.Versions ?? []).map((v) => ({ ...v, kind: 'version' })), ...(page.DeleteMarkers ?? []).map((m) => ({ ...m, kind: 'marker' }))];
      assert.equal(entries.length, 1);
      const e = entries[0]!;
      seen.push(`${e.Key} ${e.VersionId} ${e.kind} ${e.IsLatest}`);
      assert.ok(e.LastModified instanceof Date);
      if (e.kind === 'version') {
        const v = page.Versions![0]!;
        assert.deepEqual([v.Size, v.StorageClass], [Buffer.byteLength(`bytes of ${v.Key}`), 'STANDARD']);
        assert.match(v.ETag ?? '', /^"[0-9a-f]{32}"$/);
      }
      if (!page.IsTruncated) { assert.equal(pages, 4); break; }
      assert.deepEqual([page.NextKeyMarker, page.NextVersionIdMarker], [e.Key, e.VersionId]);
      KeyMarker = page.NextKeyMarker;
      VersionIdMarker = page.NextVersionIdMarker;
    }
    assert.deepEqual(seen, [
      `v/a.pdf ${v2.VersionId} version true`, `v/a.pdf ${v1.VersionId} version false`,
      `v/b.pdf ${marker.VersionId} marker true`, `v/b.pdf ${gone.VersionId} version false`,
    ]);
    // A key marker alone starts after all of that key's versions.
    const after = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: 'v/a.pdf' }));
    assert.deepEqual([after.Versions?.map((v) => v.Key), after.DeleteMarkers?.map((m) => m.Key), after.IsTruncated], [['v/b.pdf', 'w.pdf'], ['v/b.pdf'], false]);
    assert.equal(await code(client.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: 'v/a.pdf', VersionIdMarker: 'nope' }))), '400 InvalidArgument');
  });

  it('has no retention or legal hold in a bucket without Object Lock', async () => {
    await put(plain, 'p.pdf');
    assert.equal(await code(client.send(new PutObjectRetentionCommand({ Bucket: plain, Key: 'p.pdf', Retention: { Mode: 'COMPLIANCE', RetainUntilDate: years(1) } }))), '400 InvalidRequest');
    assert.equal(await code(client.send(new PutObjectLegalHoldCommand({ Bucket: plain, Key: 'p.pdf', LegalHold: { Status: 'ON' } }))), '400 InvalidRequest');
    assert.equal(await code(client.send(new GetObjectRetentionCommand({ Bucket: plain, Key: 'p.pdf' }))), '400 InvalidRequest');
  });
});
