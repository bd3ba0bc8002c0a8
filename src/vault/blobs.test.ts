import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { FileBlobStore } from './blobs.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('blob store', () => {
  let root = '';
  let store: FileBlobStore;
  before(async () => { root = await mkdtemp(join(tmpdir(), 'dossier-blobs-')); store = new FileBlobStore(root); });
  after(() => rm(root, { recursive: true, force: true }));

  it('stores bytes under their SHA-256, once however often they come, and reads them back', async () => {
    const bytes = Buffer.concat([Buffer.alloc(3 * 1024 * 1024, 7), Buffer.from('end')]);
    const chunks = () => Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]);
    const first = await store.put(chunks());
    const again = await store.put(chunks(), { durable: false });
    assert.deepEqual(first, { sha256: sha(bytes), size: bytes.length });
    assert.deepEqual(again, first);
    await store.sync([first.sha256]);
    assert.deepEqual(await readFile(join(root, first.sha256.slice(0, 2), first.sha256.slice(2, 4), first.sha256)), bytes);
    const back: Buffer[] = [];
    for await (const c of store.open(first.sha256, bytes.length)) back.push(c as Buffer);
    assert.deepEqual(Buffer.concat(back), bytes);
    assert.deepEqual(await readdir(join(root, 'incoming')), [], 'no temp file left behind');
  });

  it('takes text chunks as UTF-8 bytes', async () => {
    const { sha256, size } = await store.put(Readable.from(['fact', 'uur €']));
    assert.equal(sha256, sha(Buffer.from('factuur €')));
    assert.equal(size, Buffer.byteLength('factuur €'));
  });

  it('refuses a body past the limit, and a body that fails, leaving nothing behind', async () => {
    await assert.rejects(store.put(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { maxBytes: 1000 }), /larger than the limit of 1000 bytes/);
    const failing = new Readable({ read() { this.destroy(new Error('connection reset')); } });
    await assert.rejects(store.put(failing), /connection reset/);
    assert.deepEqual(await readdir(join(root, 'incoming')), []);
  });
});
