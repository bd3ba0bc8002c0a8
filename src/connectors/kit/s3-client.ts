import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import type { EgressPolicy } from './egress.js';

/**
 * The one place an S3 client is built, for the S3 destination (src/connectors/s3) and the S3
 * blob store (src/vault/s3-blobs.ts, handed a client by src/main), so both speak to
 * S3-compatible servers the same way.
 */
export interface S3Endpoint {
  /** https://s3.eu-central-1.amazonaws.com, https://s3.eu-central-003.backblazeb2.com, ...; absent: AWS for `region`. */
  endpoint?: string;
  region: string;
  /** bucket in the path (https://host/bucket/key) rather than the host name: MinIO, Garage, Ceph and most self-hosted servers need it. */
  forcePathStyle: boolean;
  /** Absent: the AWS SDK's default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Where a user-given endpoint may be: the socket goes only to addresses the policy allowed. */
  egress?: EgressPolicy;
  /** Parallel connections to the server. */
  maxSockets?: number;
}

export function createS3Client(e: S3Endpoint): S3Client {
  // Names are checked by the sockets' lookup, at the address connected to; an address typed as
  // such never goes through a lookup, so it is checked before each request.
  const agentOptions = { keepAlive: true, maxSockets: e.maxSockets ?? 16, ...(e.egress ? { lookup: e.egress.lookup } : {}) };
  const client = new S3Client({
    region: e.region,
    ...(e.endpoint ? { endpoint: e.endpoint } : {}),
    forcePathStyle: e.forcePathStyle,
    ...(e.credentials ? { credentials: e.credentials } : {}),
    // The SDK's default (since 3.729) adds CRC32 trailers in aws-chunked bodies to every upload,
    // which many S3-compatible servers (older MinIO, Garage, s3rver, some B2 and Wasabi
    // endpoints) refuse or store wrongly. Dossier sends Content-MD5 itself, and an explicit
    // checksum where the destination says its server checks one (see docs/providers/s3.md).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Retries belong to the backup engine (one policy for every connector, with its pacing).
    maxAttempts: 1,
    requestHandler: { httpAgent: new HttpAgent(agentOptions), httpsAgent: new HttpsAgent(agentOptions), connectionTimeout: 30_000, requestTimeout: 300_000 },
  });
  const egress = e.egress;
  if (egress) {
    client.middlewareStack.add((next) => async (args) => {
      const host = (args.request as { hostname?: string }).hostname ?? '';
      if (isIP(host.replace(/^\[(.*)\]$/, '$1'))) await egress.resolve(host);
      return next(args);
    }, { step: 'finalizeRequest', name: 'dossierEgressCheck' });
  }
  return client;
}

/** An ETag as S3 sends it ("\"abc...\"") in bare lower-case hex, as a local MD5 is written. */
export const bareETag = (etag: string | undefined): string => (etag ?? '').replace(/"/g, '').toLowerCase();

/**
 * True when the ETag is an MD5 (of a body, or of a part): what a server without SSE-KMS answers.
 * Any other form (SSE-KMS, some gateways) proves nothing about the bytes, nor refutes them.
 */
export const isMd5ETag = (etag: string): boolean => /^[0-9a-f]{32}$/.test(etag);

/** True when the ETag is the MD5 of a multipart upload's parts ("...-N") rather than of the body. */
export const isMultipartETag = (etag: string): boolean => /^[0-9a-f]{32}-\d+$/.test(etag);
