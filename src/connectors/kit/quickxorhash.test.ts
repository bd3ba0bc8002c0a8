import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { QuickXorHash, quickXorOf } from './quickxorhash.js';

// The vectors of docs/providers/onedrive.md, "Hashes" (from rclone's quickxorhash tests): input base64 -> hash.
const VECTORS: Array<[string, string]> = [
  ['', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
  ['Sg==', 'SgAAAAAAAAAAAAAAAQAAAAAAAAA='],
  ['tbQ=', 'taAFAAAAAAAAAAAAAgAAAAAAAAA='],
  ['h490d57Pqz5q2rtT', 'h3gEHe7giWeswgdq3MYupgAAAAA='],
  ['NbYXsp5/K6mR+NmHwExjvWeWDJFnXTKWVlzYHoesp2E=', 'wjuAuWDiq04qDt1R8hHWDDcwVoQ='],
];

/** The definition, bit by bit: byte i is XORed into the 160-bit register at bit (11·i) mod 160. */
function reference(data: Buffer): string {
  const bits = new Uint8Array(160);
  data.forEach((byte, i) => {
    for (let b = 0; b < 8; b++) if ((byte >> b) & 1) bits[(11 * i + b) % 160]! ^= 1;
  });
  const out = Buffer.alloc(20);
  bits.forEach((bit, k) => { if (bit) out[k >> 3]! |= 1 << (k % 8); });
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(data.length));
  for (let b = 0; b < 8; b++) out[12 + b]! ^= len[b]!;
  return out.toString('base64');
}

describe('QuickXorHash', () => {
  for (const [input, expected] of VECTORS) {
    it(`hashes "${input}" to ${expected}`, () => {
      assert.equal(new QuickXorHash().update(Buffer.from(input, 'base64')).digest(), expected);
    });
  }

  it('gives the same digest however the input is split into chunks', async () => {
    const data = randomBytes(100_003);
    const whole = new QuickXorHash().update(data).digest();
    for (const size of [1, 7, 159, 160, 161, 1760, 4096, 65_537]) {
      const h = new QuickXorHash();
      for (let i = 0; i < data.length; i += size) h.update(data.subarray(i, i + size));
      assert.equal(h.digest(), whole, `chunks of ${size}`);
    }
    const chunks = [3, 500, 1, 160, 99_339].map((n, i, a) => data.subarray(a.slice(0, i).reduce((s, x) => s + x, 0), a.slice(0, i + 1).reduce((s, x) => s + x, 0)));
    assert.equal(await quickXorOf(Readable.from(chunks)), whole, 'uneven chunks through a stream');
  });

  it('agrees with the bit-by-bit definition on random data of many lengths', () => {
    for (const n of [0, 1, 19, 20, 21, 159, 160, 161, 1759, 1760, 1761, 5000]) {
      const data = randomBytes(n);
      assert.equal(new QuickXorHash().update(data).digest(), reference(data), `${n} bytes`);
    }
  });

  it('agrees with the definition on input longer than one block, aligned or not', () => {
    // The word-wise loop reads 4-byte-aligned input in place and copies unaligned input first.
    const backing = randomBytes(130_003);
    for (const offset of [0, 1, 2, 3]) {
      const data = backing.subarray(offset, offset + 130_000 - offset);
      assert.equal(new QuickXorHash().update(data).digest(), reference(Buffer.from(data)), `offset ${offset}`);
    }
  });

  it('does not change state when digested midway', () => {
    const h = new QuickXorHash().update(Buffer.from('abc'));
    assert.equal(h.digest(), h.digest());
    h.update(Buffer.from('def'));
    assert.equal(h.digest(), new QuickXorHash().update(Buffer.from('abcdef')).digest());
  });
});
