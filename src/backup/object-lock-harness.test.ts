import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { startObjectLockS3, type ObjectLockS3 } from '../../test/servers/s3-object-lock.js';
import { startApi, type Api } from '../api/harness.test.js';
import type { S3Options } from '../connectors/s3/connector.js';

/**
 * What the Object Lock tests share: the test server's Object Lock layer with a locked bucket, a
 * Dossier behind its API, an AWS SDK client to read locks back with (S3 alone, not Dossier), and
 * the destination settings of that bucket. It holds no tests itself (see src/api/harness.test.ts).
 */
export interface LockedBucket {
  server: ObjectLockS3;
  api: Api;
  bucket: string;
  s3: S3Client;
  /** An API call that must succeed; its JSON answer (null for 204). */
  call(method: 'PUT' | 'POST' | 'GET', url: string, payload?: object): Promise<any>;
  /** An S3 destination's settings on the bucket, with Object Lock, under `prefix`. */
  settings(prefix: string): S3Options;
}

export async function lockedBucketBehindApi(t: TestContext): Promise<LockedBucket> {
  const server = await startObjectLockS3();
  const api = await startApi();
  t.after(async () => { await api.close(); await server.stop(); });
  const bucket = await server.lockedBucket();
  const s3 = new S3Client({ endpoint: server.endpoint, region: server.region, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
  t.after(() => s3.destroy());
  return {
    server, api, bucket, s3,
    async call(method, url, payload) {
      const res = await api.call({ method, url, ...(payload && { payload }) });
      assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.statusCode === 204 ? null : res.json();
    },
    settings: (prefix) => ({ endpoint: server.endpoint, region: server.region, bucket, prefix, pathStyle: true, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey, objectLock: true }),
  };
}
