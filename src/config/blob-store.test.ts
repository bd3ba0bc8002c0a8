import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './config.js';

describe('blob store configuration', () => {
  it('keeps document files in the data folder unless DOSSIER_BLOB_URL names a bucket', () => {
    assert.deepEqual(loadConfig({}).blobStore, { kind: 'file' });
    assert.deepEqual(loadConfig({
      DOSSIER_BLOB_URL: 's3://acme-docs/dossier/blobs/', AWS_ENDPOINT_URL_S3: 'http://minio.internal:9000', DOSSIER_BLOB_S3_PATH_STYLE: 'on',
      AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'secret',
    }).blobStore, {
      kind: 's3', bucket: 'acme-docs', prefix: 'dossier/blobs', region: 'eu-west-1', forcePathStyle: true, endpoint: 'http://minio.internal:9000',
      credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret' },
    });
    assert.deepEqual(loadConfig({ DOSSIER_BLOB_URL: 's3://b1' }).blobStore, { kind: 's3', bucket: 'b1', prefix: '', region: 'us-east-1', forcePathStyle: false });
  });

  it('refuses a blob URL that is no s3:// bucket, and half an access key', () => {
    assert.throws(() => loadConfig({ DOSSIER_BLOB_URL: 'https://example.com/bucket' }), /DOSSIER_BLOB_URL/);
    assert.throws(() => loadConfig({ DOSSIER_BLOB_URL: 's3://b1', AWS_ACCESS_KEY_ID: 'AKIA' }), /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });
});
