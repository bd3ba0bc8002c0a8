import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { ConnectorError, isConnectorError, type HashType, type WriteInfo } from '../connector.js';
import { throwIfAborted } from '../kit/abort.js';
import { bareETag, isMd5ETag } from '../kit/s3-client.js';
import { classify } from './errors.js';
import { received, shortBody, uploadParts } from './parts.js';

/** How one destination uploads: see docs/providers/s3.md for why each is what it is. */
export interface UploadPolicy {
  bucket: string;
  /** Bodies up to this size go in one PutObject; larger ones in parts of this size. */
  partSize: number;
  /** Parts of one file in flight at once (and so in memory: partSize each, plus one being filled). */
  queueSize: number;
  /** Also send x-amz-checksum-sha256, which AWS S3 and MinIO check before storing (most others ignore it). */
  checksumSha256: boolean;
  /** Object Lock until this date, or none. */
  retainUntil?: () => Date;
  /** The mode of that lock. */
  lockMode?: 'COMPLIANCE' | 'GOVERNANCE';
  /** An Object Lock legal hold on the object as well. */
  legalHold?: boolean;
}

export interface Uploaded {
  /** The hashes the server's own answer proved: md5 when its ETag matched the bytes sent, sha256 when its checksum did. */
  hashes: Partial<Record<HashType, string>>;
  /**
   * The server's ETag of the object (bare: "md5", or "md5-N" for parts), present only when its
   * answers proved every byte (ETags of MD5 form that matched, or its SHA-256 checksum).
   */
  etag?: string;
}

/** Where a failing source is told apart from a failing server. */
function sourceFailure(body: Readable, key: string): ConnectorError | null {
  const e = body.errored;
  if (!e) return null;
  if (isConnectorError(e)) return e;
  return new ConnectorError('transient', `The data to upload as ${key} could not be read (${(e as Error).message})`, undefined, { cause: e });
}

/**
 * Writes `body` to `key`. Nothing becomes visible at `key` until the whole body is in: a
 * PutObject or a CompleteMultipartUpload replaces the object in one step, and a failed
 * multipart upload is aborted, so a failed write leaves the old object (or none).
 */
export async function uploadObject(client: S3Client, policy: UploadPolicy, key: string, path: string, body: Readable, info: WriteInfo, signal?: AbortSignal): Promise<Uploaded> {
  throwIfAborted(signal);
  const common: Omit<PutObjectCommandInput, 'Body'> = {
    Bucket: policy.bucket,
    Key: key,
    ContentType: 'application/octet-stream',
    // Where rclone keeps it too, so a restore with rclone sets the document's own time.
    ...(info.modifiedAt ? { Metadata: { mtime: String(info.modifiedAt.getTime() / 1000) } } : {}),
    ...(policy.retainUntil ? { ObjectLockMode: policy.lockMode ?? 'COMPLIANCE', ObjectLockRetainUntilDate: policy.retainUntil() } : {}),
    ...(policy.legalHold ? { ObjectLockLegalHoldStatus: 'ON' as const } : {}),
  };
  return info.size <= policy.partSize
    ? putWhole(client, policy, common, path, body, info, signal)
    : putInParts(client, policy, common, path, body, info, signal);
}

/** Small files (most documents): read into memory, then one PutObject the server checks against Content-MD5. */
async function putWhole(client: S3Client, policy: UploadPolicy, common: Omit<PutObjectCommandInput, 'Body'>, path: string, body: Readable, info: WriteInfo, signal?: AbortSignal): Promise<Uploaded> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const raw of body) {
      const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
      size += chunk.length;
      if (size > policy.partSize) throw shortBody(path, size, info.size);
      chunks.push(chunk);
      throwIfAborted(signal);
    }
  } catch (e) {
    body.destroy();
    throw sourceFailure(body, path) ?? classify(e, path, signal);
  }
  if (size !== info.size) throw shortBody(path, size, info.size);
  const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  const md5 = createHash('md5').update(data).digest();
  // The caller's SHA-256 is the document's: the server then checks the catalog's hash itself.
  const sha256 = !policy.checksumSha256 ? null : info.sha256 ? Buffer.from(info.sha256, 'hex') : createHash('sha256').update(data).digest();
  try {
    const res = await client.send(new PutObjectCommand({
      ...common,
      Body: data,
      ContentLength: size,
      ContentMD5: md5.toString('base64'),
      ...(sha256 ? { ChecksumSHA256: sha256.toString('base64') } : {}),
    }), { abortSignal: signal });
    const hashes: Partial<Record<HashType, string>> = {};
    const etag = bareETag(res.ETag);
    if (sha256 && res.ChecksumSHA256) {
      if (res.ChecksumSHA256 !== sha256.toString('base64')) throw received(path);
      hashes.sha256 = sha256.toString('hex');
    }
    // An ETag that is no MD5 at all (SSE-KMS, some gateways) proves nothing: the verifier reads the file back.
    if (isMd5ETag(etag)) {
      if (etag !== md5.toString('hex')) throw received(path);
      hashes.md5 = etag;
    }
    return { hashes, ...(hashes.md5 || hashes.sha256 ? { etag } : {}) };
  } catch (e) {
    throw classify(e, path, signal);
  }
}

/**
 * Large files: a multipart upload, `queueSize` parts at a time, so memory stays at a few parts
 * whatever the size; each part is proved by its own ETag (parts.ts).
 */
async function putInParts(client: S3Client, policy: UploadPolicy, common: Omit<PutObjectCommandInput, 'Body'>, path: string, body: Readable, info: WriteInfo, signal?: AbortSignal): Promise<Uploaded> {
  const { etag, proven } = await uploadParts(client, policy, common, path, body, info.size, (b) => sourceFailure(b, path), signal);
  if (!proven) return { hashes: {} };
  // The whole body's MD5 only where the server's ETag is one (s3rver); AWS's "-N" form is not.
  return { hashes: isMd5ETag(etag) ? { md5: etag } : {}, etag };
}
