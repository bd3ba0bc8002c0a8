import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readLimited, resetAfter } from '../kit/http.js';
import { badRequest, DriveError } from './errors.js';
import { project, type FieldTree } from './fields.js';
import { sendJson, tooLarge } from './http.js';
import { applyUpdate, forCreate, parseMetadata, type FileMetadata } from './metadata.js';
import type { DriveFile, DriveStore } from './store.js';

/** Non-final chunks must be multiples of 256 KiB (docs/providers/google-drive.md, "Uploads"). */
export const CHUNK_MULTIPLE = 262_144;
/** Multipart uploads are limited to 5 MB per the docs; the emulator holds clients to the strict reading. */
export const MAX_MULTIPART_BYTES = 5_000_000;
/** Google's own wording for a short non-final chunk. */
const SHORT_CHUNK = 'Invalid request. The number of bytes uploaded is required to be equal or greater than 262144, except for the final request '
  + "(it's recommended to be the exact multiple of 262144). The received request contained less bytes than required.";

/** What an upload makes: a new file (POST) or new content for an existing one (PATCH …/files/{id}). */
export type UploadTarget = { fileId?: string; meta: FileMetadata; url: URL };

/** Stores the bytes: 201 for a new file, 200 for an update (the resumable flow's final codes). */
export function commit(store: DriveStore, target: UploadTarget, content: Buffer): { file: DriveFile; created: boolean } {
  if (!target.fileId) return { file: store.create(forCreate(target.meta), content), created: true };
  const file = store.get(target.fileId);
  store.replaceContent(file, content, target.meta.modifiedTime);
  return { file: applyUpdate(store, file, { ...target.meta, modifiedTime: undefined }, target.url), created: false };
}

/** multipart/related: a JSON metadata part, then the media part (docs/providers/google-drive.md, "Uploads"). */
export async function readMultipart(req: IncomingMessage): Promise<{ meta: FileMetadata; media: Buffer } | null> {
  const boundary = /boundary="?([^";]+)"?/i.exec(req.headers['content-type'] ?? '')?.[1];
  if (!/^multipart\/related/i.test(req.headers['content-type'] ?? '') || !boundary) throw badRequest('A multipart upload needs Content-Type multipart/related with a boundary.');
  const body = await readLimited(req, MAX_MULTIPART_BYTES + 64 * 1024);
  if (body === 'too-large') throw tooLarge(MAX_MULTIPART_BYTES);
  if (!Buffer.isBuffer(body)) return null;
  const parts = splitParts(body, boundary);
  if (parts.length !== 2) throw badRequest('A multipart upload has exactly two parts: metadata, then media.');
  let meta: unknown;
  try {
    meta = JSON.parse(parts[0]!.toString('utf8'));
  } catch {
    throw badRequest('The metadata part is not JSON.');
  }
  if (parts[1]!.length > MAX_MULTIPART_BYTES) throw tooLarge(MAX_MULTIPART_BYTES);
  return { meta: parseMetadata(meta), media: parts[1]! };
}

/** The bodies of the parts between `--boundary` lines, headers stripped. */
function splitParts(body: Buffer, boundary: string): Buffer[] {
  const open = Buffer.from(`--${boundary}`);
  const between = Buffer.from(`\r\n--${boundary}`);
  if (body.indexOf(open) !== 0) throw badRequest('The multipart body does not start with its boundary.');
  const parts: Buffer[] = [];
  let at = open.length;
  for (;;) {
    if (body.subarray(at, at + 2).toString() === '--') return parts;
    const end = body.indexOf(between, at);
    if (end < 0 || parts.length > 2) throw badRequest('The multipart body is not closed by its boundary.');
    const part = body.subarray(at + 2, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) throw badRequest('A multipart part has no header block.');
    parts.push(part.subarray(headerEnd + 4));
    at = end + between.length;
  }
}

interface Session {
  id: string;
  store: DriveStore;
  target: UploadTarget;
  fields: FieldTree;
  /** From X-Upload-Content-Length, else from the first Content-Range that names it. */
  total?: number;
  parts: Buffer[];
  received: number;
  expiresAt: number;
  /** The final answer, repeated to a client that asks again after finishing. */
  done?: { status: number; body: unknown };
}

const sessionGone = () => new DriveError(404, 'notFound', 'The upload session was not found or has expired; start a new upload.');

/** Resumable upload sessions, addressed by their session URI (…?uploadType=resumable&upload_id=…). */
export class ResumableSessions {
  readonly open = new Map<string, Session>();

  constructor(private readonly lifetimeMs: number) {}

  start(store: DriveStore, target: UploadTarget, req: IncomingMessage, fields: FieldTree): string {
    const declared = req.headers['x-upload-content-length'];
    const total = declared === undefined ? undefined : Number(declared);
    if (total !== undefined && (!Number.isSafeInteger(total) || total < 0)) throw badRequest('X-Upload-Content-Length is not a byte count.');
    if (target.fileId) store.get(target.fileId);
    if (total !== undefined) store.reserve(total, target.fileId ? store.get(target.fileId).content?.length ?? 0 : 0);
    const id = randomBytes(24).toString('base64url');
    this.open.set(id, { id, store, target, fields, total, parts: [], received: 0, expiresAt: Date.now() + this.lifetimeMs });
    return id;
  }

