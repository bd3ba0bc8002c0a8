import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError, isConnectorError } from '../connector.js';
import { pause } from '../kit/abort.js';
import { resumeDelayMs } from '../kit/retry.js';
import type { GraphClient } from './client.js';
import { discard } from '../kit/response-body.js';
import { failureStatus as statusOf } from '../kit/http-failure.js';
import type { ByteReader } from '../kit/byte-reader.js';
import type { DriveItem } from './items.js';

/** Non-final fragments must be multiples of 320 KiB (docs/providers/onedrive.md, "Uploads"). */
export const FRAGMENT_MULTIPLE = 327_680;
/** 10 MiB, rclone's default: within the recommended 5-10 MiB, and 32 × 320 KiB. */
export const FRAGMENT_BYTES = 32 * FRAGMENT_MULTIPLE;
/** How often one upload resumes after dropped connections and 5xx before the caller retries it whole. */
const MAX_RESUMES = 6;
const CANCEL_TIMEOUT_MS = 30_000;

export interface SessionUpload {
  client: GraphClient;
  /** The createUploadSession address: /drives/{d}/items/{parentId}:/{name}:/createUploadSession. */
  createUrl: string;
  path: string;
  size: number;
  modifiedAt?: Date;
  reader: ByteReader;
  signal?: AbortSignal;
  fragmentBytes?: number;
  /** Sessions a failed write could not cancel; deleted before a new one (Business allows one per path). */
  stale: Map<string, string>;
  staleKey: string;
}

/**
 * An upload session: fragments of 10 MiB read from the body one at a time, sequential and with a
 * constant total. A dropped connection or 5xx resumes from the offset the service reports; a
 * session that is gone (404) or keeps failing makes the write fail as transient, so the caller
 * starts over with a fresh body. Whatever fails, the session is cancelled: nothing is left.
 */
export async function uploadInSession(u: SessionUpload): Promise<DriveItem> {
  const { client, path, size, signal } = u;
  const fragment = u.fragmentBytes ?? FRAGMENT_BYTES;
  await cancelStale(u);
  const item: Record<string, unknown> = { '@microsoft.graph.conflictBehavior': 'replace', fileSize: size };
  // Set here, inside the session, it costs no extra version the way a later PATCH would.
  if (u.modifiedAt) item.fileSystemInfo = { lastModifiedDateTime: u.modifiedAt.toISOString().replace(/\.\d+Z$/, 'Z') };
  let uploadUrl: string;
  try {
    ({ uploadUrl } = await client.json<{ uploadUrl: string }>('POST', u.createUrl, { path, signal, json: { item }, expect: [200] }));
  } catch (e) {
    if (isConnectorError(e, 'already_exists')) {
      throw new ConnectorError('transient', `Another upload to ${path} is still open on OneDrive; try again later`, undefined, { cause: e });
    }
    throw e;
  }
  try {
    let offset = 0;
    let pending: Buffer = Buffer.alloc(0);
    let resumes = 0;
    for (;;) {
      if (pending.length < fragment && offset + pending.length < size) {
        const more = await u.reader.read(Math.min(fragment, size - offset) - pending.length);
        pending = pending.length ? Buffer.concat([pending, more]) : more;
        if (offset + pending.length < size && pending.length < Math.min(fragment, size - offset)) {
          throw new ConnectorError('transient', `The data to upload as ${path} ended before the announced ${size} bytes`);
        }
      }
      const last = offset + pending.length === size;
      if (last && (await u.reader.read(1)).length) {
        throw new ConnectorError('transient', `The data to upload as ${path} is longer than the announced ${size} bytes`);
      }
      const length = last ? pending.length : pending.length - (pending.length % FRAGMENT_MULTIPLE);
      try {
        const res = await client.request('PUT', uploadUrl, {
          path, signal, auth: false, body: pending.subarray(0, length), expect: [200, 201, 202],
          headers: { 'Content-Range': `bytes ${offset}-${offset + length - 1}/${size}`, 'Content-Type': 'application/octet-stream' },
        });
        if (res.status !== 202) {
          if (offset + length !== size) throw new ConnectorError('transient', `OneDrive finished ${path} before all bytes were sent`);
          return (await res.json()) as DriveItem;
        }
        await discard(res);
        offset += length;
        pending = pending.subarray(length);
      } catch (e) {
        if (!isConnectorError(e)) throw e;
        if (statusOf(e) === 404) throw new ConnectorError('transient', `The OneDrive upload session for ${path} expired; the upload starts over`, undefined, { cause: e });
        const resumable = e.retryable || statusOf(e) === 416;
        if (!resumable || resumes >= MAX_RESUMES) throw e;
        await pause(resumeDelayMs(resumes++, e), signal);
        const next = await position(client, uploadUrl, path, signal);
        if (next < offset || next > offset + pending.length) {
          throw new ConnectorError('transient', `OneDrive lost part of ${path} during the upload; it starts over`);
        }
        pending = pending.subarray(next - offset);
        offset = next;
      }
    }
  } catch (e) {
    await cancel(u, uploadUrl);
    throw e;
  }
}

/** Where the service wants the next byte: the start of nextExpectedRanges[0]. */
async function position(client: GraphClient, uploadUrl: string, path: string, signal?: AbortSignal): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const status = await client.json<{ nextExpectedRanges?: string[] }>('GET', uploadUrl, { path, signal, auth: false, expect: [200] });
      const first = status.nextExpectedRanges?.[0];
      const start = first ? Number(first.split('-')[0]) : NaN;
      if (!Number.isInteger(start)) throw new ConnectorError('transient', `OneDrive did not say where the upload of ${path} stands`);
      return start;
    } catch (e) {
      if (!isConnectorError(e) || !e.retryable || attempt >= 3) throw e;
      await pause(resumeDelayMs(attempt, e), signal);
    }
  }
}

/** DELETE on the uploadUrl; if even that fails, the URL is kept and deleted before the next try. */
async function cancel(u: SessionUpload, uploadUrl: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await u.client.request('DELETE', uploadUrl, { path: u.path, auth: false, expect: [204, 200, 404], signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS) });
      await discard(res);
      u.stale.delete(u.staleKey);
      return;
    } catch {
      await sleep(100 * (attempt + 1));
    }
  }
  u.stale.set(u.staleKey, uploadUrl);
}

async function cancelStale(u: SessionUpload): Promise<void> {
  const url = u.stale.get(u.staleKey);
  if (!url) return;
  try {
    const res = await u.client.request('DELETE', url, { path: u.path, auth: false, expect: [204, 200, 404], signal: u.signal });
    await discard(res);
    u.stale.delete(u.staleKey);
  } catch {
    // Left for the next attempt; the session also expires on its own.
  }
}
