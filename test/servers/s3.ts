import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, canConnect } from './net.js';

/**
 * A loopback S3 server for the tests and the benchmark: s3rver (npm, MIT), run as its own
 * process so its work does not share the event loop with the code under test. What s3rver
 * does not do, and so what these tests cannot check, is listed in docs/providers/s3.md.
 */
export interface TestS3 {
  endpoint: string;
  region: string;
  /** s3rver's fixed account. */
  accessKeyId: string;
  secretAccessKey: string;
  /** Makes a new empty bucket and returns its name. */
  bucket(): Promise<string>;
  /** Makes the object at `key` (plain names, no special characters) look last written `ms` ago: s3rver reports its file's mtime. */
  age(bucket: string, key: string, ms: number): Promise<void>;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

export async function startS3(): Promise<TestS3> {
  const dir = await mkdtemp(join(tmpdir(), 'dossier-s3-'));
  const port = await freePort();
  const cli = join(require.resolve('s3rver/package.json'), '..', 'bin', 's3rver.js');
  // s3rver's ListObjectsV2 continuation tokens are DES-encrypted, which OpenSSL 3 keeps in its
  // legacy provider: without it every listing longer than one page fails with InternalError.
  const child = spawn(process.execPath, ['--openssl-legacy-provider', cli, '-d', dir, '-a', '127.0.0.1', '-p', String(port), '--silent', '--no-vhost-buckets'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-4000); });
  const deadline = Date.now() + 15_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`s3rver did not start on port ${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    async bucket() {
      const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
      const name = `b-${randomBytes(6).toString('hex')}`;
      const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      try { await client.send(new CreateBucketCommand({ Bucket: name })); } finally { client.destroy(); }
      return name;
    },
    async age(bucket, key, ms) {
      const when = new Date(Date.now() - ms);
      const parts = key.split('/');
      const last = parts.pop()!;
      await utimes(join(dir, bucket, ...parts, `${last}._S3rver_object`), when, when);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
