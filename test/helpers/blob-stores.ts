import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../../src/connectors/kit/s3-client.js';
import { FileBlobStore, type BlobStore } from '../../src/vault/blobs.js';
import { S3BlobStore } from '../../src/vault/s3-blobs.js';
import { startS3, type TestS3 } from '../servers/s3.js';

/**
 * The blob stores the blob and clean-up tests run on, each with what a test needs to look
 * behind the port: the stored bytes, leftovers of puts, and a way to make a blob look old.
 */
export interface BlobStoreFixture {
  store: BlobStore;
  /** The bytes stored for `sha256`, read from the storage itself. */
  stored(sha256: string): Promise<Buffer>;
  /** What puts left in the store's area for uploads in progress. */
  leftovers(): Promise<string[]>;
  /** Leaves a partial upload of `size` bytes named `name`, last written `ms` ago, as a killed process would. */
  plantPartial(name: string, size: number, ms: number): Promise<void>;
  /** Makes the blob look last stored `ms` ago. */
  age(sha256: string, ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface BlobStoreKind {
  name: string;
  /** A fresh empty store; `partSize` lowers the S3 store's part size to reach its multipart path. */
  open(opts?: { partSize?: number }): Promise<BlobStoreFixture>;
  /** The settings that make a whole Dossier use a fresh store of this kind (the data folder's own when empty). */
  env(): Promise<Record<string, string>>;
  /** For a Dossier opened with env(): the same looks behind the port. */
  around(store: BlobStore, dataDir: string): BlobStoreFixture;
  stop(): Promise<void>;
}

const blobKey = (h: string) => `${h.slice(0, 2)}/${h.slice(2, 4)}/${h}`;
const when = (ms: number) => new Date(Date.now() - ms);

export function fileStores(): BlobStoreKind {
  const around = (store: BlobStore, root: string, cleanup: () => Promise<void> = async () => undefined): BlobStoreFixture => ({
    store,
    stored: (h) => readFile(join(root, blobKey(h))),
    leftovers: () => readdir(join(root, 'incoming')).catch(() => []),
    plantPartial: async (name, size, ms) => {
      const { mkdir, writeFile } = await import('node:fs/promises');
      await mkdir(join(root, 'incoming'), { recursive: true });
      await writeFile(join(root, 'incoming', name), Buffer.alloc(size, 1));
      await utimes(join(root, 'incoming', name), when(ms), when(ms));
    },
    age: (h, ms) => utimes(join(root, blobKey(h)), when(ms), when(ms)),
    close: cleanup,
  });
  return {
    name: 'the data folder',
    async open() {
      const root = await mkdtemp(join(tmpdir(), 'dossier-blobs-'));
      return around(new FileBlobStore(root), root, () => rm(root, { recursive: true, force: true }));
    },
    env: async () => ({}),
    around: (store, dataDir) => around(store, join(dataDir, 'blobs')),
    stop: async () => undefined,
  };
}

/** Stores on one s3rver (test/servers/s3.ts), a bucket each, below a prefix. */
export async function s3Stores(): Promise<BlobStoreKind> {
  const server: TestS3 = await startS3();
  const PREFIX = 'dossier/blobs';
  const client = createS3Client({ endpoint: server.endpoint, region: server.region, forcePathStyle: true, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
  let lastBucket = '';
  const around = (store: BlobStore, bucket: string): BlobStoreFixture => ({
    store,
    async stored(h) {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${PREFIX}/${blobKey(h)}` }));
      return Buffer.from(await res.Body!.transformToByteArray());
    },
    async leftovers() {
      const res = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${PREFIX}/incoming/` }));
      return (res.Contents ?? []).map((o) => o.Key!.slice(`${PREFIX}/incoming/`.length));
    },
    async plantPartial(name, size, ms) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${PREFIX}/incoming/${name}`, Body: Buffer.alloc(size, 1) }));
      await server.age(bucket, `${PREFIX}/incoming/${name}`, ms);
    },
    age: (h, ms) => server.age(bucket, `${PREFIX}/${blobKey(h)}`, ms),
    close: async () => { (store as S3BlobStore).close(); },
  });
  return {
    name: 'S3 (s3rver)',
    async open(opts = {}) {
      const bucket = await server.bucket();
      const store = new S3BlobStore({ client: createS3Client({ endpoint: server.endpoint, region: server.region, forcePathStyle: true, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } }), bucket, prefix: PREFIX, ...opts });
      return around(store, bucket);
    },
    async env() {
      lastBucket = await server.bucket();
      return {
        DOSSIER_BLOB_URL: `s3://${lastBucket}/${PREFIX}`, DOSSIER_BLOB_S3_ENDPOINT: server.endpoint, DOSSIER_BLOB_S3_PATH_STYLE: 'on',
        AWS_REGION: server.region, AWS_ACCESS_KEY_ID: server.accessKeyId, AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
      };
    },
    around: (store) => ({ ...around(store, lastBucket), close: async () => undefined }),
    async stop() {
      client.destroy();
      await server.stop();
    },
  };
}
