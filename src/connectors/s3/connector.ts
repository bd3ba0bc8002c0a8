import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand,
  type ListObjectsV2CommandOutput, type S3Client,
} from '@aws-sdk/client-s3';
import {
  checkPath, ConnectorError, joinPath, splitPath,
  type CallOptions, type Capabilities, type ConnectorContext, type Entry, type HashType, type ReadOptions,
  type ObjectLockState, type StorageConnector, type WriteInfo,
} from '../connector.js';
import type { NameRules } from '../../domain/names.js';
import { throwIfAborted } from '../kit/abort.js';
import { emptyBody } from '../kit/response-body.js';
import { eachLimit } from '../kit/limit.js';
import { byteRange } from '../kit/range.js';
import { bareETag, createS3Client, isMd5ETag } from '../kit/s3-client.js';
import { PUBLIC_ONLY } from '../kit/egress.js';
import { classify, isMissing } from './errors.js';
import { uploadObject, type UploadPolicy } from './upload.js';
import { applyObjectLock, type ObjectLockMode } from './object-lock.js';

/** S3 keys are any UTF-8 up to 1024 bytes; 255 bytes a name keeps layouts portable to a restore on disk. */
export const S3_NAMES: NameRules = { set: 'posix', caseInsensitive: false, maxComponentBytes: 255 };

export interface S3Options {
  endpoint?: string;
  region: string;
  bucket: string;
  /** Key prefix every path goes below, as plain names ("dossier/backup"); "" for the bucket's top. */
  prefix: string;
  pathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  checksumSha256?: boolean;
  /** Years each object is kept under Object Lock in compliance mode; 0 or absent: no lock. */
  objectLockYears?: number;
  /** The bucket has Object Lock on: lock each object in compliance mode until its document's retention ends. */
  objectLock?: boolean;
  /** The Object Lock mode of new locks: COMPLIANCE (no one can shorten or remove it) unless GOVERNANCE is chosen. */
  objectLockMode?: ObjectLockMode;
  /** Tests lower it to reach multipart uploads with small files; S3's minimum is 5 MiB. */
  partSize?: number;
}

const PART_SIZE = 8 * 1024 * 1024;
const PARALLEL = 8;
const YEAR_MS = 365.25 * 24 * 3_600_000;
const UNSIGNED_BODY = new Set(['PutObjectCommand', 'UploadPartCommand']);

/**
 * An S3-compatible bucket (AWS S3, Backblaze B2, Wasabi, Scaleway, OVH, MinIO, Garage). Folders
 * are key prefixes; mkdir writes a zero-byte "folder/" marker (as the AWS console's "Create
 * folder" does) so an empty folder made in the folder browser stays there. Writes never make
 * markers: a file's key implies its folders.
 */
export class S3Connector implements StorageConnector {
  readonly kind = 's3';
  readonly capabilities: Capabilities;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly base: string;
  private readonly policy: UploadPolicy;
  private readonly lock: boolean;
  private readonly lockMode: ObjectLockMode;
  private readonly markers = new Set<string>();

