import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileStores, s3Stores, type BlobStoreFixture } from '../../test/helpers/blob-stores.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

// One suite, run on every kind of blob store Dossier offers (DOSSIER_BLOB_URL).
for (const kind of [fileStores(), await s3Stores()]) {
  describe(`blob store on ${kind.name}`, () => {
    let f: BlobStoreFixture;
    // 5 MiB parts on S3, so the 12 MiB body below goes through the multipart path.
    before(async () => { f = await kind.open({ partSize: 5 * 1024 * 1024 }); });
    after(async () => { await f.close(); await kind.stop(); });

    it('stores bytes under their SHA-256, once however often they come, and reads them back', async () => {
      const bytes = Buffer.concat([Buffer.alloc(3 * 1024 * 1024, 7), Buffer.from('end')]);
      const chunks = () => Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]);
      const first = await f.store.put(chunks());
      const again = await f.store.put(chunks(), { durable: false });
      assert.deepEqual(first, { sha256: sha(bytes), size: bytes.length });
      assert.deepEqual(again, first);
      await f.store.sync([first.sha256]);
      assert.deepEqual(await f.stored(first.sha256), bytes);
      const back: Buffer[] = [];
      for await (const c of f.store.open(first.sha256, bytes.length)) back.push(c as Buffer);
      assert.deepEqual(Buffer.concat(back), bytes);
      assert.deepEqual(await f.leftovers(), [], 'no temp file left behind');
      const listed: Array<[string, number]> = [];
      for await (const b of f.store.list()) listed.push([b.sha256, b.size]);
      assert.deepEqual(listed, [[first.sha256, bytes.length]]);
    });

    it('streams a body larger than its part size in and out', async () => {
      const bytes = randomBytes(12 * 1024 * 1024 + 5);
      const parts = Array.from({ length: 13 }, (_, i) => bytes.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
      const stored = await f.store.put(Readable.from(parts));
      assert.deepEqual(stored, { sha256: sha(bytes), size: bytes.length });
      assert.ok(await f.store.has(stored.sha256));
      assert.equal(sha(await f.stored(stored.sha256)), sha(bytes));
      assert.deepEqual(await f.leftovers(), [], 'no temp object left behind');
    });

    it('reads a small blob back whole by its size, and a missing one as the stream\'s error', async () => {
      const read = async (sha256: string, size?: number) => {
        const back: Buffer[] = [];
        for await (const c of f.store.open(sha256, size)) back.push(c as Buffer);
        return Buffer.concat(back);
      };
      const invoice = randomBytes(5000);
      const { sha256 } = await f.store.put(Readable.from([invoice]));
      assert.deepEqual(await read(sha256, invoice.length), invoice);
      assert.deepEqual(await read(sha256), invoice);
      await assert.rejects(read(sha(Buffer.from('never stored')), 12));
    });

    it('takes text chunks as UTF-8 bytes', async () => {
      const { sha256, size } = await f.store.put(Readable.from(['fact', 'uur €']));
      assert.equal(sha256, sha(Buffer.from('factuur €')));
      assert.equal(size, Buffer.byteLength('factuur €'));
    });

    it('refuses a body past the limit, and a body that fails, leaving nothing behind', async () => {
      await assert.rejects(f.store.put(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { maxBytes: 1000 }), /larger than the limit of 1000 bytes/);
      const big = Array.from({ length: 7 }, () => Buffer.alloc(1024 * 1024, 3));
      await assert.rejects(f.store.put(Readable.from(big), { maxBytes: 6 * 1024 * 1024 }), /larger than the limit/);
      const failing = new Readable({ read() { this.destroy(new Error('connection reset')); } });
      await assert.rejects(f.store.put(failing), /connection reset/);
      assert.deepEqual(await f.leftovers(), []);
      assert.equal(await f.store.has(sha(Buffer.alloc(1200))), false);
    });

    it('says which blobs it has', async () => {
      const { sha256 } = await f.store.put(Readable.from([Buffer.from('kept')]));
      assert.equal(await f.store.has(sha256), true);
      assert.equal(await f.store.has(sha(Buffer.from('never stored'))), false);
    });
  });
}
