import { Readable } from 'node:stream';
import type { SFTPWrapper } from 'ssh2';

/**
 * Pipelined SFTP file I/O. ssh2's own createReadStream/createWriteStream keep one request in
 * flight per file, so every chunk costs a full round trip; these keep several going at once
 * and still bound memory by depth x chunk, whatever the file size.
 */

/** 128 KiB: one packet for OpenSSH (which takes up to 255 KiB); ssh2 splits it for stricter servers. */
export const CHUNK = 128 * 1024;
/** Requests in flight per file: 1 MiB, about half of OpenSSH's default 2 MiB channel window. */
export const DEPTH = 8;

/** Runs one ssh2 callback-style call as a promise; `guard` fails it if the connection goes away. */
export type Call = <T>(start: (done: (err: Error | null | undefined, value: T) => void) => void) => Promise<T>;

/**
 * Writes the whole body to an open handle from offset 0 and returns how many bytes the server
 * acknowledged. `afterLast` runs once the last write is sent, before its answer comes. On failure it waits for the writes already sent to settle, so the caller can
 * close and delete the file without racing them.
 */
export async function writeBody(sftp: SFTPWrapper, call: Call, handle: Buffer, body: AsyncIterable<unknown>, afterLast?: () => void): Promise<number> {
  const inFlight = new Set<Promise<void>>();
  let offset = 0;
  let failure: { error: unknown } | undefined;

  const send = (buf: Buffer) => {
    const at = offset;
    offset += buf.length;
    const p: Promise<void> = call<void>((done) => sftp.write(handle, buf, 0, buf.length, at, (err) => done(err, undefined)))
      .catch((error: unknown) => { failure ??= { error }; })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const waitForRoom = async (room: number) => {
    while (inFlight.size > room) await Promise.race(inFlight);
    if (failure) throw failure.error;
  };

  // Small source chunks are gathered into CHUNK-sized requests; large ones are sliced without copying.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  try {
    for await (const raw of body) {
      let chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
      while (chunk.length > 0) {
        const take = Math.min(CHUNK - pendingBytes, chunk.length);
        pending.push(chunk.subarray(0, take));
        pendingBytes += take;
        chunk = chunk.subarray(take);
        if (pendingBytes === CHUNK) {
          await waitForRoom(DEPTH - 1);
          send(pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes));
          pending = [];
          pendingBytes = 0;
        }
      }
    }
    if (pendingBytes > 0) send(Buffer.concat(pending, pendingBytes));
    // Requests sent now queue behind the writes on the same handle, without a round trip.
    if (!failure) afterLast?.();
    await waitForRoom(0);
    return offset;
  } catch (e) {
    await Promise.allSettled(inFlight);
    throw e;
  }
}

/**
 * A stream of bytes [start, end) of an open handle, read with several requests in flight and
 * delivered in order. `end` is the file size when known. `finish` runs once when the stream
 * ends or is destroyed (to close the handle); read errors pass through `mapError`.
 */
export function readRange(
  sftp: SFTPWrapper, call: Call, handle: Buffer, start: number, end: number,
  finish: () => Promise<void>, mapError: (e: unknown) => Error,
): Readable {
  interface Request { at: number; len: number; result: Promise<Buffer> }
  const issue = (at: number, len: number): Request => {
    const buf = Buffer.allocUnsafe(len);
    const result = call<Buffer>((done) => sftp.read(handle, buf, 0, len, at, (err, n) => done(err, buf.subarray(0, n ?? 0))));
    result.catch(() => undefined); // reads still in flight when the stream stops are abandoned
    return { at, len, result };
  };

  async function* chunks(): AsyncGenerator<Buffer> {
    const queue: Request[] = [];
    let next = start;
    try {
      for (;;) {
        while (queue.length < DEPTH && next < end) {
          const len = Math.min(CHUNK, end - next);
          queue.push(issue(next, len));
          next += len;
        }
        const head = queue.shift();
        if (!head) return;
        const data = await head.result;
        if (data.length === 0) return; // EOF: the file shrank since it was opened
        // A short read is not necessarily the end; ask again for the rest before moving on.
        if (data.length < head.len) queue.unshift(issue(head.at + data.length, head.len - data.length));
        yield data;
      }
    } catch (e) {
      throw mapError(e);
    } finally {
      await finish();
    }
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: CHUNK });
}
