import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { postgresReachable } from '../../test/helpers/databases.js';
import { createWorld, type World } from '../../test/helpers/world.js';
import { silentLogger } from '../log/log.js';
import { collectBlobGarbage } from './gc.js';
import { FileBlobStore } from './blobs.js';
import { fileStores, s3Stores } from '../../test/helpers/blob-stores.js';

const HOUR = 3_600_000;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const blobPath = (root: string, h: string) => join(root, h.slice(0, 2), h.slice(2, 4), h);
/** Makes a file look last written `ms` ago. */
const age = (path: string, ms: number) => utimes(path, new Date(Date.now() - ms), new Date(Date.now() - ms));

function gcDeps(w: World) {
  return { db: w.deps.db, blobs: w.deps.blobs, log: silentLogger, graceMs: 24 * HOUR, incomingMaxAgeMs: 6 * HOUR };
}

const kinds = [fileStores(), await s3Stores()];
after(() => Promise.all(kinds.map((k) => k.stop())));

for (const database of [{ name: 'sqlite', postgres: false }, { name: 'postgresql', postgres: true }]) {
  const skip = database.postgres && !(await postgresReachable()) ? 'PostgreSQL is not reachable (install and start postgresql)' : false;
  for (const kind of kinds) describe(`storage clean-up on ${database.name}, blobs on ${kind.name}`, { skip }, () => {
    it('removes old unreferenced blobs and never the bytes of a document\'s version', async (t) => {
      const w = await createWorld({ postgres: database.postgres, env: await kind.env() });
      t.after(() => w.close());
      const f = kind.around(w.deps.blobs, w.deps.config.dataDir);
      const docId = await w.addDocument({}, 'referenced bytes');
      const [version] = (await w.deps.vault.get(w.orgId, docId)).versions;
      // Stored, then the process died before the database commit: nothing refers to these.
      const orphan = await w.deps.blobs.put(Readable.from([Buffer.from('killed before the commit')]));
      const young = await w.deps.blobs.put(Readable.from([Buffer.from('an intake still running')]));
      await f.age(version!.sha256, 30 * 24 * HOUR);
      await f.age(orphan.sha256, 25 * HOUR);

      const dry = await collectBlobGarbage(gcDeps(w), { dryRun: true });
      assert.deepEqual(dry.unreferenced, { files: 1, bytes: orphan.size });
      assert.ok(await w.deps.blobs.has(orphan.sha256), 'a dry run removes nothing');

      const result = await collectBlobGarbage(gcDeps(w));
      assert.deepEqual(result.unreferenced, { files: 1, bytes: orphan.size });
      assert.equal(await w.deps.blobs.has(orphan.sha256), false, 'the unreferenced blob past the grace period is gone');
      assert.ok(await w.deps.blobs.has(version!.sha256), 'the document\'s bytes stay, however old');
      assert.ok(await w.deps.blobs.has(young.sha256), 'an unreferenced blob within the grace period stays');
      const again = await collectBlobGarbage(gcDeps(w));
      assert.deepEqual(again.unreferenced, { files: 0, bytes: 0 });
    });

    it('removes partial uploads a killed process left, not those written to lately', async (t) => {
      const w = await createWorld({ postgres: database.postgres, env: await kind.env() });
      t.after(() => w.close());
      const f = kind.around(w.deps.blobs, w.deps.config.dataDir);
      await f.plantPartial('a1b2c3d4e5f6-1', 5000, 7 * HOUR);
      await f.plantPartial('f6e5d4c3b2a1-9', 100, 0); // written to a moment ago: another process's upload
      const dry = await collectBlobGarbage(gcDeps(w), { dryRun: true });
      assert.deepEqual(dry.partial, { files: 1, bytes: 5000 });
      assert.deepEqual((await f.leftovers()).sort(), ['a1b2c3d4e5f6-1', 'f6e5d4c3b2a1-9']);
      const result = await collectBlobGarbage(gcDeps(w));
      assert.deepEqual(result.partial, { files: 1, bytes: 5000 });
      assert.deepEqual(await f.leftovers(), ['f6e5d4c3b2a1-9']);
    });
  });

  describe(`storage clean-up on ${database.name}, blobs in the data folder`, { skip }, () => {
    it('never removes an upload of this process, however long a slow client stalls it', async (t) => {
      const w = await createWorld({ postgres: database.postgres });
      t.after(() => w.close());
      const incoming = join(w.deps.config.dataDir, 'blobs', 'incoming');
      await mkdir(incoming, { recursive: true });
      const dead = join(incoming, 'a1b2c3d4e5f6-1');
      await writeFile(dead, Buffer.alloc(5000, 1));
      await age(dead, 7 * HOUR);
      const otherProcess = join(incoming, 'f6e5d4c3b2a1-9');
      await writeFile(otherProcess, Buffer.alloc(100, 1)); // written to a moment ago: another process's upload

      // This process's own upload, stalled by a slow client long past the age bound.
      const slow = new PassThrough();
      const put = w.deps.blobs.put(slow);
      slow.write(Buffer.alloc(10, 2));
      await new Promise((r) => setTimeout(r, 50));
      const mine = (await readdir(incoming)).filter((n) => n !== 'a1b2c3d4e5f6-1' && n !== 'f6e5d4c3b2a1-9');
      assert.equal(mine.length, 1);
      await age(join(incoming, mine[0]!), 7 * HOUR);

      const result = await collectBlobGarbage(gcDeps(w));
      assert.deepEqual(result.partial, { files: 1, bytes: 5000 });
      assert.deepEqual((await readdir(incoming)).sort(), [mine[0]!, 'f6e5d4c3b2a1-9'].sort());
      slow.end(Buffer.alloc(10, 3));
      const stored = await put;
      assert.ok(await w.deps.blobs.has(stored.sha256), 'the slow upload completes');
    });
  });
}

