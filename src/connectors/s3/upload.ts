import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { DeleteObjectCommand, PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ConnectorError, isConnectorError, type HashType, type WriteInfo } from '../connector.js';
import { throwIfAborted } from '../kit/abort.js';
import { bareETag, ETagHasher, etagMatches } from '../kit/s3-client.js';
import { classify } from './errors.js';

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
}

/** Where a failing source is told apart from a failing server. */
function sourceFailure(body: Readable, key: string): ConnectorError | null {
  const e = body.errored;
  if (!e) return null;
  if (isConnectorError(e)) return e;
  return new ConnectorError('transient', `The data to upload as ${key} could not be read (${(e as Error).message})`, undefined, { cause: e });
}

function shortBody(path: string, got: number, want: number): ConnectorError {
  return new ConnectorError('transient', `The data for ${path} was ${got} bytes, not the ${want} announced`);
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
  const data = Buffer.concat(chunks, size);
  const md5 = createHash('md5').update(data).digest();
  const sha256 = policy.checksumSha256 ? createHash('sha256').update(data).digest() : null;
  try {
    const res = await client.send(new PutObjectCommand({
      ...common,
      Body: data,
      ContentLength: size,
      ContentMD5: md5.toString('base64'),
      ...(sha256 ? { ChecksumSHA256: sha256.toString('base64') } : {}),
    }), { abortSignal: signal });
    const hashes: Partial<Record<HashType, string>> = {};
    if (sha256 && res.ChecksumSHA256) {
      if (res.ChecksumSHA256 !== sha256.toString('base64')) throw received(path);
      hashes.sha256 = sha256.toString('hex');
    }
    // An ETag that is no MD5 at all (SSE-KMS, some gateways) proves nothing: the verifier reads the file back.
    const etag = bareETag(res.ETag);
    if (/^[0-9a-f]{32}$/.test(etag)) {
      if (etag !== md5.toString('hex')) throw received(path);
      hashes.md5 = etag;
    }
    return { hashes };
  } catch (e) {
    throw classify(e, path, signal);
  }
}

function received(path: string): ConnectorError {
  return new ConnectorError('transient', `The S3 server stored different bytes for ${path} than were sent; try again`);
}

/** Feeds every byte that passes to an ETagHasher, so the multipart ETag can be checked without reading the file again. */
class ETagTap extends Transform {
  readonly hasher: ETagHasher;
  constructor(partSize: number) {
    super();
    this.hasher = new ETagHasher(partSize);
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hasher.update(chunk);
    callback(null, chunk);
  }
}

/**
 * Large files: a multipart upload through lib-storage, `queueSize` parts at a time, so memory
 * stays at a few parts whatever the size. The ETag the server gives the finished object is
 * compared with the one computed here from the same parts; on a mismatch the object is removed.
 */
async function putInParts(client: S3Client, policy: UploadPolicy, common: Omit<PutObjectCommandInput, 'Body'>, path: string, body: Readable, info: WriteInfo, signal?: AbortSignal): Promise<Uploaded> {
  const tap = new ETagTap(policy.partSize);
  body.on('error', (e) => tap.destroy(e));
  body.pipe(tap);
  const upload = new Upload({
    client,
    params: {
      ...common,
      Body: tap,
      // Object Lock demands a checksum on every part; lib-storage sends none unless asked.
      ...(policy.checksumSha256 ? { ChecksumAlgorithm: 'SHA256' as const } : policy.retainUntil ? { ChecksumAlgorithm: 'CRC32' as const } : {}),
    },
    partSize: policy.partSize,
    queueSize: policy.queueSize,
    leavePartsOnError: false,
  });
  const onAbort = () => { void upload.abort().catch(() => undefined); };
  signal?.addEventListener('abort', onAbort, { once: true });
  let etag: string | undefined;
  try {
    etag = (await upload.done()).ETag;
  } catch (e) {
    body.destroy();
    throw sourceFailure(body, path) ?? sourceFailure(tap, path) ?? classify(e, path, signal);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  const local = tap.hasher.digest();
  // An ETag in neither MD5 form (SSE-KMS, some gateways) proves nothing: the verifier reads the file back.
  const judged = /^[0-9a-f]{32}(-\d+)?$/.test(bareETag(etag));
  const wrong = tap.hasher.bytes !== info.size ? shortBody(path, tap.hasher.bytes, info.size) : !judged || etagMatches(etag, local) ? null : received(path);
  if (wrong) {
    await client.send(new DeleteObjectCommand({ Bucket: policy.bucket, Key: common.Key }), { abortSignal: AbortSignal.timeout(30_000) }).catch(() => undefined);
    throw wrong;
  }
  return { hashes: judged ? { md5: local.md5 } : {} };
}
