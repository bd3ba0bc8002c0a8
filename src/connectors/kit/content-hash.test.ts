import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import type { HashType } from '../connector.js';
import { ContentHashingStream, contentHashOf } from './content-hash.js';
import { dropboxContentHash } from './dropbox-content-hash.js';
import { QuickXorHash } from './quickxorhash.js';

// 4 MiB and a bit: Dropbox's content_hash covers two blocks.
const data = randomBytes(4 * 1024 * 1024 + 100_003);
const unevenChunks = () => {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = [1, 7, 65_536, 159, 1_000_003][i % 5]!;
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
};

const expected: Record<string, string> = {
  sha256: createHash('sha256').update(data).digest('hex'),
  md5: createHash('md5').update(data).digest('hex'),
  quickxor: new QuickXorHash().update(data).digest(),
  dropbox: dropboxContentHash(data),
};

describe('content hashes', () => {
  for (const type of Object.keys(expected) as HashType[]) {
    it(`${type}: the pass-through stream passes every byte on and hashes them as contentHashOf does`, async () => {
      const tap = new ContentHashingStream(type);
      const passed: Buffer[] = [];
      await pipeline(Readable.from(unevenChunks()), tap, async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) passed.push(chunk);
      });
      assert.ok(Buffer.concat(passed).equals(data), 'the bytes come out unchanged');
      assert.equal(tap.bytes, data.length);
      assert.ok(tap.complete);
      assert.equal(tap.digest(), expected[type]);
      assert.equal(await contentHashOf(type, Readable.from(unevenChunks())), expected[type]);
    });
  }

  it('gives no hash for a stream read only in part', async () => {
    const tap = new ContentHashingStream('quickxor');
    Readable.from(unevenChunks()).pipe(tap);
    const it = tap[Symbol.asyncIterator]();
    await it.next();
    assert.equal(tap.complete, false);
    assert.throws(() => tap.digest(), /has not ended/);
    tap.destroy();
  });
});
