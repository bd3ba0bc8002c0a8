import { randomBytes } from 'node:crypto';
import { ConnectorError, isConnectorError } from '../connector.js';
import { pause } from '../kit/abort.js';
import { resumeDelayMs } from '../kit/retry.js';
import type { ByteReader } from '../kit/byte-reader.js';
import type { DriveClient } from './client.js';
import { discard } from '../kit/response-body.js';
import { failureStatus as statusOf } from '../kit/http-failure.js';
import { FILE_FIELDS, type DriveFile } from './items.js';

/** Non-final chunks must be multiples of 256 KiB (docs/providers/google-drive.md, "Uploads"). */
export const CHUNK_MULTIPLE = 262_144;
/** 8 MiB, rclone's Drive default: 32 × 256 KiB, one chunk in memory per upload. */
export const CHUNK_BYTES = 32 * CHUNK_MULTIPLE;
/** Multipart is documented up to 5 MB; 4 MiB stays below it on either reading of "MB". */
export const SIMPLE_UPLOAD_MAX = 4 * 1024 * 1024;
/** How often one upload resumes after dropped connections, 5xx and throttling before the caller retries it whole. */
const MAX_RESUMES = 6;

/** Where an upload goes: new content for `existingId`, or a new file `name` in `parentId`. */
export interface UploadTarget { existingId?: string; parentId: string; name: string; modifiedAt?: Date }

const uploadUrl = (t: UploadTarget, type: string) => t.existingId
  ? `/upload/drive/v3/files/${encodeURIComponent(t.existingId)}?uploadType=${type}&fields=${FILE_FIELDS}`
  : `/upload/drive/v3/files?uploadType=${type}&fields=${FILE_FIELDS}`;

/** An update keeps name and parents (a PATCH may not even name parents); a create names both. */
function metadataOf(t: UploadTarget): Record<string, unknown> {
  const meta: Record<string, unknown> = t.existingId ? {} : { name: t.name, parents: [t.parentId] };
  if (t.modifiedAt) meta.modifiedTime = t.modifiedAt.toISOString();
  return meta;
}

/** One multipart/related request (metadata + bytes): all or nothing, and repeatable after a 401. */
export async function multipartUpload(client: DriveClient, t: UploadTarget, data: Buffer, path: string, signal?: AbortSignal): Promise<DriveFile> {
  const boundary = `dossier-${randomBytes(12).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(metadataOf(t))}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`), data, Buffer.from(`\r\n--${boundary}--`),
  ]);
  return client.json<DriveFile>(t.existingId ? 'PATCH' : 'POST', uploadUrl(t, 'multipart'), {
    path, signal, body, expect: [200], headers: { 'Content-Type': `multipart/related; boundary=${boundary}` },
  });
}

export interface ResumableUpload {
  client: DriveClient;
  target: UploadTarget;
  path: string;
  size: number;
  reader: ByteReader;
  signal?: AbortSignal;
  chunkBytes?: number;
}

/** "Range: bytes=0-N" of a 308: N + 1 bytes are stored; no header means none. */
const storedOf = (res: Response) => Number(/^bytes=0-(\d+)$/.exec(res.headers.get('range') ?? '')?.[1] ?? -1) + 1;

/**
 * A resumable upload: a session URI from Location, then chunks of 8 MiB read from the body one at
 * a time. After a dropped connection, 5xx or throttling the session is asked where it stands
 * (`bytes *\/size`) and the upload goes on from the offset it reports, which may lie inside the
 * chunk that failed. A session that is gone (404) or keeps failing makes the write fail as
 * transient, and the caller starts over. No file exists until the last chunk lands, so a failed
 * upload leaves nothing (Drive drops abandoned sessions by itself).
 */
export async function resumableUpload(u: ResumableUpload): Promise<DriveFile> {
  const { client, path, size, signal } = u;
  const chunk = u.chunkBytes ?? CHUNK_BYTES;
  const start = await client.request(u.target.existingId ? 'PATCH' : 'POST', uploadUrl(u.target, 'resumable'), {
    path, signal, json: metadataOf(u.target), expect: [200],
    headers: { 'X-Upload-Content-Type': 'application/octet-stream', 'X-Upload-Content-Length': String(size) },
  });
  await discard(start);
  const session = start.headers.get('location');
  if (!session) throw new ConnectorError('transient', `Google Drive gave no upload address for ${path}; try again`);
  let offset = 0;
  let pending: Buffer = Buffer.alloc(0);
  let resumes = 0;
  for (;;) {
    const want = Math.min(chunk, size - offset);
    if (pending.length < want) {
      const more = await u.reader.read(want - pending.length);
      pending = pending.length ? Buffer.concat([pending, more]) : more;
      if (pending.length < want) throw new ConnectorError('transient', `The data to upload as ${path} ended before the announced ${size} bytes`);
    }
    const last = offset + pending.length === size;
    if (last && (await u.reader.read(1)).length) throw new ConnectorError('transient', `The data to upload as ${path} is longer than the announced ${size} bytes`);
    const length = last ? pending.length : pending.length - (pending.length % CHUNK_MULTIPLE);
    try {
      const res = await client.request('PUT', session, {
        path, signal, body: pending.subarray(0, length), expect: [200, 201, 308],
        headers: { 'Content-Range': `bytes ${offset}-${offset + length - 1}/${size}`, 'Content-Type': 'application/octet-stream' },
      });
      if (res.status !== 308) return finished(res, offset + length === size, path);
      await discard(res);
      ({ offset, pending } = advance(offset, pending, storedOf(res), path));
    } catch (e) {
      if (!isConnectorError(e)) throw e;
      const status = await askWhereItStands(u, session, e, () => resumes++);
      if (status.status !== 308) return finished(status, true, path);
      await discard(status);
      ({ offset, pending } = advance(offset, pending, storedOf(status), path));
    }
  }
}

const expired = (path: string, cause: unknown) =>
  new ConnectorError('transient', `The Google Drive upload session for ${path} expired; the upload starts over`, undefined, { cause });

/**
 * After a failed chunk: waits, then asks the session what it has (`Content-Range: bytes *\/size`),
 * again while that fails retryably, up to MAX_RESUMES for the whole upload.
 */
async function askWhereItStands(u: ResumableUpload, session: string, first: ConnectorError, resume: () => number): Promise<Response> {
  let failure = first;
  for (;;) {
    if (statusOf(failure) === 404) throw expired(u.path, failure);
    const attempt = resume();
    if (!failure.retryable || attempt >= MAX_RESUMES) throw failure;
    await pause(resumeDelayMs(attempt, failure), u.signal);
    try {
      return await u.client.request('PUT', session, { path: u.path, signal: u.signal, expect: [200, 201, 308], headers: { 'Content-Range': `bytes */${u.size}` } });
    } catch (e) {
      if (!isConnectorError(e)) throw e;
      failure = e;
    }
  }
}

async function finished(res: Response, complete: boolean, path: string): Promise<DriveFile> {
  if (!complete) {
    await discard(res);
    throw new ConnectorError('transient', `Google Drive finished ${path} before all bytes were sent`);
  }
  return (await res.json()) as DriveFile;
}

/** Moves past what the session has stored; bytes before our buffer are gone, so that means starting over. */
function advance(offset: number, pending: Buffer, stored: number, path: string): { offset: number; pending: Buffer } {
  if (stored < offset || stored > offset + pending.length) {
    throw new ConnectorError('transient', `Google Drive lost part of ${path} during the upload; it starts over`);
  }
  return { offset: stored, pending: pending.subarray(stored - offset) };
}
