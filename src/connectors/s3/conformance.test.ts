import { startS3 } from '../../../test/servers/s3.js';
import { TEST_CONTEXT } from '../../../test/helpers/limits.js';
import { defineConformanceSuite } from '../conformance/suite.js';
import { S3Connector } from './connector.js';

const server = await startS3();
const bucket = await server.bucket();

// A prefix with a space and a non-ASCII letter; 5 MiB parts so the suite's 3 MiB file stays one
// PutObject and the sizes below take the multipart path (S3's smallest part is 5 MiB).
const PART = 5 * 1024 * 1024;
defineConformanceSuite('s3', {
  create: async () => new S3Connector({
    endpoint: server.endpoint, region: server.region, bucket, prefix: 'Dossier Bücher/backup', pathStyle: true,
    accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey, partSize: PART,
  }, TEST_CONTEXT),
  sizes: [PART, PART + 1, 2 * PART + 3],
  cleanup: () => server.stop(),
});
