import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand, UploadPartCommand,
  type CompletedPart, type PutObjectCommandInput, type S3Client,
} from '@aws-sdk/client-s3';
import { ConnectorError } from '../connector.js';
import { throwIfAborted } from '../kit/abort.js';
import { bareETag, isMd5ETag, isMultipartETag } from '../kit/s3-client.js';
import { classify } from './errors.js';

/** What a multipart upload needs of the destination's policy (UploadPolicy, upload.ts). */
export interface PartPolicy { bucket: string; partSize: number; queueSize: number; checksumSha256: boolean }

/** The server's ETag of the finished object; `proven` when every part's ETag was an MD5 that matched. */
export interface PartsDone { etag: string; proven: boolean }

/** S3's ETag of a multipart upload: the MD5 of the parts' binary MD5s, then "-" and their count. */
export const multipartETag = (md5s: Buffer[]): string => `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${md5s.length}`;

export function shortBody(path: string, got: number, want: number): ConnectorError {
  return new ConnectorError('transient', `The data for ${path} was ${got} bytes, not the ${want} announced`);
}

export function received(path: string): ConnectorError {
  return new ConnectorError('transient', `The S3 server stored different bytes for ${path} than were sent; try again`);
}

/**
 * A multipart upload driven here rather than by lib-storage, so that each byte is hashed once
 * and copied once: the stream's chunks are copied into part buffers that are reused (at most
 * queueSize + 1 of them: the parts in flight and the one filling), and each full part gets one
 * MD5, sent as its Content-MD5 and compared with the ETag the server answers for that part
 * (its own MD5 of what it stored). The object's ETag is then the MD5 of those part MD5s, "-N",
 * checked too where the server gives it in that form. A part proved by its ETag needs no
 * whole-body MD5 besides, which was a second pass over every byte.
 *
 * Nothing is visible at the key until CompleteMultipartUpload; a failure aborts the upload.
 */
export async function uploadParts(
  client: S3Client, policy: PartPolicy, common: Omit<PutObjectCommandInput, 'Body'>, path: string, body: Readable, size: number,
  sourceFailure: (body: Readable) => ConnectorError | null, signal?: AbortSignal,
): Promise<PartsDone> {
  const { Bucket, Key } = { Bucket: policy.bucket, Key: common.Key! };
  let uploadId: string;
  try {
    // lib-storage's CreateMultipartUpload takes the PutObject fields as they are; so does this one.
    const res = await client.send(new CreateMultipartUploadCommand({ ...common, ...(policy.checksumSha256 ? { ChecksumAlgorithm: 'SHA256' as const } : {}) }), { abortSignal: signal });
    uploadId = res.UploadId!;
  } catch (e) {
    body.destroy();
    throw classify(e, path, signal);
  }
  const free: Buffer[] = [];
  const md5s: Buffer[] = [];
  const done: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  let bytes = 0;
  let proven = true;

  const send = (buf: Buffer, length: number) => {
    const PartNumber = md5s.length + 1;
    const data = buf.subarray(0, length);
    const md5 = createHash('md5').update(data).digest();
    md5s.push(md5);
    const sha256 = policy.checksumSha256 ? createHash('sha256').update(data).digest('base64') : undefined;
    const p = client.send(new UploadPartCommand({
      Bucket, Key, UploadId: uploadId, PartNumber, Body: data, ContentLength: length, ContentMD5: md5.toString('base64'),
      ...(sha256 ? { ChecksumSHA256: sha256 } : {}),
    }), { abortSignal: signal }).then((res) => {
      const etag = bareETag(res.ETag);
      if (isMd5ETag(etag)) {
        if (etag !== md5.toString('hex')) throw received(path);
      } else if (!(sha256 && res.ChecksumSHA256)) {
        proven = false; // nor does a checksum prove this part
      }
      if (sha256 && res.ChecksumSHA256 && res.ChecksumSHA256 !== sha256) throw received(path);
      done.push({ PartNumber, ETag: res.ETag, ...(sha256 ? { ChecksumSHA256: sha256 } : {}) });
    }).catch((e: unknown) => { failure ??= e; }).finally(() => {
      inFlight.delete(p);
      free.push(buf);
    });
    inFlight.add(p);
  };
  // Waits for room in the queue; a failed part stops the reading.
  const room = async () => {
    while (inFlight.size >= policy.queueSize && failure === null) await Promise.race(inFlight);
    if (failure !== null) throw failure;
  };

  try {
    let buf: Buffer = Buffer.allocUnsafe(policy.partSize);
    let fill = 0;
    for await (const raw of body) {
      let chunk: Buffer = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
      bytes += chunk.length;
      while (chunk.length > 0) {
        const n = chunk.copy(buf, fill);
        fill += n;
        chunk = chunk.subarray(n);
        if (fill === policy.partSize) {
          await room();
          send(buf, fill);
          buf = free.pop() ?? Buffer.allocUnsafe(policy.partSize);
          fill = 0;
        }
      }
      throwIfAborted(signal);
    }
    if (fill > 0 || md5s.length === 0) {
      await room();
      send(buf, fill);
    }
    while (inFlight.size > 0) await Promise.race(inFlight);
    if (failure !== null) throw failure;
    if (bytes !== size) throw shortBody(path, bytes, size);
    done.sort((a, b) => a.PartNumber! - b.PartNumber!);
    const res = await client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId: uploadId, MultipartUpload: { Parts: done } }), { abortSignal: signal });
    const etag = bareETag(res.ETag);
    // AWS and most others answer MD5(part MD5s)-N; s3rver answers the MD5 of the whole body,
    // which no one computed here: the parts' ETags already proved each byte.
    if (isMultipartETag(etag) && etag !== multipartETag(md5s)) {
      await client.send(new DeleteObjectCommand({ Bucket, Key }), { abortSignal: AbortSignal.timeout(30_000) }).catch(() => undefined);
      throw received(path);
    }
    return { etag, proven };
  } catch (e) {
    body.destroy();
    await Promise.allSettled([...inFlight]);
    await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: uploadId }), { abortSignal: AbortSignal.timeout(30_000) }).catch(() => undefined);
    if (e instanceof ConnectorError) throw e;
    throw sourceFailure(body) ?? classify(e, path, signal);
  }
}
