import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { isConnectorError, type StorageConnector } from '../connector.js';

/** Small helpers shared by the conformance suite and the connectors' own tests. */
export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
export const body = (b: Buffer) => Readable.from([b]);

export async function readAll(c: StorageConnector, path: string, range?: { start: number; end?: number }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await c.read(path, { range })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Asserts `p` rejects with a ConnectorError of `kind` (and a message matching `message`). */
export async function rejectsKind(p: Promise<unknown>, kind: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isConnectorError(e), `expected a ConnectorError, got ${String(e)}`);
    assert.equal(e.kind, kind, `expected ${kind}, got ${e.kind}: ${e.message}`);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** A stream that sends `good` bytes and then fails, like a dropped upload. */
export function failingBody(good: number): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) { sent = true; this.push(randomBytes(good)); return; }
      this.destroy(new Error('source failed midway'));
    },
  });
}
