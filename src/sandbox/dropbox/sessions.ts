import { randomBytes } from 'node:crypto';
import { badRequest, endpoint, u, type Union } from './errors.js';

/** Largest file a session may build: 2^41 − 2^22 bytes (docs/providers/dropbox.md, "Uploads"). */
export const MAX_FILE_BYTES = 2 ** 41 - 2 ** 22;
/** Dropbox keeps a session for 7 days. */
export const SESSION_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export interface UploadSession {
  id: string;
  user: string;
  parts: Buffer[];
  /** Bytes received so far: the offset the next append must name. */
  offset: number;
  closed: boolean;
  expiresAt: number;
}

/**
 * Sequential upload sessions. Every request names the offset it starts at; a wrong one is
 * `incorrect_offset` with the offset the service holds, which is how a client whose last
 * response was lost finds out that the bytes did arrive.
 */
export class Sessions {
  readonly open = new Map<string, UploadSession>();

  constructor(private readonly lifetimeMs: number) {}

  start(user: string, arg: Record<string, unknown>, data: Buffer): { session_id: string } {
    if (arg.session_type !== undefined && arg.session_type !== 'sequential' && (arg.session_type as Union)?.['.tag'] !== 'sequential') {
      // Concurrent sessions (4 MiB multiples, appends in any order) are not emulated; say so rather than pretend.
      throw badRequest('files/upload_session/start', 'only sequential upload sessions are emulated');
    }
    const s: UploadSession = {
      id: `pid_upload_session:${randomBytes(18).toString('base64url')}`, user, parts: [], offset: 0,
      closed: arg.close === true, expiresAt: Date.now() + this.lifetimeMs,
    };
    this.add(s, data);
    this.open.set(s.id, s);
    return { session_id: s.id };
  }

  expire(id: string): void {
    this.open.delete(id);
  }

  /** The session a cursor names, checked against the offset; errors are UploadSessionLookupError values. */
  lookup(user: string, cursor: unknown, wrap: (e: Union) => Union, dataLength: number): UploadSession {
    const c = cursor as { session_id?: unknown; offset?: unknown } | undefined;
    if (typeof c?.session_id !== 'string' || !Number.isInteger(c.offset)) throw badRequest('files/upload_session', 'cursor needs session_id and offset');
    const s = this.open.get(c.session_id);
    if (!s || s.user !== user || s.expiresAt <= Date.now()) {
      this.open.delete(c.session_id);
      throw endpoint(wrap(u('not_found')), 'The upload session does not exist or has expired.');
    }
    if (c.offset !== s.offset) throw endpoint(wrap(u('incorrect_offset', { correct_offset: s.offset })), 'incorrect offset');
    if (s.closed && dataLength > 0) throw endpoint(wrap(u('closed')), 'The session is closed.');
    if (s.offset + dataLength > MAX_FILE_BYTES) throw endpoint(wrap(u('too_large')), 'The file would be too large.');
    return s;
  }

  add(s: UploadSession, data: Buffer): void {
    if (data.length) s.parts.push(data);
    s.offset += data.length;
  }

  content(s: UploadSession): Buffer {
    return Buffer.concat(s.parts);
  }
}