for (const kind of kinds) describe(`blob removal on ${kind.name}`, () => {
  it('keeps a blob an intake stores again after the collector chose it, removes it once old again', async (t) => {
    const f = await kind.open();
    t.after(() => f.close());
    const bytes = Buffer.from('found by its hash by an intake');
    const h = sha(bytes);
    await f.store.put(Readable.from([bytes]));
    await f.age(h, 48 * HOUR);
    const decidedAt = Date.now() - 24 * HOUR; // the collector listed it as old and unreferenced...
    await f.store.put(Readable.from([bytes])); // ...and an intake deduplicating to it stores it again
    assert.equal(await f.store.removeIfOlder(h, decidedAt), false);
    assert.ok(await f.store.has(h), 'the intake\'s blob is still there');
    await f.age(h, 48 * HOUR);
    assert.equal(await f.store.removeIfOlder(h, decidedAt), true);
    assert.equal(await f.store.has(h), false);
    assert.equal(await f.store.removeIfOlder(h, decidedAt), false, 'a blob already gone is not removed twice');
  });
});

describe('blob removal against a put of the same bytes', () => {
  it('keeps a blob an intake stores again just before the removal, and brings back one a killed removal moved aside', async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'dossier-gc-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    const store = new FileBlobStore(root);
    const bytes = Buffer.from('found by its hash by an intake');
    const h = sha(bytes);
    await store.put(Readable.from([bytes]));
    await age(blobPath(root, h), 48 * HOUR);
    const decidedAt = Date.now() - 24 * HOUR; // the collector listed it as old and unreferenced...
    await store.put(Readable.from([bytes])); // ...and an intake deduplicating to it stores it again
    assert.equal(await store.removeIfOlder(h, decidedAt), false);
    assert.ok(await store.has(h), 'the intake\'s blob is still there');

    await age(blobPath(root, h), 48 * HOUR);
    assert.equal(await store.removeIfOlder(h, decidedAt), true);
    assert.equal(await store.has(h), false);

    // A removal killed between moving the blob aside and looking at its age.
    await store.put(Readable.from([bytes]));
    await mkdir(join(root, 'incoming'), { recursive: true });
    await rename(blobPath(root, h), join(root, 'incoming', `gc-${h}-0a0b0c0d0e0f-3`));
    const removed = await store.removeAbandoned(Date.now() - 6 * HOUR);
    assert.deepEqual(removed, { files: 0, bytes: 0 });
    assert.ok(await store.has(h), 'the blob is back in place');
    assert.equal((await stat(blobPath(root, h))).size, bytes.length);
    assert.deepEqual(await readdir(join(root, 'incoming')), []);
  });
});
