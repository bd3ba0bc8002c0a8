import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { startS3, type TestS3 } from '../../../test/servers/s3.js';
import { TEST_CONTEXT } from '../../../test/helpers/limits.js';
import { body, readAll, rejectsKind } from '../conformance/helpers.js';
import { S3Connector, type S3Options } from './connector.js';
import { s3Settings } from './index.js';
import { multipartETag } from './parts.js';

const PART = 5 * 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest();

/** What the connector's client sent, and a hook to change what the server answered (s3rver checks neither Content-MD5 nor ETags). */
function spy(c: S3Connector, rewrite?: (output: Record<string, unknown>, command: string) => void): Array<{ command: string; headers: Record<string, string> }> {
  const sent: Array<{ command: string; headers: Record<string, string> }> = [];
  const client = (c as unknown as { client: S3Client }).client;
  client.middlewareStack.add((next, context) => async (args) => {
    sent.push({ command: String(context.commandName), headers: { ...(args.request as { headers: Record<string, string> }).headers } });
    return next(args);
  }, { step: 'finalizeRequest', name: 'spySent' });
  // At the outermost step the output is the parsed answer, as the connector gets it.
  client.middlewareStack.add((next, context) => async (args) => {
    const result = await next(args);
    if (result.output) rewrite?.(result.output as unknown as Record<string, unknown>, String(context.commandName));
    return result;
  }, { step: 'initialize', name: 'spyAnswer' });
  return sent;
}

