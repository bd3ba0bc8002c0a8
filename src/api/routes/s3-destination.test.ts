import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createS3Client } from '../../connectors/kit/s3-client.js';
import { startS3 } from '../../../test/servers/s3.js';
import { invoiceFields, pdf, startApi, upload } from '../harness.test.js';

/** An S3 bucket set up over the API, as a host app or the wizard does: secrets kept out of sight, documents landing in the layout. */
test('an S3 destination made over the API backs a document up into the bucket and never shows its key', async (t) => {
  const server = await startS3();
  const api = await startApi();
  t.after(async () => { await api.close(); await server.stop(); });
  const bucket = await server.bucket();
  const secret = 'not-the-s3rver-secret-but-accepted';
  const settings = { endpoint: server.endpoint, region: server.region, bucket, prefix: 'dossier', pathStyle: true, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };

  const tried = await api.call({ method: 'POST', url: '/v1/destinations/test', payload: { kind: 's3', settings } });
  assert.equal(tried.statusCode, 200, tried.body);
  assert.equal(tried.json().ok, true, tried.body);
  const missingBucket = await api.call({ method: 'POST', url: '/v1/destinations/test', payload: { kind: 's3', settings: { ...settings, bucket: 'no-such-bucket' } } });
  assert.equal(missingBucket.json().ok, false);

  const content = pdf('an invoice for the bucket');
  assert.equal((await upload(api, invoiceFields(api.companyId), content)).statusCode, 201);
  const made = await api.call({
    method: 'POST', url: '/v1/destinations',
    payload: { companyId: api.companyId, name: 'Archive bucket', kind: 's3', settings, layout: 'company-year-type', schedule: 'daily@03:00' },
  });
  assert.equal(made.statusCode, 201, made.body);
  const id = made.json().id as string;
  const runId = await api.deps.backup.syncNow(api.orgId, id);
  const { run } = await api.deps.backup.run(api.orgId, runId);
  assert.deepEqual([run.status, run.uploaded, run.failed], ['done', 1, 0], JSON.stringify(run));

  const client = createS3Client({ endpoint: server.endpoint, region: server.region, forcePathStyle: true, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
  t.after(() => client.destroy());
  const keys = ((await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dossier/' }))).Contents ?? []).map((o) => o.Key!);
  assert.equal(keys.length, 1, keys.join(', '));
  assert.match(keys[0]!, /^dossier\/[^/]+\/2024\/[^/]+\/2024-03-14 F-2024-001 Client NV\.pdf$/);
  const stored = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keys[0]! }));
  assert.deepEqual(Buffer.from(await stored.Body!.transformToByteArray()), content);

  const shown = await api.call({ method: 'GET', url: `/v1/destinations/${id}` });
  assert.equal(shown.statusCode, 200);
  assert.ok(!shown.body.includes(server.secretAccessKey) && !shown.body.includes(secret), 'the secret access key is never returned');
  const rows = await api.deps.db.selectFrom('connections').select(['secrets', 'settings']).execute();
  assert.ok(rows.every((r) => !String(r.secrets ?? '').includes(server.secretAccessKey) && !JSON.stringify(r.settings).includes(server.secretAccessKey)), 'stored encrypted');
});
