import { randomBytes } from 'node:crypto';
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { escapeHtml } from '../../src/api/routes/connections.js';
import { startS3, type TestS3 } from './s3.js';

/**
 * S3 Object Lock for the tests, in front of s3rver, which has none: s3rver answers
 * NotImplemented to ?retention and ?legal-hold and has no versioning. This layer keeps, per
 * bucket created with `x-amz-bucket-object-lock-enabled: true`, the versions of each key and
 * their locks, and implements what AWS documents for them:
 *
 * - PutObject, CopyObject and CreateMultipartUpload take `x-amz-object-lock-mode`,
 *   `-retain-until-date` (both or neither) and `-legal-hold`; on a bucket without Object Lock
 *   they are refused with 400 InvalidRequest ("Bucket is missing Object Lock Configuration"),
 *   and a PutObject with them must carry Content-MD5 or an x-amz-checksum-* header. Every
 *   write on a locked bucket is a new version (x-amz-version-id), the old ones staying.
 * - PutObjectRetention (`?retention`, optional `versionId`): a date in the past is
 *   InvalidArgument; a COMPLIANCE lock in force can only be extended (a shorter date, or a move
 *   to GOVERNANCE, is 403 AccessDenied for anyone); a GOVERNANCE lock in force can be shortened
 *   or its mode changed only with `x-amz-bypass-governance-retention: true`. GetObjectRetention
 *   answers the lock, or 404 NoSuchObjectLockConfiguration.
 * - PutObjectLegalHold / GetObjectLegalHold (`?legal-hold`): ON or OFF; never set is 404
 *   NoSuchObjectLockConfiguration.
 * - DeleteObject without a version puts a delete marker (allowed whatever the locks); with a
 *   `versionId`, a version under a legal hold or a retention in force is 403 AccessDenied
 *   (GOVERNANCE: unless bypassed).
 * - ListObjectVersions (`GET /bucket?versions`, with `prefix`, `key-marker`,
 *   `version-id-marker`, `max-keys`): a ListVersionsResult of Version and DeleteMarker
 *   entries, by key, newest version first, in pages with NextKeyMarker and NextVersionIdMarker.
 *   A version's size, ETag and date are s3rver's for the object just after it was written.
 *
 * What it does not do: it keeps only the bytes of each key's latest version (s3rver's), so an
 * older version's locks and listing are there but its bytes cannot be read back; it does not
 * check the signature of the requests it answers itself (s3rver checks all the others); it has
 * no bucket default retention (PutObjectLockConfiguration); its version listing has no
 * `delimiter` (501 NotImplemented), no `encoding-type` and no Owner.
 */
export interface ObjectLockS3 extends TestS3 {
  /** Makes a new empty bucket with Object Lock (and so versioning) on. */
  lockedBucket(): Promise<string>;
  /** The next `n` PutObjectRetention or PutObjectLegalHold requests answer 500 InternalError, as a server having a bad moment. */
  failNext(operation: 'retention' | 'legal-hold', n: number): void;
  /** Holds the next PutObject of a whole object before it reaches s3rver, until released: an upload caught mid-way. */
  holdNextWrite(): { arrived: Promise<void>; release(): void };
  /** ListObjectVersions answers 403 AccessDenied while `on`, as to a key without s3:ListBucketVersions. */
  denyVersions(on: boolean): void;
}

type Mode = 'COMPLIANCE' | 'GOVERNANCE';
interface Lock { mode?: Mode; until?: Date; hold?: 'ON' | 'OFF' }
interface Version extends Lock { id: string; deleteMarker: boolean; modified: Date; etag?: string; size?: number }
interface LockBucket { objects: Map<string, Version[]> }

const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

class S3Failure extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); }
}
const noLockConfig = () => new S3Failure(400, 'InvalidRequest', 'Bucket is missing Object Lock Configuration');