describe('s3 connector', () => {
  let server: TestS3;
  let options: S3Options;
  before(async () => {
    server = await startS3();
    options = {
      endpoint: server.endpoint, region: server.region, bucket: await server.bucket(), prefix: 'backup', pathStyle: true,
      accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey, partSize: PART,
    };
  });
  after(() => server.stop());

  it('computes the multipart ETag as S3 does: MD5 of the parts\' MD5s, then the part count', () => {
    const data = randomBytes(2 * PART + 10);
    const parts = [data.subarray(0, PART), data.subarray(PART, 2 * PART), data.subarray(2 * PART)];
    // Worked by hand: the binary digests, concatenated, hashed again.
    const expected = createHash('md5').update(Buffer.concat([md5(parts[0]!), md5(parts[1]!), md5(parts[2]!)])).digest('hex') + '-3';
    assert.equal(multipartETag(parts.map(md5)), expected);
    assert.notEqual(multipartETag(parts.slice(0, 2).map(md5)), expected.replace(/-3$/, '-2'));
  });

  it('sends Content-MD5 and reports the MD5 the server proved, for small and multipart files', async (t) => {
    const c = new S3Connector(options, TEST_CONTEXT);
    t.after(() => c.close());
    const sent = spy(c);
    const small = randomBytes(1000);
    const e = await c.write('a/small.pdf', body(small), { size: small.length });
    assert.equal(e.hashes?.md5, md5(small).toString('hex'));
    const put = sent.find((s) => s.command === 'PutObjectCommand')!;
    assert.equal(put.headers['content-md5'], md5(small).toString('base64'));
    const large = randomBytes(PART + 7);
    const l = await c.write('a/large.pdf', body(large), { size: large.length });
    // s3rver's multipart ETag is the whole body's MD5 (AWS's is MD5(part MD5s)-N): the server's own.
    assert.equal(l.hashes?.md5, md5(large).toString('hex'));
    assert.equal(l.etag, md5(large).toString('hex'));
    const parts = sent.filter((s) => s.command === 'UploadPartCommand');
    assert.deepEqual(parts.map((p) => p.headers['content-md5']), [md5(large.subarray(0, PART)), md5(large.subarray(PART))].map((d) => d.toString('base64')), 'each part carries its MD5');
    assert.deepEqual(await c.hashMany(['a/small.pdf', 'a/large.pdf', 'a/none.pdf'], 'md5'), new Map([['a/small.pdf', md5(small).toString('hex')], ['a/large.pdf', md5(large).toString('hex')]]));
  });

  it('refuses an upload whose ETag says the server stored other bytes, and removes a wrong multipart object', async (t) => {
    const c = new S3Connector(options, TEST_CONTEXT);
    t.after(() => c.close());
    spy(c, (output, command) => {
      if (command === 'PutObjectCommand' && output.ETag) output.ETag = `"${'1'.repeat(32)}"`;
      if (command === 'CompleteMultipartUploadCommand') output.ETag = `"${'2'.repeat(32)}-2"`;
    });
    await rejectsKind(c.write('bad/small.pdf', body(randomBytes(100)), { size: 100 }), 'transient', /different bytes/);
    await rejectsKind(c.write('bad/large.pdf', body(randomBytes(PART + 1)), { size: PART + 1 }), 'transient', /different bytes/);
    await rejectsKind(c.stat('bad/large.pdf'), 'not_found');
  });

  it('refuses a multipart upload when one part\'s ETag is not that part\'s MD5, and leaves nothing at the key', async (t) => {
    const c = new S3Connector(options, TEST_CONTEXT);
    t.after(() => c.close());
    let n = 0;
    const sent = spy(c, (output, command) => { if (command === 'UploadPartCommand' && ++n === 2) output.ETag = `"${'3'.repeat(32)}"`; });
    await rejectsKind(c.write('bad/part.pdf', body(randomBytes(2 * PART + 1)), { size: 2 * PART + 1 }), 'transient', /different bytes/);
    assert.ok(!sent.some((s) => s.command === 'CompleteMultipartUploadCommand'), 'never completed');
    assert.ok(sent.some((s) => s.command === 'AbortMultipartUploadCommand'), 'aborted');
    await rejectsKind(c.stat('bad/part.pdf'), 'not_found');
  });

  it('claims no proof when the server\'s ETags are no MD5s (SSE-KMS), so the verifier asks again', async (t) => {
    const c = new S3Connector(options, TEST_CONTEXT);
    t.after(() => c.close());
    spy(c, (output, command) => { if (output.ETag) output.ETag = '"kms-' + command.length + '"'; });
    const small = await c.write('kms/small.pdf', body(randomBytes(100)), { size: 100 });
    const large = await c.write('kms/large.pdf', body(randomBytes(PART + 1)), { size: PART + 1 });
    assert.equal(small.etag, undefined);
    assert.equal(large.etag, undefined);
    assert.deepEqual(large.hashes, {});
  });

  it('asks for Object Lock in compliance mode for the years set, with a checksum on every part', async (t) => {
    const c = new S3Connector({ ...options, objectLockYears: 10 }, TEST_CONTEXT);
    t.after(() => c.close());
    const sent = spy(c);
    await c.write('locked/a.pdf', body(Buffer.from('kept')), { size: 4 });
    await c.write('locked/b.pdf', body(randomBytes(PART + 1)), { size: PART + 1 });
    const put = sent.find((s) => s.command === 'PutObjectCommand')!;
    assert.equal(put.headers['x-amz-object-lock-mode'], 'COMPLIANCE');
    const until = Date.parse(put.headers['x-amz-object-lock-retain-until-date']!);
    assert.ok(Math.abs(until - (Date.now() + 10 * 365.25 * 86_400_000)) < 86_400_000, 'retained about ten years');
    const create = sent.find((s) => s.command === 'CreateMultipartUploadCommand')!;
    assert.equal(create.headers['x-amz-object-lock-mode'], 'COMPLIANCE');
    const parts = sent.filter((s) => s.command === 'UploadPartCommand');
    assert.ok(parts.length === 2 && parts.every((s) => s.headers['content-md5']), 'every part carries a checksum, as Object Lock requires');
  });

  it('keeps an empty folder as a marker, and lists files and folders one level at a time', async (t) => {
    const c = new S3Connector(options, TEST_CONTEXT);
    t.after(() => c.close());
    await c.mkdir('tree/empty');
    await c.write('tree/x/1.pdf', body(Buffer.from('1')), { size: 1 });
    const names: string[] = [];
    for await (const e of c.list('tree')) names.push(`${e.name}${e.isDir ? '/' : ''}`);
    assert.deepEqual(names, ['empty/', 'x/']);
    assert.deepEqual(await readAll(c, 'tree/x/1.pdf'), Buffer.from('1'));
    await rejectsKind(c.read('tree/x'), 'is_directory');
  });

  it('goes only where the egress policy allows', async () => {
    const c = new S3Connector(options); // no policy: public addresses only, and the server is on loopback
    try {
      await rejectsKind(c.write('x.pdf', body(Buffer.from('x')), { size: 1 }), 'permission_denied', /not allowed/);
    } finally {
      await c.close();
    }
  });

  it('checks the settings a user enters', () => {
    assert.equal(s3Settings.safeParse({ bucket: 'b', accessKeyId: 'a', secretAccessKey: 's', endpoint: 'ftp://x' }).success, false);
    const ok = s3Settings.parse({ bucket: 'my-bucket', accessKeyId: 'a', secretAccessKey: 's' });
    assert.deepEqual([ok.endpoint, ok.region, ok.pathStyle, ok.objectLockYears], ['', 'us-east-1', false, 0]);
  });
});
