import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { contentHashOf } from './content-hash.js';
import { DROPBOX_BLOCK_BYTES, DropboxContentHash, dropboxContentHash, dropboxContentHashOf } from './dropbox-content-hash.js';

// docs/providers/dropbox.md, "Hashes": files of n × 'A', hashes checked against rclone's dbhash tests.
const VECTORS: Array<[number, string]> = [
  [0, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  [1, '1cd6ef71e6e0ff46ad2609d403dc3fee244417089aa4461245a4e4fe23a55e42'],
  [4_194_304, 'd4d63bac5b866c71620185392a8a6218ac1092454a2d16f820363b69852befa3'],
  [4_194_305, '8f553da8d00d0bf509d8470e242888be33019c20c0544811f5b2b89e98360b92'],
  [8_388_609, '02c8a4aefc2bfc9036f89a7098001865885938ca580e5c9e5db672385edd303c'],
];

/** The definition spelt out: block digests concatenated, hashed again. */
function reference(data: Buffer): string {
  const digests: Buffer[] = [];
  for (let at = 0; at < data.length; at += DROPBOX_BLOCK_BYTES) {
    digests.push(createHash('sha256').update(data.subarray(at, at + DROPBOX_BLOCK_BYTES)).digest());
  }
  return createHash('sha256').update(Buffer.concat(digests)).digest('hex');
}

/** Yields `data` in pieces of the given sizes, cycling, so pieces straddle block edges. */
function* pieces(data: Buffer, sizes: number[]): Generator<Buffer> {
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield data.subarray(at, at + n);
    at += n;
  }
}

describe('Dropbox content_hash', () => {
  for (const [n, want] of VECTORS) {
    it(`matches the published vector for ${n} × "A"`, async () => {
      const data = Buffer.alloc(n, 'A');
      assert.equal(dropboxContentHash(data), want);
      assert.equal(await dropboxContentHashOf(Readable.from(pieces(data, [1_000_003, 7, 65_536]))), want);
    });
  }

  it('gives the same hash however the stream is cut', () => {
    const data = randomBytes(2 * DROPBOX_BLOCK_BYTES + 12_345);
    const want = reference(data);
    for (const sizes of [[1], [DROPBOX_BLOCK_BYTES], [DROPBOX_BLOCK_BYTES - 1, 2], [3_000_000, 5_000_000]]) {
      if (sizes[0] === 1) {
        // Byte by byte only over a short input: the point is the block edge, not the time.
        const small = data.subarray(0, 5000);
        const h = new DropboxContentHash();
        for (const p of pieces(small, sizes)) h.update(p);
        assert.equal(h.digest(), reference(small));
        continue;
      }
      const h = new DropboxContentHash();
      for (const p of pieces(data, sizes)) h.update(p);
      assert.equal(h.digest(), want, `cut into ${sizes.join(', ')}`);
    }
  });

  it('is the hash the shared table computes for "dropbox"', async () => {
    const data = randomBytes(DROPBOX_BLOCK_BYTES + 1);
    assert.equal(await contentHashOf('dropbox', Readable.from([data])), reference(data));
  });
});
