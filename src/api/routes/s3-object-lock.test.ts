import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { startS3 } from '../../../test/servers/s3.js';
import { s3Definition, type S3Settings } from '../../connectors/s3/index.js';
import type { ConnectorDefinition } from '../../connectors/connector.js';
import { invoiceFields, pdf, startApi, upload } from '../harness.test.js';

/**
 * The S3 test server stores Object Lock headers without checking or enforcing them, so what is
 * checked here is what Dossier asks for: the headers of every upload request, as the SDK sends
 * them, for a backup run by the real backup service (docs/providers/s3.md).
 */
test('with Object Lock on, each object is locked in compliance mode until its document\'s retention ends, and held when the document is', async (t) => {
  const server = await startS3();
  const sent: Array<{ command: string; headers: Record<string, string> }> = [];
  // The real S3 connector, with a recorder of the requests its SDK client sends.
  const recorded: ConnectorDefinition<S3Settings> = {
    ...s3Definition,
    create: async (settings, context) => {
      const c = await s3Definition.create(settings, context);
      const client = (c as unknown as { client: S3Client }).client;
      client.middlewareStack.add((next, ctx) => async (args) => {
        // One record per SDK call (its invocation id), however many times the step is passed.
        const headers = (args.request as { headers: Record<string, string> }).headers;
        if (sent.some((s) => s.headers['amz-sdk-invocation-id'] === headers['amz-sdk-invocation-id'])) return next(args);
        sent.push({ command: String(ctx.commandName), headers: { ...(args.request as { headers: Record<string, string> }).headers } });
        return next(args);
      }, { step: 'finalizeRequest', name: 'recordSent' });
      return c;
    },
  };
  const api = await startApi({ definitions: [recorded as unknown as ConnectorDefinition] });
  t.after(async () => { await api.close(); await server.stop(); });
  const bucket = await server.bucket();
  const settings = { endpoint: server.endpoint, region: server.region, bucket, prefix: 'locked', pathStyle: true, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey, objectLock: true };

  // Belgium: 7 years from the end of the later of the document's year and the year it was received.
  assert.equal((await api.call({ method: 'PUT', url: `/v1/companies/${api.companyId}/retention`, payload: { preset: 'be' } })).statusCode, 200);
  const old = (await upload(api, invoiceFields(api.companyId, { number: 'OLD-1', date: '2019-05-02' }), pdf('old'))).json();
  const held = (await upload(api, invoiceFields(api.companyId, { number: 'HELD-1', date: '2024-03-14' }), pdf('held'))).json();
  assert.equal((await api.call({ method: 'PUT', url: `/v1/documents/${held.id}/hold`, payload: { legalHold: true } })).statusCode, 204);
  const big = (await upload(api, invoiceFields(api.companyId, { number: 'BIG-1', date: '2024-06-01' }), Buffer.concat([pdf('big'), Buffer.alloc(9 * 1024 * 1024)]))).json();

  // The old invoice was received (imported) in 2019 too: its lock ends 7 years after that year.
  await api.deps.db.updateTable('documents').set({ created_at: '2019-05-03T08:00:00.000Z' }).where('id', '=', old.id).execute();
  const made = await api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'Locked bucket', kind: 's3', settings, schedule: 'daily@03:00' } });
  assert.equal(made.statusCode, 201, made.body);
  // A new destination starts its first pass at once.
  await api.deps.queue.idle();
  const runId = (await api.call({ method: 'GET', url: `/v1/destinations/${made.json().id}` })).json().lastRunId as string;
  const { run } = await api.deps.backup.run(api.orgId, runId);
  assert.deepEqual([run.status, run.uploaded, run.failed], ['done', 3, 0], JSON.stringify(run));

  const received = new Date().getUTCFullYear();
  const until = (year: number) => `${Math.max(year, received) + 7 + 1}-01-01T00:00:00.000Z`;
  // The documents' uploads carry the lock; the connector's own probe of the bucket does not (it is removed again).
  const writes = sent.filter((s) => s.command === 'PutObjectCommand' || s.command === 'CreateMultipartUploadCommand');
  const locked = writes.filter((s) => s.headers['x-amz-object-lock-mode']);
  assert.equal(locked.length, 3, 'one locked upload per document');
  assert.ok(locked.every((s) => s.headers['x-amz-object-lock-mode'] === 'COMPLIANCE'));
  assert.equal(locked.filter((s) => s.command === 'CreateMultipartUploadCommand').length, 1, 'the large one, in parts, is locked too');
  const lockOf = (s: { headers: Record<string, string> }) => new Date(s.headers['x-amz-object-lock-retain-until-date']!).toISOString();
  assert.deepEqual(locked.map(lockOf).sort(), ['2027-01-01T00:00:00.000Z', until(2024), until(2024)]);
  assert.equal(locked.filter((s) => s.headers['x-amz-object-lock-legal-hold'] === 'ON').length, 1, 'only the held document gets a legal hold');
  assert.ok(writes.every((s) => s.headers['x-amz-object-lock-mode'] || !s.headers['x-amz-object-lock-legal-hold']));
  void held; void big;
  assert.ok(sent.filter((s) => s.command === 'UploadPartCommand').every((s) => s.headers['content-md5'] || s.headers['x-amz-checksum-sha256']), 'every part carries the Content-MD5 (or checksum) Object Lock demands');

  // Without objectLock, nothing is locked.
  sent.length = 0;
  const plain = await api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'Plain bucket', kind: 's3', settings: { ...settings, prefix: 'plain', objectLock: false }, schedule: 'daily@03:00' } });
  await api.deps.queue.idle();
  const plainRun = (await api.call({ method: 'GET', url: `/v1/destinations/${plain.json().id}` })).json().lastRunId as string;
  assert.equal((await api.deps.backup.run(api.orgId, plainRun)).run.uploaded, 3);
  assert.ok(sent.length > 0 && sent.every((s) => !s.headers['x-amz-object-lock-mode'] && !s.headers['x-amz-object-lock-legal-hold']));
});
