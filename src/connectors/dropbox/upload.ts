import { ConnectorError, isConnectorError, type WriteInfo } from '../connector.js';
import { pause } from '../kit/abort.js';
import { resumeDelayMs } from '../kit/retry.js';
import type { ByteReader } from '../kit/byte-reader.js';
import { discard } from '../kit/response-body.js';
import { DropboxContentHash, dropboxContentHash } from '../kit/dropbox-content-hash.js';
import type { DropboxClient } from './client.js';
import { failureOf } from './errors.js';
import { clientModified, type DropboxMetadata } from './items.js';

/** Per-request ceiling of the content routes (docs/providers/dropbox.md, "Uploads"). */
export const MAX_REQUEST_BYTES = 150 * 1024 * 1024;
/** How often one chunk is resent after dropped connections, 5xx and 429 before the whole write fails. */
const MAX_RESUMES = 6;

export interface Upload {
  client: DropboxClient;
  /** Connector path, for messages. */
  path: string;
  /** Dropbox path. */
  target: string;
  info: WriteInfo;
  source: ByteReader;
  chunkBytes: number;
  signal?: AbortSignal;
}

/** CommitInfo: overwrite, never an autorename (docs/providers/dropbox.md, "Uploads"), and the time we were given. */
function commitInfo(u: Upload): Record<string, unknown> {
  const info: Record<string, unknown> = { path: u.target, mode: 'overwrite', autorename: false, mute: true, strict_conflict: false };
  if (u.info.modifiedAt) info.client_modified = clientModified(u.info.modifiedAt);
  return info;
}

/** files/upload: one request holding the whole (small) file. Atomic: a failed one leaves nothing. */
export async function uploadSimple(u: Upload): Promise<DropboxMetadata> {
  const data = await u.source.exactly(u.info.size, true);
  return u.client.json<DropboxMetadata>('files/upload', {
    path: u.path, signal: u.signal, data, arg: { ...commitInfo(u), content_hash: dropboxContentHash(data) },
  });
}

const sessionGone = (path: string, cause: unknown) =>
  new ConnectorError('transient', `The Dropbox upload session for ${path} expired; the upload starts over`, undefined, { cause });

/**
 * An upload session: start, append_v2 per chunk (the last one closes it), finish with an empty
 * body, as rclone does. Each request carries the content_hash of its own bytes. A chunk that
 * fails on the way is sent again; when its answer was lost, incorrect_offset says how much
 * arrived and the chunk resumes from there. Nothing is visible at the path until finish.
 */
export async function uploadInSession(u: Upload): Promise<DropboxMetadata> {
  const { client, path, signal } = u;
  const size = u.info.size;
  const whole = new DropboxContentHash();
  let sessionId: string | undefined;
  let offset = 0;
  while (offset < size || sessionId === undefined) {
    const n = Math.min(u.chunkBytes, size - offset);
    const data = await u.source.exactly(n, offset + n === size);
    whole.update(data);
    const close = offset + n === size;
    let pending = data;
    for (let resumes = 0; pending.length > 0 || sessionId === undefined;) {
      try {
        const arg = { close, content_hash: dropboxContentHash(pending) };
        if (sessionId === undefined) {
          sessionId = (await client.json<{ session_id: string }>('files/upload_session/start', { path, signal, data: pending, arg })).session_id;
        } else {
          await discard(await client.call('files/upload_session/append_v2', { path, signal, data: pending, arg: { ...arg, cursor: { session_id: sessionId, offset } } }));
        }
        offset += pending.length;
        pending = pending.subarray(pending.length);
      } catch (e) {
        if (!isConnectorError(e)) throw e;
        const f = failureOf(e);
        if (f?.correctOffset !== undefined) {
          // The service has more (or other) bytes than we thought: our last answer was lost.
          const arrived = f.correctOffset - offset;
          if (arrived < 0 || arrived > pending.length) throw new ConnectorError('transient', `Dropbox holds an unexpected part of ${path}; the upload starts over`, undefined, { cause: e });
          offset = f.correctOffset;
          pending = pending.subarray(arrived);
          continue;
        }
        if (f?.has('not_found')) throw sessionGone(path, e);
        if (!e.retryable || resumes >= MAX_RESUMES) throw e;
        await pause(resumeDelayMs(resumes++, e), signal);
      }
    }
  }
  return finish(u, sessionId, size, whole.digest());
}

/** finish, retried; a finish whose answer was lost is recognised by the file's content_hash. */
async function finish(u: Upload, sessionId: string, size: number, hash: string): Promise<DropboxMetadata> {
  const { client, path, signal } = u;
  for (let attempt = 0; ; attempt++) {
    try {
      const meta = await client.json<DropboxMetadata>('files/upload_session/finish', {
        path, signal, data: Buffer.alloc(0), arg: { cursor: { session_id: sessionId, offset: size }, commit: commitInfo(u) },
      });
      if (meta.content_hash !== hash) throw new ConnectorError('transient', `Dropbox stored other bytes than sent for ${path}; the upload starts over`);
      return meta;
    } catch (e) {
      if (!isConnectorError(e)) throw e;
      const f = failureOf(e);
      if (f?.has('lookup_failed') && f.has('not_found') && attempt > 0) {
        const there = await client.json<DropboxMetadata>('files/get_metadata', { path, signal, arg: { path: u.target } }).catch(() => null);
        if (there?.content_hash === hash) return there;
      }
      if (f?.has('lookup_failed') && f.has('not_found')) throw sessionGone(path, e);
      if (!e.retryable || attempt >= MAX_RESUMES) throw e;
      await pause(resumeDelayMs(attempt, e), signal);
    }
  }
}
