import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConflictBehavior, Drive, Item } from './drive.js';
import { GraphError, invalidRequest, nameExists, quotaReached } from './errors.js';
import { drain, readBody, sendError, sendJson } from './http.js';
import { nameKey } from './names.js';

/** Non-final fragments must be multiples of 320 KiB and every fragment below 60 MiB (docs/providers/onedrive.md, "Uploads"). */
export const FRAGMENT_MULTIPLE = 327_680;
export const MAX_FRAGMENT = 60 * 1024 * 1024;

export interface UploadSession {
  id: string;
  drive: Drive;
  parentId: string;
  name: string;
  behavior: ConflictBehavior;
  fsModifiedAt?: string;
  /** Fixed by item.fileSize, else by the first fragment; every fragment must repeat it. */
  total?: number;
  parts: Buffer[];
  received: number;
  expiresAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const sessionGone = () => new GraphError(404, 'itemNotFound', 'The upload session was not found or has expired.', 'uploadSessionNotFound');

/** Upload sessions: created through Graph, then driven through their pre-authorised uploadUrl. */
export class Sessions {
  readonly open = new Map<string, UploadSession>();

  constructor(private readonly lifetimeMs: number) {}

  /** createUploadSession; `behavior` defaults to replace, which is what the service does. */
  create(drive: Drive, parent: Item, name: string, body: Record<string, unknown>, uploadBase: string): Record<string, unknown> {
    const item = (body.item ?? {}) as Record<string, unknown>;
    const behavior = (item['@microsoft.graph.conflictBehavior'] ?? 'replace') as ConflictBehavior;
    if (!['fail', 'replace', 'rename'].includes(behavior)) throw invalidRequest(`"${String(behavior)}" is not a conflict behaviour.`);
    const fileSize = item.fileSize === undefined ? undefined : Number(item.fileSize);
    if (fileSize !== undefined && fileSize > drive.remaining()) throw quotaReached();
    const fs = item.fileSystemInfo as { lastModifiedDateTime?: string } | undefined;
    if (drive.business) {
      // Business keeps one open session per path until it is DELETEd (docs/providers/onedrive.md, "Uploads").
      for (const s of this.open.values()) {
        if (s.drive === drive && s.parentId === parent.id && nameKey(s.name) === nameKey(name) && s.expiresAt > Date.now()) throw nameExists(name);
      }
    }
    const session: UploadSession = {
      id: randomBytes(24).toString('base64url'), drive, parentId: parent.id, name, behavior,
      fsModifiedAt: fs?.lastModifiedDateTime, total: fileSize, parts: [], received: 0, expiresAt: Date.now() + this.lifetimeMs,
    };
    this.open.set(session.id, session);
    return { uploadUrl: `${uploadBase}/${session.id}`, expirationDateTime: iso(session.expiresAt), nextExpectedRanges: ['0-'] };
  }

  expire(id: string): void {
    this.open.delete(id);
  }

  private live(id: string): UploadSession {
    const s = this.open.get(id);
    if (!s || s.expiresAt <= Date.now()) {
      this.open.delete(id);
      throw sessionGone();
    }
    return s;
  }

  private status(s: UploadSession) {
    return { expirationDateTime: iso(s.expiresAt), nextExpectedRanges: [`${s.received}-`] };
  }

  /** Everything sent to an uploadUrl. */
  async handle(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      // The URL is pre-authorised; a bearer token on it can make the service answer 401.
      if (req.headers.authorization) throw new GraphError(401, 'unauthenticated', 'Do not send Authorization to an uploadUrl.');
      const s = this.live(id);
      if (req.method === 'GET') return sendJson(res, 200, this.status(s));
      if (req.method === 'DELETE') {
        this.open.delete(id);
        res.writeHead(204).end();
        return;
      }
      if (req.method !== 'PUT') throw new GraphError(405, 'invalidRequest', `${req.method} is not allowed on an uploadUrl.`);
      await this.fragment(s, req, res);
    } catch (e) {
      await drain(req);
      if (e instanceof GraphError) sendError(res, e);
      else throw e;
    }
  }

  private async fragment(s: UploadSession, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.headers['content-range'] ?? '');
    if (!range) throw invalidRequest('Content-Range must be "bytes start-end/total".', 'invalidRange');
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    const length = end - start + 1;
    if (Number(req.headers['content-length']) !== length) throw invalidRequest('Content-Length does not match Content-Range.', 'invalidRange');
    if (length >= MAX_FRAGMENT) throw new GraphError(413, 'invalidRequest', 'A fragment must be smaller than 60 MiB.', 'maxFragmentSizeExceeded');
    s.total ??= total;
    if (total !== s.total) throw invalidRequest(`The total size changed from ${s.total} to ${total}.`, 'fragmentLengthMismatch');
    if (end >= total || length <= 0) throw invalidRequest('The range lies outside the file.', 'invalidRange');
    if (end + 1 < total && length % FRAGMENT_MULTIPLE !== 0) {
      throw invalidRequest('Fragments other than the last must be a multiple of 320 KiB.', 'invalidRange');
    }
    if (start < s.received) throw new GraphError(416, 'invalidRange', `Bytes from ${start} were already received.`, 'fragmentOverlap');
    if (start > s.received) throw invalidRequest(`Expected the fragment starting at ${s.received}.`, 'fragmentOutOfOrder');
    const data = await readBody(req, length);
    // A fragment cut off midway is dropped whole; the client asks where to go on.
    if (!data) return;
    if (data.length !== length) throw invalidRequest('The body is shorter than Content-Range says.', 'invalidRange');
    if (this.open.get(s.id) !== s) throw sessionGone();
    s.parts.push(data);
    s.received += length;
    s.expiresAt = Date.now() + this.lifetimeMs;
    if (s.received < s.total) return sendJson(res, 202, this.status(s));
    // A name conflict at commit keeps the session; it can be retried or cancelled.
    let done;
    try {
      done = s.drive.putFile(s.drive.get(s.parentId), s.name, Buffer.concat(s.parts), s.behavior, s.fsModifiedAt);
    } catch (e) {
      // Taken back, so that the last fragment can be sent again once the conflict is resolved.
      s.parts.pop();
      s.received -= length;
      throw e;
    }
    const { item, created } = done;
    this.open.delete(s.id);
    sendJson(res, created ? 201 : 200, s.drive.toJson(item));
  }
}
