import type { Readable } from 'node:stream';
import { ConnectorError, isConnectorError } from '../connector.js';
import { cancelled } from './abort.js';

/**
 * Pulls exact byte counts out of a stream, keeping only what it was asked for: the memory of an
 * upload is one fragment, whatever the file size. A failing source comes out as a ConnectorError.
 */
export class ByteReader {
  private readonly it: AsyncIterator<unknown>;
  private rest: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(body: Readable, private readonly path: string, private readonly signal?: AbortSignal) {
    this.it = body[Symbol.asyncIterator]();
  }

  /** Up to `n` bytes; fewer only at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      if (this.rest.length === 0) {
        if (this.ended) break;
        let next: IteratorResult<unknown>;
        try {
          next = await this.it.next();
        } catch (e) {
          if (this.signal?.aborted) throw cancelled(e);
          if (isConnectorError(e)) throw e;
          throw new ConnectorError('transient', `The data to upload as ${this.path} could not be read (${(e as Error).message})`, undefined, { cause: e });
        }
        if (next.done) { this.ended = true; break; }
        this.rest = Buffer.from(next.value as Uint8Array);
        continue;
      }
      const take = Math.min(n - filled, this.rest.length);
      this.rest.copy(out, filled, 0, take);
      this.rest = this.rest.subarray(take);
      filled += take;
    }
    return out.subarray(0, filled);
  }

  /**
   * Exactly `n` bytes, where the announced size says there must be that many; `last`: and
   * nothing after them (the whole body, or its final chunk).
   */
  async exactly(n: number, last = true): Promise<Buffer> {
    const data = await this.read(n);
    if (data.length < n) throw new ConnectorError('transient', `The data to upload as ${this.path} ended before the announced size`);
    if (last && (await this.read(1)).length) throw new ConnectorError('transient', `The data to upload as ${this.path} is longer than announced`);
    return data;
  }
}