function lockFromHeaders(h: IncomingHttpHeaders): Lock | null {
  const mode = h['x-amz-object-lock-mode'] as string | undefined;
  const date = h['x-amz-object-lock-retain-until-date'] as string | undefined;
  const hold = h['x-amz-object-lock-legal-hold'] as string | undefined;
  if (!mode && !date && !hold) return null;
  if (!!mode !== !!date) throw new S3Failure(400, 'InvalidArgument', 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied');
  if (mode && mode !== 'COMPLIANCE' && mode !== 'GOVERNANCE') throw new S3Failure(400, 'InvalidArgument', 'Unknown wormMode directive.');
  if (hold && hold !== 'ON' && hold !== 'OFF') throw new S3Failure(400, 'InvalidArgument', 'Legal Hold must be either of \'ON\' or \'OFF\'');
  const until = date ? new Date(date) : undefined;
  if (until && (Number.isNaN(until.getTime()) || until <= new Date())) throw new S3Failure(400, 'InvalidArgument', 'The retain until date must be in the future!');
  return { ...(mode && { mode: mode as Mode, until }), ...(hold && { hold: hold as 'ON' | 'OFF' }) };
}

const hasChecksum = (h: IncomingHttpHeaders) => !!h['content-md5'] || Object.keys(h).some((k) => k.startsWith('x-amz-checksum-'));
const inForce = (v: Lock) => !!v.until && v.until > new Date();
const bypass = (h: IncomingHttpHeaders) => String(h['x-amz-bypass-governance-retention'] ?? '').toLowerCase() === 'true';

/** s3rver, with the Object Lock layer listening in front of it; `endpoint` is the layer's. */
export async function startObjectLockS3(): Promise<ObjectLockS3> {
  const inner = await startS3();
  const upstream = new URL(inner.endpoint);
  const agent = new Agent({ keepAlive: true });
  const buckets = new Map<string, LockBucket>();
  const uploads = new Map<string, Lock | null>();
  const newVersion = () => randomBytes(16).toString('hex');
  const faults = { retention: 0, 'legal-hold': 0 };
  const holds: Array<() => Promise<void>> = [];
  let versionsDenied = false;
  // s3rver itself, for what a listing tells of each version: it keeps no versions, so their
  // size, ETag and date are read from it just after each write, while the version is its latest.
  const direct = new S3Client({ endpoint: inner.endpoint, region: inner.region, forcePathStyle: true, credentials: { accessKeyId: inner.accessKeyId, secretAccessKey: inner.secretAccessKey } });

  /** Adds a version written to s3rver, with its lock; returns the headers AWS answers the write with. */
  const addVersion = async (b: LockBucket, bucket: string, key: string, lock: Lock | null | undefined): Promise<Record<string, string>> => {
    const head = await direct.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const v: Version = { id: newVersion(), deleteMarker: false, modified: head.LastModified ?? new Date(), etag: head.ETag, size: head.ContentLength, ...lock };
    b.objects.set(key, [...(b.objects.get(key) ?? []), v]);
    return { 'x-amz-version-id': v.id };
  };

  const versionOf = (b: LockBucket, key: string, versionId: string | null): Version => {
    const versions = b.objects.get(key) ?? [];
    if (versionId) {
      const v = versions.find((x) => x.id === versionId);
      if (!v) throw new S3Failure(404, 'NoSuchVersion', 'The specified version does not exist.');
      return v;
    }
    const current = versions.at(-1);
    if (!current || current.deleteMarker) throw new S3Failure(404, 'NoSuchKey', 'The specified key does not exist.');
    return current;
  };

  /** Passes the request to s3rver; `after` sees its (small) answer and adds headers; `extra` adds headers to a streamed one. */
  const forward = (req: IncomingMessage, res: ServerResponse, after?: (status: number, body: Buffer) => Record<string, string> | Promise<Record<string, string>>, extra: Record<string, string> = {}) => {
    const up = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      if (!after) {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...((answer.statusCode ?? 500) < 300 ? extra : {}) });
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        const status = answer.statusCode ?? 502;
        // If `after` fails, the answer stands as s3rver gave it.
        void Promise.resolve().then(() => after(status, body)).catch(() => ({})).then((extra) => {
          res.writeHead(status, { ...answer.headers, ...extra, 'content-length': String(body.length) });
          res.end(body);
        });
      });
    });
    up.on('error', (e) => { if (!res.headersSent) res.writeHead(502); res.end(String(e)); });
    req.pipe(up);
  };

  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://s3');
    const [, bucketName = '', ...rest] = url.pathname.split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    const b = buckets.get(bucketName);
    const versionId = q.get('versionId');

    if (!key) {
      if (method === 'PUT' && [...q.keys()].length === 0) {
        const lock = String(req.headers['x-amz-bucket-object-lock-enabled'] ?? '').toLowerCase() === 'true';
        return forward(req, res, (status) => { if (status === 200 && lock) buckets.set(bucketName, { objects: new Map() }); return {}; });
      }
      if (method === 'GET' && q.has('versions') && b) {
        if (!req.headers.authorization || versionsDenied) throw new S3Failure(403, 'AccessDenied', 'Access Denied');
        return send(res, 200, listVersions(bucketName, b, q));
      }
      return forward(req, res);
    }

    if (q.has('retention') || q.has('legal-hold')) {
      if (!req.headers.authorization) throw new S3Failure(403, 'AccessDenied', 'Access Denied');
      if (!b) throw noLockConfig();
      const v = versionOf(b, key, versionId);
      const headers = { 'x-amz-version-id': v.id };
      if (q.has('retention') && method === 'GET') {
        if (!v.mode) throw new S3Failure(404, 'NoSuchObjectLockConfiguration', 'The specified object does not have a ObjectLock configuration');
        return send(res, 200, xml(`<Retention ${NS}><Mode>${v.mode}</Mode><RetainUntilDate>${v.until!.toISOString()}</RetainUntilDate></Retention>`), headers);
      }
      if (q.has('legal-hold') && method === 'GET') {
        if (!v.hold) throw new S3Failure(404, 'NoSuchObjectLockConfiguration', 'The specified object does not have a ObjectLock configuration');
        return send(res, 200, xml(`<LegalHold ${NS}><Status>${v.hold}</Status></LegalHold>`), headers);
      }
      if (method !== 'PUT') throw new S3Failure(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      const op = q.has('retention') ? 'retention' : 'legal-hold';
      if (faults[op] > 0) { faults[op]--; throw new S3Failure(500, 'InternalError', 'We encountered an internal error. Please try again.'); }
      const body = await readBody(req);
      if (!hasChecksum(req.headers)) throw new S3Failure(400, 'InvalidRequest', 'Missing required header for this request: Content-MD5');
      if (q.has('legal-hold')) {
        const status = /<Status>\s*(ON|OFF)\s*<\/Status>/.exec(body)?.[1] as 'ON' | 'OFF' | undefined;
        if (!status) throw new S3Failure(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
        v.hold = status;
        return send(res, 200, '', headers);
      }
      const mode = /<Mode>\s*(COMPLIANCE|GOVERNANCE)\s*<\/Mode>/.exec(body)?.[1] as Mode | undefined;
      const date = /<RetainUntilDate>\s*([^<]+?)\s*<\/RetainUntilDate>/.exec(body)?.[1];
      const until = date ? new Date(date) : undefined;
      if (!mode || !until || Number.isNaN(until.getTime())) throw new S3Failure(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
      if (until <= new Date()) throw new S3Failure(400, 'InvalidArgument', 'The retain until date must be in the future!');
      if (inForce(v)) {
        const weaker = until < v.until! || mode !== v.mode;
        if (v.mode === 'COMPLIANCE' && weaker) throw new S3Failure(403, 'AccessDenied', 'Access Denied');
        if (v.mode === 'GOVERNANCE' && weaker && !bypass(req.headers)) throw new S3Failure(403, 'AccessDenied', 'Access Denied');
      }
      v.mode = mode;
      v.until = until;
      return send(res, 200, '', headers);
    }

    const isPart = q.has('partNumber') || (q.has('uploadId') && method === 'PUT');
    if (method === 'PUT' && !isPart) {
      if (!req.headers['x-amz-copy-source']) await holds.shift()?.();
      const lock = lockFromHeaders(req.headers);
      if (lock && !b) throw noLockConfig();
      if (lock && !req.headers['x-amz-copy-source'] && !hasChecksum(req.headers)) {
        throw new S3Failure(400, 'InvalidRequest', 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters');
      }
      if (!b) return forward(req, res);
      return forward(req, res, async (status) => (status === 200 ? addVersion(b, bucketName, key, lock) : {}));
    }
    if (method === 'POST' && q.has('uploads')) {
      const lock = lockFromHeaders(req.headers);
      if (lock && !b) throw noLockConfig();
      if (!b) return forward(req, res);
      return forward(req, res, (status, body) => {
        const id = /<UploadId>([^<]+)<\/UploadId>/.exec(body.toString('utf8'))?.[1];
        if (status === 200 && id) uploads.set(id, lock);
        return {};
      });
    }
    if (method === 'POST' && q.has('uploadId') && b) {
      const uploadId = q.get('uploadId')!;
      return forward(req, res, async (status, body) => {
        if (status !== 200 || body.includes('<Error>')) return {};
        const lock = uploads.get(uploadId);
        uploads.delete(uploadId);
        return addVersion(b, bucketName, key, lock);
      });
    }
    if (method === 'DELETE' && b && !q.has('uploadId')) {
      const versions = b.objects.get(key) ?? [];
      if (!versionId) {
        const marker: Version = { id: newVersion(), deleteMarker: true, modified: new Date() };
        return forward(req, res, (status) => {
          if (status < 300) b.objects.set(key, [...versions, marker]);
          return { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.id };
        });
      }
      const v = versionOf(b, key, versionId);
      if (v.hold === 'ON') throw new S3Failure(403, 'AccessDenied', 'Access Denied because object protected by object lock.');
      if (inForce(v) && (v.mode === 'COMPLIANCE' || !bypass(req.headers))) throw new S3Failure(403, 'AccessDenied', 'Access Denied because object protected by object lock.');
      const wasCurrent = versions.at(-1) === v;
      b.objects.set(key, versions.filter((x) => x !== v));
      if (wasCurrent && !v.deleteMarker) return forward(req, res, () => ({ 'x-amz-version-id': v.id }));
      return send(res, 204, '', { 'x-amz-version-id': v.id });
    }
    if ((method === 'GET' || method === 'HEAD') && b && !q.has('uploadId')) {
      // The current version's id and lock, as AWS gives them with the object.
      const v = b.objects.get(key)?.at(-1);
      const extra: Record<string, string> = v && !v.deleteMarker ? {
        'x-amz-version-id': v.id,
        ...(v.mode && { 'x-amz-object-lock-mode': v.mode, 'x-amz-object-lock-retain-until-date': v.until!.toISOString() }),
        ...(v.hold && { 'x-amz-object-lock-legal-hold': v.hold }),
      } : {};
      return forward(req, res, undefined, extra);
    }
    return forward(req, res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!(e instanceof S3Failure)) { send(res, 500, xml(`<Error><Code>InternalError</Code><Message>${String(e)}</Message></Error>`)); return; }
      req.resume();
      send(res, e.status, xml(`<Error><Code>${e.code}</Code><Message>${e.message}</Message><RequestId>${randomBytes(8).toString('hex')}</RequestId></Error>`));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    ...inner,
    endpoint,
    async bucket() {
      return makeBucket(endpoint, false);
    },
    async lockedBucket() {
      return makeBucket(endpoint, true);
    },
    failNext(operation, n) {
      faults[operation] = n;
    },
    holdNextWrite() {
      let arrived!: () => void, release!: () => void;
      const reached = new Promise<void>((r) => { arrived = r; });
      const released = new Promise<void>((r) => { release = r; });
      holds.push(async () => { arrived(); await released; });
      return { arrived: reached, release };
    },
    denyVersions(on) {
      versionsDenied = on;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      agent.destroy();
      direct.destroy();
      await inner.stop();
    },
  };
}

/**
 * ListObjectVersions as AWS answers it: every version and delete marker whose key starts with
 * `prefix`, by key (in UTF-8 byte order), each key's newest first, and the page after the
 * entry `key-marker` and `version-id-marker` name (after all of `key-marker`'s without a version).
 */
function listVersions(bucket: string, b: LockBucket, q: URLSearchParams): string {
  if (q.has('delimiter')) throw new S3Failure(501, 'NotImplemented', 'A delimiter is not implemented by this test server.');
  const prefix = q.get('prefix') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const versionMarker = q.get('version-id-marker') ?? '';
  const maxKeys = Number(q.get('max-keys') ?? 1000);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new S3Failure(400, 'InvalidArgument', 'Provided max-keys not an integer or within integer range');
  if (versionMarker && !keyMarker) throw new S3Failure(400, 'InvalidArgument', 'A version-id marker cannot be specified without a key marker.');
  const byteOrder = (x: string, y: string) => Buffer.compare(Buffer.from(x), Buffer.from(y));
  const all = [...b.objects].filter(([key]) => key.startsWith(prefix)).sort(([x], [y]) => byteOrder(x, y))
    .flatMap(([key, versions]) => versions.map((v, i) => ({ key, v, latest: i === versions.length - 1 })).reverse());
  let start = 0;
  if (versionMarker) {
    start = all.findIndex((e) => e.key === keyMarker && e.v.id === versionMarker) + 1;
    if (start === 0) throw new S3Failure(400, 'InvalidArgument', 'Invalid version id specified');
  } else if (keyMarker) {
    start = all.findIndex((e) => byteOrder(e.key, keyMarker) > 0);
    if (start < 0) start = all.length;
  }
  const page = all.slice(start, start + Math.min(maxKeys, 1000));
  // With max-keys 0 nothing is listed, and nothing is said to follow: there is no marker to go on from.
  const truncated = page.length > 0 && start + page.length < all.length;
  const last = page.at(-1);
  const entry = ({ key, v, latest }: (typeof all)[number]) => {
    const common = `<Key>${escapeHtml(key)}</Key><VersionId>${v.id}</VersionId><IsLatest>${latest}</IsLatest><LastModified>${v.modified.toISOString()}</LastModified>`;
    return v.deleteMarker ? `<DeleteMarker>${common}</DeleteMarker>`
      : `<Version>${common}<ETag>${escapeHtml(v.etag ?? '')}</ETag><Size>${v.size ?? 0}</Size><StorageClass>STANDARD</StorageClass></Version>`;
  };
  return xml(`<ListVersionsResult ${NS}><Name>${bucket}</Name><Prefix>${escapeHtml(prefix)}</Prefix>`
    + `<KeyMarker>${escapeHtml(keyMarker)}</KeyMarker><VersionIdMarker>${escapeHtml(versionMarker)}</VersionIdMarker><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>`
    + (truncated && last ? `<NextKeyMarker>${escapeHtml(last.key)}</NextKeyMarker><NextVersionIdMarker>${last.v.id}</NextVersionIdMarker>` : '')
    + page.map(entry).join('') + '</ListVersionsResult>');
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) { res.end(); return; }
  res.writeHead(status, { ...(body ? { 'content-type': 'application/xml' } : {}), 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

async function makeBucket(endpoint: string, objectLock: boolean): Promise<string> {
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const name = `b-${randomBytes(6).toString('hex')}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  try { await client.send(new CreateBucketCommand({ Bucket: name, ...(objectLock && { ObjectLockEnabledForBucket: true }) })); } finally { client.destroy(); }
  return name;
}
