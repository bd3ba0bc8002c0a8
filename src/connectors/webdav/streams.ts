import type { Readable } from 'node:stream';

export { bytesOf } from '../kit/response-body.js';

/**
 * The body without zero-length chunks: Node's fetch stalls forever on an empty chunk in a
 * streamed request body (seen with Node 20), and an empty file is exactly one such chunk.
 */
export async function* nonEmpty(body: Readable): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) if ((chunk as Uint8Array).length > 0) yield chunk as Uint8Array;
}
