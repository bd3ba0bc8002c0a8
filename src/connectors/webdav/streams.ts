import type { Readable } from 'node:stream';

/** Bytes [skip, skip + limit) of a response body; stream failures come out as ConnectorErrors. */
export async function* bytesOf(body: AsyncIterable<Uint8Array>, skip: number, limit: number, fail: (e: unknown) => Error): AsyncGenerator<Buffer> {
  let seen = 0;
  let sent = 0;
  try {
    for await (const raw of body) {
      const chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      const from = Math.max(0, skip - seen);
      seen += chunk.length;
      if (from >= chunk.length) continue;
      const part = chunk.subarray(from, Math.min(chunk.length, from + (limit - sent)));
      sent += part.length;
      yield part;
      if (sent >= limit) return; // leaving the loop cancels the body and frees the connection
    }
  } catch (e) {
    throw fail(e);
  }
}

/**
 * The body without zero-length chunks: Node's fetch stalls forever on an empty chunk in a
 * streamed request body (seen with Node 20), and an empty file is exactly one such chunk.
 */
export async function* nonEmpty(body: Readable): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) if ((chunk as Uint8Array).length > 0) yield chunk as Uint8Array;
}
