import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import {
  AbortMultipartUploadCommand, CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand,
  ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { DomainError } from '../domain/errors.js';
import type { BlobStore, PutOptions, Removed, StoredBlob } from './blobs.js';

/** Bodies up to this size are hashed in memory and stored in one PutObject under their final key. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE = 4;

export interface S3BlobStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix, as plain names ("dossier/blobs"); "" for the bucket's top. */
  prefix: string;
  /** Tests lower it to reach the multipart path with small bodies; S3's smallest part is 5 MiB. */
  partSize?: number;
}

const isSha256 = (s: string) => /^[0-9a-f]{64}$/.test(s);

/** Counts and hashes what passes, and stops a body past the limit. (No `size` field: lib-storage would take it for the body's length.) */
class Meter extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  constructor(private readonly max: number) { super(); }
  override _transform(chunk: Buffer, _e: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) return callback(tooLarge(this.max));
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

const tooLarge = (max: number) => new DomainError('invalid_input', `The file is larger than the limit of ${max} bytes.`, { reason: 'file_too_large', params: { bytes: max } });

/**
 * The blob store on an S3-compatible bucket (DOSSIER_BLOB_URL=s3://bucket/prefix), with the
 * local store's layout as keys: <prefix>/ab/cd/<sha256>. A body's key is known only once it is
 * hashed, so a small body is hashed in memory and put once; a large one streams as a multipart
 * upload to <prefix>/incoming/<n>, is copied server-side to its key, and the temp object removed.
 * Memory stays at a few parts whatever the size. S3 has stored a body durably when PUT answers,
 * so sync() has nothing to do.
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly base: string;
  private readonly partSize: number;
  private readonly tempPrefix = randomBytes(6).toString('hex');
  private temps = 0;
  /** Temp keys and multipart upload ids of puts running now: never removed as abandoned. */
  private readonly live = new Set<string>();

  constructor(opts: S3BlobStoreOptions) {
    this.client = opts.client;
    this.bucket = opts.bucket;
    this.base = opts.prefix.split('/').filter(Boolean).map((s) => s + '/').join('');
    this.partSize = opts.partSize ?? PART_SIZE;
  }

  private keyOf(sha256: string): string {
    if (!isSha256(sha256)) throw new DomainError('invalid_input', `"${sha256}" is not a SHA-256.`, { reason: 'sha256_invalid', params: { value: sha256 } });
    return `${this.base}${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
  }

  private get incoming(): string { return `${this.base}incoming/`; }

  async put(body: Readable, opts: PutOptions = {}): Promise<{ sha256: string; size: number }> {
    const max = opts.maxBytes ?? Number.MAX_SAFE_INTEGER;
    // Read up to one part: most documents end there, and then need no temp object at all.
    const head: Buffer[] = [];
    let size = 0;
    const it = body[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await it.next();
        if (next.done) break;
        const raw = next.value as Buffer | string | Uint8Array;
        const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as string | Uint8Array);
        size += chunk.length;
        if (size > max) throw tooLarge(max);
        head.push(chunk);
        if (size > this.partSize) return await this.putLarge(head, it, body, max);
      }
    } catch (e) {
      body.destroy();
      throw e;
    }
    const data = Buffer.concat(head, size);
    const sha256 = createHash('sha256').update(data).digest('hex');
    // Same bytes already there: put them again all the same, so their Last-Modified tells garbage
    // collection that an intake is about to refer to them (removeIfOlder).
    await this.client.send(new PutObjectCommand({
      Bucket: this.bucket, Key: this.keyOf(sha256), Body: data, ContentLength: size,
      ContentMD5: createHash('md5').update(data).digest('base64'),
    }));
    return { sha256, size };
  }

  private async putLarge(head: Buffer[], rest: AsyncIterator<unknown>, body: Readable, max: number): Promise<{ sha256: string; size: number }> {
    const temp = `${this.incoming}${this.tempPrefix}-${++this.temps}`;
    const meter = new Meter(max);
    const source = new PassThrough();
    void (async () => {
      try {
        for (const chunk of head) if (!source.write(chunk)) await new Promise((r) => source.once('drain', r));
        for (;;) {
          const next = await rest.next();
          if (next.done) break;
          const raw = next.value as Buffer | string | Uint8Array;
          if (!source.write(Buffer.isBuffer(raw) ? raw : Buffer.from(raw as string | Uint8Array))) await new Promise((r) => source.once('drain', r));
        }
        source.end();
      } catch (e) {
        source.destroy(e as Error);
      }
    })();
    source.on('error', (e) => meter.destroy(e));
    source.pipe(meter);
    this.live.add(temp);
    const upload = new Upload({
      client: this.client, params: { Bucket: this.bucket, Key: temp, Body: meter }, partSize: this.partSize, queueSize: QUEUE, leavePartsOnError: false,
    });
    try {
      try {
        await upload.done();
      } catch (e) {
        body.destroy();
        throw meter.errored ?? source.errored ?? e;
      }
      const sha256 = meter.hash.digest('hex');
      // CopyObject takes up to 5 GiB; DOSSIER_MAX_UPLOAD_BYTES stays below that (docs/providers/s3.md).
      await this.client.send(new CopyObjectCommand({
        Bucket: this.bucket, Key: this.keyOf(sha256), CopySource: `${this.bucket}/${temp.split('/').map(encodeURIComponent).join('/')}`,
      }));
      return { sha256, size: meter.bytes };
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: temp })).catch(() => undefined);
      this.live.delete(temp);
    }
  }

  /** Ends the client's kept-alive connections. */
  close(): void {
    this.client.destroy();
  }

  async sync(): Promise<void> {
    // Nothing to force: S3 answers a PUT only once the object is stored durably.
  }

  open(sha256: string, size?: number): Readable {
    const key = this.keyOf(sha256);
    const out = new PassThrough({ highWaterMark: Math.min(PART_SIZE, Math.max(size ?? PART_SIZE, 16 * 1024)) });
    this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })).then(
      (res) => {
        const body = res.Body as Readable;
        // The reader gave up before the answer came: end the response instead of leaving its socket open.
        if (out.destroyed) return void body.destroy();
        body.on('error', (e) => out.destroy(e));
        out.on('close', () => { if (!body.readableEnded) body.destroy(); });
        body.pipe(out);
      },
      (e: Error) => out.destroy(e),
    );
    return out;
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }));
      return true;
    } catch (e) {
      if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw e;
    }
  }

  private async *objects(prefix: string): AsyncIterable<{ key: string; size: number; modified: number }> {
    let token: string | undefined;
    do {
      const res = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of res.Contents ?? []) yield { key: o.Key!, size: o.Size ?? 0, modified: o.LastModified?.getTime() ?? 0 };
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
  }

  async *list(): AsyncIterable<StoredBlob> {
    for await (const o of this.objects(this.base)) {
      const rel = o.key.slice(this.base.length);
      const m = /^([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(rel);
      if (m && m[3]!.startsWith(m[1]! + m[2]!)) yield { sha256: m[3]!, size: o.size, storedAt: o.modified };
    }
  }

  /**
   * Looks at the object's Last-Modified, then deletes it if that is before `before`. S3 offers no
   * delete conditional on Last-Modified (AWS only on directory buckets), so a put of the same
   * bytes landing between the two requests (milliseconds, against a grace period of a day) would
   * lose them: docs/providers/s3.md says so.
   */
  async removeIfOlder(sha256: string, before: number): Promise<boolean> {
    const key = this.keyOf(sha256);
    let modified: number;
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      modified = head.LastModified?.getTime() ?? Date.now();
    } catch (e) {
      if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw e;
    }
    if (modified >= before) return false;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    return true;
  }

  /**
   * Temp objects of large puts whose process died between upload and copy, and multipart
   * uploads never completed (a process killed mid-upload). Their bytes are counted for temp
   * objects; an unfinished multipart upload counts as a file of unknown size (0 bytes).
   */
  async removeAbandoned(before: number, opts: { dryRun?: boolean } = {}): Promise<Removed> {
    const removed: Removed = { files: 0, bytes: 0 };
    for await (const o of this.objects(this.incoming)) {
      if (this.live.has(o.key) || o.modified >= before) continue;
      if (!opts.dryRun) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: o.key }));
      removed.files++;
      removed.bytes += o.size;
    }
    let keyMarker: string | undefined, uploadIdMarker: string | undefined;
    do {
      let res;
      try {
        res = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.incoming, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
      } catch (e) {
        // s3rver, for one, does not list uploads; there nothing can be found this way.
        if ((e as { name?: string }).name === 'NotImplemented') break;
        throw e;
      }
      for (const u of res.Uploads ?? []) {
        if (this.live.has(u.Key!) || (u.Initiated?.getTime() ?? Date.now()) >= before) continue;
        if (!opts.dryRun) await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key!, UploadId: u.UploadId! }));
        removed.files++;
      }
      [keyMarker, uploadIdMarker] = res.IsTruncated ? [res.NextKeyMarker, res.NextUploadIdMarker] : [undefined, undefined];
    } while (keyMarker);
    return removed;
  }
}