  expire(id: string): void {
    this.open.delete(id);
  }

  private live(id: string): Session {
    const s = this.open.get(id);
    if (!s || s.expiresAt <= Date.now()) {
      this.open.delete(id);
      throw sessionGone();
    }
    return s;
  }

  /**
   * A PUT (or POST) to the session URI: a chunk, or with `bytes *\/N` a status query.
   * `cutAfter` (fault injection): the connection drops after that many bytes of the chunk.
   */
  async handle(id: string, req: IncomingMessage, res: ServerResponse, cutAfter?: number): Promise<void> {
    const s = this.live(id);
    if (s.done) return sendJson(res, s.done.status, s.done.body);
    const header = req.headers['content-range'];
    const query = header ? /^bytes \*\/(\d+|\*)$/.exec(header) : null;
    if (query) return this.status(s, query[1]!, res);
    const m = header ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header) : null;
    const length = Number(req.headers['content-length'] ?? NaN);
    if (header && !m) throw badRequest('Content-Range must be "bytes start-end/total", "bytes start-end/*" or "bytes */total".');
    // Without Content-Range the body is the whole file in one request.
    const [start, end, total] = m ? [Number(m[1]), Number(m[2]), m[3] === '*' ? undefined : Number(m[3])] : [0, length - 1, length];
    this.check(s, start, end, total, length);
    if (cutAfter !== undefined) return this.keepWholeChunks(s, await resetAfter(req, Math.min(cutAfter, end - start)));
    const data = await readLimited(req, end - start + 1);
    if (data === 'too-large') throw badRequest('The body is longer than Content-Range says.');
    if (!Buffer.isBuffer(data)) return this.keepWholeChunks(s, data.partial);
    if (data.length !== end - start + 1) throw badRequest('The body is shorter than Content-Range says.');
    if (this.open.get(s.id) !== s) throw sessionGone();
    s.parts.push(data);
    s.received += data.length;
    s.expiresAt = Date.now() + this.lifetimeMs;
    if (s.total !== undefined && s.received === s.total) return this.finish(s, res);
    this.incomplete(s, res);
  }

  private check(s: Session, start: number, end: number, total: number | undefined, length: number): void {
    if (total !== undefined) {
      if (s.total !== undefined && s.total !== total) throw badRequest(`The total size changed from ${s.total} to ${total}.`);
      s.total = total;
    }
    const size = end - start + 1;
    if (size <= 0 || (s.total !== undefined && end >= s.total)) throw badRequest('The range lies outside the file.');
    if (Number.isFinite(length) && length !== size) throw badRequest('Content-Length does not match Content-Range.');
    if (start !== s.received) throw badRequest(`Expected the chunk starting at byte ${s.received}; ask with "Content-Range: bytes */total" where to go on.`);
    const final = s.total !== undefined && end + 1 === s.total;
    if (!final && size % CHUNK_MULTIPLE !== 0) throw badRequest(SHORT_CHUNK);
  }

  /** A chunk cut off midway: the server keeps what it got in whole 256 KiB blocks, and says so on the next status query. */
  private keepWholeChunks(s: Session, partial: Buffer): void {
    const keep = partial.length - (partial.length % CHUNK_MULTIPLE);
    if (keep > 0 && this.open.get(s.id) === s) {
      s.parts.push(Buffer.from(partial.subarray(0, keep)));
      s.received += keep;
    }
  }

  private status(s: Session, total: string, res: ServerResponse): void {
    if (total !== '*') {
      const n = Number(total);
      if (s.total !== undefined && s.total !== n) throw badRequest(`The total size changed from ${s.total} to ${n}.`);
      s.total = n;
      // Everything is there (an empty file, or a last chunk whose answer was lost): finish now.
      if (s.received === n) return this.finish(s, res);
    }
    this.incomplete(s, res);
  }

  /** 308 Resume Incomplete; Range names the bytes stored, and is absent when there are none. */
  private incomplete(s: Session, res: ServerResponse): void {
    const headers: Record<string, string | number> = { 'Content-Length': 0 };
    if (s.received > 0) headers.Range = `bytes=0-${s.received - 1}`;
    res.writeHead(308, headers).end();
  }

  private finish(s: Session, res: ServerResponse): void {
    let done;
    try {
      done = commit(s.store, s.target, Buffer.concat(s.parts));
    } catch (e) {
      this.open.delete(s.id);
      throw e;
    }
    s.parts = [];
    s.done = { status: done.created ? 201 : 200, body: project(s.store.toJson(done.file), s.fields) };
    sendJson(res, s.done.status, s.done.body);
  }
}