  constructor(opts: S3Options, context: ConnectorContext = {}) {
    this.client = createS3Client({
      endpoint: opts.endpoint || undefined,
      region: opts.region,
      forcePathStyle: opts.pathStyle,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
      egress: context.egress ?? PUBLIC_ONLY,
    });
    // The bytes of an upload are proved by Content-MD5 and the ETag of the PutObject or of each
    // part (upload.ts, parts.ts), so signing them too adds only another hash pass over every
    // byte; the request itself stays signed.
    this.client.middlewareStack.add((next, context) => async (args) => {
      if (UNSIGNED_BODY.has(context.commandName ?? '')) (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      return next(args);
    }, { step: 'build', name: 'dossierUnsignedUploadBody' });
    this.bucket = opts.bucket;
    this.base = opts.prefix.split('/').filter(Boolean).map((s) => s + '/').join('');
    const partSize = opts.partSize ?? PART_SIZE;
    const years = opts.objectLockYears ?? 0;
    this.lock = opts.objectLock ?? false;
    this.lockMode = opts.objectLockMode ?? 'COMPLIANCE';
    this.policy = {
      bucket: opts.bucket, partSize, queueSize: 4, checksumSha256: opts.checksumSha256 ?? false, lockMode: this.lockMode,
      ...(years > 0 ? { retainUntil: () => new Date(Date.now() + years * YEAR_MS) } : {}),
    };
    this.capabilities = { hashes: ['md5'], names: S3_NAMES, serverSideMove: false, maxSimpleUpload: partSize, provesWrites: true, ...(this.lock && { objectLock: true }) };
  }

  /**
   * With Object Lock on, each object is locked until its document's retention ends (the later
   * of that and the fixed years, if both are set), and held when the document or its company
   * is: the bucket then refuses to delete or overwrite it exactly as long as Dossier does.
   */
  private policyFor(info: WriteInfo): UploadPolicy {
    if (!this.lock || !info.retention) return this.policy;
    const fixed = this.policy.retainUntil?.();
    const until = fixed && fixed > info.retention.until ? fixed : info.retention.until;
    return { ...this.policy, retainUntil: () => until, legalHold: info.retention.legalHold };
  }

  private key(path: string): string {
    return this.base + path;
  }

  /** The prefix the children of `dir` share. */
  private prefixOf(dir: string): string {
    return dir === '' ? this.base : this.base + dir + '/';
  }

  private async page(prefix: string, token: string | undefined, delimiter: boolean, signal?: AbortSignal, max?: number): Promise<ListObjectsV2CommandOutput> {
    return this.client.send(new ListObjectsV2Command({
      Bucket: this.bucket, Prefix: prefix, ContinuationToken: token, ...(delimiter ? { Delimiter: '/' } : {}), ...(max ? { MaxKeys: max } : {}),
    }), { abortSignal: signal });
  }

  async *list(dir: string, opts?: CallOptions): AsyncIterable<Entry> {
    checkPath(dir);
    const signal = opts?.signal;
    const prefix = this.prefixOf(dir);
    const entries: Entry[] = [];
    let seen = false;
    let token: string | undefined;
    try {
      do {
        throwIfAborted(signal);
        const res = await this.page(prefix, token, true, signal);
        for (const p of res.CommonPrefixes ?? []) {
          seen = true;
          const name = p.Prefix!.slice(prefix.length, -1);
          if (name) entries.push({ path: joinPath(dir, name), name, isDir: true, size: 0, modifiedAt: null });
        }
        for (const o of res.Contents ?? []) {
          seen = true;
          const name = o.Key!.slice(prefix.length);
          if (name) entries.push({ path: joinPath(dir, name), name, isDir: false, size: o.Size ?? 0, modifiedAt: o.LastModified ?? null });
        }
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
    } catch (e) {
      throw classify(e, dir, signal);
    }
    if (!seen && dir !== '') throw new ConnectorError('not_found', `${dir} does not exist in the bucket`);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      throwIfAborted(signal);
      yield entry;
    }
  }

  /**
   * The root is the bucket (or a prefix in it), always there; listing it is what checks the
   * bucket's name, its region and the key, as "Test connection" and a first pass expect.
   */
  private async checkRoot(signal?: AbortSignal): Promise<void> {
    try {
      await this.page(this.base, undefined, true, signal, 1);
    } catch (e) {
      throw classify(e, '', signal);
    }
  }

  private async isFolder(path: string, signal?: AbortSignal): Promise<boolean> {
    const res = await this.page(this.prefixOf(path), undefined, false, signal, 1);
    return (res.KeyCount ?? res.Contents?.length ?? 0) > 0;
  }

  async stat(path: string, opts?: CallOptions): Promise<Entry> {
    checkPath(path);
    const signal = opts?.signal;
    throwIfAborted(signal);
    const name = splitPath(path)[1];
    if (path === '') {
      await this.checkRoot(signal);
      return { path, name, isDir: true, size: 0, modifiedAt: null };
    }
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(path) }), { abortSignal: signal });
      const entry: Entry = { path, name, isDir: false, size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? null };
      const etag = bareETag(head.ETag);
      if (isMd5ETag(etag)) entry.hashes = { md5: etag };
      return entry;
    } catch (e) {
      if (!isMissing(e)) throw classify(e, path, signal);
    }
    try {
      if (await this.isFolder(path, signal)) return { path, name, isDir: true, size: 0, modifiedAt: null };
    } catch (e) {
      throw classify(e, path, signal);
    }
    throw new ConnectorError('not_found', `${path} does not exist in the bucket`);
  }

  private async statFile(path: string, signal?: AbortSignal): Promise<Entry> {
    const entry = await this.stat(path, { signal });
    if (entry.isDir) throw new ConnectorError('is_directory', `${path} is a folder.`);
    return entry;
  }

  async read(path: string, opts?: ReadOptions): Promise<Readable> {
    checkPath(path);
    const signal = opts?.signal;
    throwIfAborted(signal);
    const { start, empty, header: range } = byteRange(opts);
    if (empty) {
      await this.statFile(path, signal);
      return emptyBody();
    }
    let body: Readable;
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path), Range: range }), { abortSignal: signal });
      body = res.Body as Readable;
    } catch (e) {
      if (isMissing(e)) {
        await this.statFile(path, signal); // a folder says so; a missing file throws not_found
        throw new ConnectorError('not_found', `${path} does not exist in the bucket`);
      }
      if ((e as { name?: string }).name === 'InvalidRange') {
        const entry = await this.statFile(path, signal);
        if (start >= entry.size) return emptyBody(); // a range starting at the end is empty, not an error
      }
      throw classify(e, path, signal);
    }
    // Failures midway come out classified, like every other connector's.
    const out = new PassThrough();
    body.on('error', (e) => out.destroy(classify(e, path, signal)));
    out.on('close', () => { if (!body.readableEnded) body.destroy(); });
    return body.pipe(out);
  }

  async write(path: string, body: Readable, info: WriteInfo, opts?: CallOptions): Promise<Entry> {
    checkPath(path);
    if (path === '') throw new ConnectorError('invalid_name', 'Cannot write a file over the root folder.');
    const { hashes, etag } = await uploadObject(this.client, this.policyFor(info), this.key(path), path, body, info, opts?.signal);
    // No HEAD afterwards: the upload checked the size and the ETag, which is all a HEAD would tell.
    return { path, name: splitPath(path)[1], isDir: false, size: info.size, modifiedAt: new Date(), hashes, ...(etag && { etag }) };
  }

  async applyLock(path: string, want: { until: Date; legalHold: boolean }, opts?: CallOptions): Promise<ObjectLockState> {
    checkPath(path);
    if (!this.lock) throw new ConnectorError('fatal', 'Object Lock is not on for this destination.');
    return applyObjectLock(this.client, this.bucket, this.key(path), path, this.lockMode, want, opts?.signal);
  }

  async remove(path: string, opts?: CallOptions): Promise<void> {
    checkPath(path);
    await this.statFile(path, opts?.signal);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(path) }), { abortSignal: opts?.signal });
    } catch (e) {
      throw classify(e, path, opts?.signal);
    }
  }

  async mkdir(path: string, opts?: CallOptions): Promise<void> {
    checkPath(path);
    if (path === '') return this.checkRoot(opts?.signal);
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const key = this.prefixOf(parts.slice(0, i).join('/'));
      if (this.markers.has(key)) continue;
      throwIfAborted(opts?.signal);
      try {
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: Buffer.alloc(0), ContentLength: 0 }), { abortSignal: opts?.signal });
      } catch (e) {
        throw classify(e, path, opts?.signal);
      }
      this.markers.add(key);
    }
  }

  async rmdir(path: string, opts?: CallOptions): Promise<void> {
    checkPath(path);
    if (path === '') throw new ConnectorError('permission_denied', 'The root folder cannot be removed.');
    const signal = opts?.signal;
    const prefix = this.prefixOf(path);
    for (const key of this.markers) if (key.startsWith(prefix)) this.markers.delete(key);
    let found = false;
    try {
      // One DeleteObject a key rather than DeleteObjects: that one needs a Content-MD5 the SDK no
      // longer sends, and several S3-compatible servers refuse it without.
      for (;;) {
        const res = await this.page(prefix, undefined, false, signal);
        const keys = (res.Contents ?? []).map((o) => o.Key!);
        if (keys.length === 0) break;
        found = true;
        await eachLimit(keys, PARALLEL, async (Key) => { await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }), { abortSignal: signal }); });
      }
    } catch (e) {
      throw classify(e, path, signal);
    }
    if (!found) throw new ConnectorError('not_found', `${path} does not exist in the bucket`);
  }

  /**
   * MD5 as the server computed it: a single-part object's ETag. A multipart object's ETag is no
   * MD5 of the file, so that one is read back and hashed here.
   */
  async hashMany(paths: string[], type: HashType, opts?: CallOptions): Promise<Map<string, string>> {
    if (type !== 'md5') throw new ConnectorError('fatal', `The S3 connector reports md5 only, not ${type}.`);
    const out = new Map<string, string>();
    await eachLimit(paths, PARALLEL, async (path) => {
      try {
        const entry = await this.statFile(path, opts?.signal);
        out.set(path, entry.hashes?.md5 ?? await this.readBackMd5(path, opts?.signal));
      } catch (e) {
        const err = classify(e, path, opts?.signal);
        if (err.kind !== 'not_found' && err.kind !== 'is_directory') throw err;
      }
    });
    return out;
  }

  private async readBackMd5(path: string, signal?: AbortSignal): Promise<string> {
    const hash = createHash('md5');
    for await (const chunk of await this.read(path, { signal })) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  async close(): Promise<void> {
    this.markers.clear();
    this.client.destroy();
  }
}
