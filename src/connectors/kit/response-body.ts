import { Readable } from 'node:stream';

/** A stream of no bytes: an empty file, or an empty range of one. */
export const emptyBody = (): Readable => Readable.from([], { objectMode: false });

/** Frees the connection of a response whose body we do not need (fetch keeps it busy otherwise). */
export async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

/** A JSON answer's body; a body that breaks off or is no JSON comes out as `fail(e)`. */
export async function jsonOf<T>(res: Response, fail: (e: unknown) => Error): Promise<T> {
  try {
    return (await res.json()) as T;
  } catch (e) {
    throw fail(e);
  }
}

/** Bytes [skip, skip + limit) of a response body; stream failures come out as `fail(e)`. */
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

/** Bytes [skip, skip + limit) of a fetch response body as a stream; failures midway come out classified. */
export function bodyOf(res: Response, skip: number, limit: number, fail: (e: unknown) => Error): Readable {
  if (!res.body) return emptyBody();
  return Readable.from(bytesOf(res.body, skip, limit, fail), { objectMode: false });
}
