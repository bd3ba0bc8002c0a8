import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { legalName } from '../../domain/names.js';
import { isConnectorError, type HashType, type StorageConnector } from '../connector.js';
import { isTempName } from '../kit/temp-name.js';
import { body, failingBody, readAll, rejectsKind, sha256 } from './helpers.js';
import { canComputeHash, contentHashOf } from '../kit/content-hash.js';
import { changeFeedTests } from './change-feed.js';


export interface ConformanceTarget {
  /** A connector on an empty root folder. */
  create(): Promise<StorageConnector>;
  /** Called once after the suite, e.g. to stop a server. */
  cleanup?(): Promise<void>;
  /** Extra write sizes worth testing (chunk edges). */
  sizes?: number[];
  /** A second connector over the same storage, as after a restart; default create(). */
  reopen?(): Promise<StorageConnector>;
  /** The page size the connector's change feed was made with, when small enough to page. */
  feedPageSize?: number;
}


async function names(c: StorageConnector, dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of c.list(dir)) out.push(e.name);
  return out.sort();
}

/** The one suite every StorageConnector passes (docs/architecture.md, "Conformance suite"). */
export function defineConformanceSuite(name: string, target: ConformanceTarget): void {
  // The connector is opened while the suite is defined, so that the tests of what it cannot do
  // are not defined at all, rather than defined and skipped.
  describe(`${name} connector conformance`, async () => {
    const c: StorageConnector = await target.create();
    after(async () => { await c.close(); await target.cleanup?.(); });

    it('creates folders idempotently and lists them', async () => {
      await c.mkdir('dirs/a/b');
      await c.mkdir('dirs/a/b');
      await c.mkdir('dirs/a');
      assert.deepEqual(await names(c, 'dirs'), ['a']);
      assert.deepEqual(await names(c, 'dirs/a/b'), []);
      const e = await c.stat('dirs/a');
      assert.equal(e.isDir, true);
    });

    it('reports not_found for missing files, folders and parents', async () => {
      await rejectsKind(c.stat('missing.pdf'), 'not_found');
      await rejectsKind(c.stat('missing-dir/file.pdf'), 'not_found');
      await rejectsKind(names(c, 'missing-dir'), 'not_found');
      await rejectsKind(c.read('missing.pdf'), 'not_found');
      await rejectsKind(c.remove('missing.pdf'), 'not_found');
    });

    it('writes, stats, reads back and overwrites, creating parents', async () => {
      const data = randomBytes(100_000);
      const written = await c.write('w/x/y/file.pdf', body(data), { size: data.length, sha256: sha256(data) });
      assert.equal(written.size, data.length);
      assert.equal(written.isDir, false);
      assert.equal((await c.stat('w/x/y/file.pdf')).size, data.length);
      assert.equal(sha256(await readAll(c, 'w/x/y/file.pdf')), sha256(data));
      const smaller = randomBytes(10);
      await c.write('w/x/y/file.pdf', body(smaller), { size: 10 });
      assert.deepEqual(await readAll(c, 'w/x/y/file.pdf'), smaller);
      assert.deepEqual(await names(c, 'w/x/y'), ['file.pdf'], 'no temporary files are left behind');
    });

    it('stores zero-length files', async () => {
      await c.write('empty.txt', body(Buffer.alloc(0)), { size: 0 });
      assert.equal((await c.stat('empty.txt')).size, 0);
      assert.equal((await readAll(c, 'empty.txt')).length, 0);
    });

    it('keeps modification times to the second when given', async () => {
      const when = new Date('2024-03-14T10:20:30Z');
      const e = await c.write('mtime.txt', body(Buffer.from('x')), { size: 1, modifiedAt: when });
      const s = await c.stat('mtime.txt');
      assert.ok(s.modifiedAt, 'a modification time is reported');
      if (e.modifiedAt && Math.abs(s.modifiedAt.getTime() - when.getTime()) > 1000) {
        // Providers that cannot set mtime report the upload time; that is allowed but must be recent.
        assert.ok(Math.abs(s.modifiedAt.getTime() - Date.now()) < 3_600_000, `mtime ${s.modifiedAt.toISOString()} is neither given nor now`);
      }
    });

    it('leaves nothing behind when the source fails midway', async () => {
      await assert.rejects(c.write('failed/new.pdf', failingBody(70_000), { size: 1_000_000 }), (e: unknown) => {
        assert.ok(isConnectorError(e), `a failed write rejects with a ConnectorError, got ${String(e)}`);
        return true;
      });
      await rejectsKind(c.stat('failed/new.pdf'), 'not_found');
      const old = randomBytes(1000);
      await c.write('failed/old.pdf', body(old), { size: old.length });
      await assert.rejects(c.write('failed/old.pdf', failingBody(70_000), { size: 1_000_000 }));
      assert.deepEqual(await readAll(c, 'failed/old.pdf'), old, 'the earlier version survives a failed overwrite');
      const leftovers = (await names(c, 'failed')).filter((n) => isTempName(n) || n !== 'old.pdf');
      assert.deepEqual(leftovers, [], 'no temporary files are left behind');
    });

    it('round-trips names with Unicode, spaces, leading dots and URL-special characters', async () => {
      const raw = ['Factuur café 2024.pdf', ' leading space.pdf', '.hidden.pdf', 'a#b%c?d&e+f.pdf', 'Rechnung Nr. 5 (Kopie).pdf', '日本語.pdf'];
      for (const n of raw) {
        const legal = legalName(n, c.capabilities.names);
        await c.write(`names/${legal}`, body(Buffer.from(n)), { size: Buffer.byteLength(n) });
        assert.equal((await readAll(c, `names/${legal}`)).toString(), n);
      }
      const expected = raw.map((n) => legalName(n, c.capabilities.names)).sort();
      assert.deepEqual(await names(c, 'names'), expected);
    });

    it('reads byte ranges', async () => {
      const data = randomBytes(5000);
      await c.write('range.bin', body(data), { size: data.length });
      assert.deepEqual(await readAll(c, 'range.bin', { start: 100, end: 1100 }), data.subarray(100, 1100));
      assert.deepEqual(await readAll(c, 'range.bin', { start: 4000 }), data.subarray(4000));
    });

    it('writes the sizes around its chunk edges', async () => {
      const sizes = [...(target.sizes ?? []), 1, 65_536, 65_537, 3 * 1024 * 1024 + 7];
      for (const size of sizes) {
        const data = randomBytes(size);
        await c.write(`sizes/${size}.bin`, body(data), { size });
        assert.equal((await c.stat(`sizes/${size}.bin`)).size, size);
        assert.equal(sha256(await readAll(c, `sizes/${size}.bin`)), sha256(data), `content of ${size} bytes`);
      }
    });

    it('removes files and whole folders', async () => {
      await c.write('rm/a/1.txt', body(Buffer.from('1')), { size: 1 });
      await c.write('rm/a/2.txt', body(Buffer.from('2')), { size: 1 });
      await c.remove('rm/a/1.txt');
      assert.deepEqual(await names(c, 'rm/a'), ['2.txt']);
      await c.rmdir('rm/a');
      await rejectsKind(c.stat('rm/a/2.txt'), 'not_found');
      await rejectsKind(c.rmdir('rm/a'), 'not_found');
    });

    it('is cancelled by an AbortSignal without leaving a file', async () => {
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(c.write('cancel.pdf', body(randomBytes(1000)), { size: 1000 }, { signal: controller.signal }));
      await rejectsKind(c.stat('cancel.pdf'), 'not_found');
    });

    it('offers move() exactly when it declares a server-side move', () => {
      assert.equal(typeof c.move === 'function', c.capabilities.serverSideMove === true);
    });

    if (c.capabilities.serverSideMove) it('moves files server-side', async () => {
      const data = randomBytes(2000);
      await c.write('mv/from.pdf', body(data), { size: data.length });
      await c.write('mv/other/to.pdf', body(Buffer.from('old')), { size: 3 });
      const moved = await c.move!('mv/from.pdf', 'mv/other/to.pdf');
      assert.equal(moved.size, data.length);
      await rejectsKind(c.stat('mv/from.pdf'), 'not_found');
      assert.deepEqual(await readAll(c, 'mv/other/to.pdf'), data, 'the move replaces the target');
      await c.move!('mv/other/to.pdf', 'mv/new/deeper/to.pdf');
      assert.deepEqual(await readAll(c, 'mv/new/deeper/to.pdf'), data, 'the move creates parents');
      await rejectsKind(c.move!('mv/none.pdf', 'mv/x.pdf'), 'not_found');
    });

    if (c.hashMany) it('computes hashes that match the content', async () => {
      const type = c.capabilities.hashes.includes('sha256') ? 'sha256' : c.capabilities.hashes[0]!;
      assert.ok(canComputeHash(type), `the suite knows how to compute ${type} locally`);
      const local = (bytes: Buffer) => contentHashOf(type, Readable.from([bytes]));
      const a = randomBytes(3000), b = Buffer.alloc(0);
      await c.write('h/a b.bin', body(a), { size: a.length });
      await c.write('h/empty.bin', body(b), { size: 0 });
      const got = await c.hashMany!(['h/a b.bin', 'h/empty.bin', 'h/missing.bin'], type);
      assert.equal(got.get('h/a b.bin'), await local(a));
      assert.equal(got.get('h/empty.bin'), await local(b));
      assert.equal(got.has('h/missing.bin'), false);
    });

    if (c.quota) it('reports its free space', async () => {
      const q = await c.quota!();
      for (const v of [q.total, q.used, q.free]) assert.ok(v === null || (Number.isFinite(v) && v >= 0), `quota value ${v}`);
    });

    it('offers changes() exactly when it declares a change feed', () => {
      assert.equal(typeof c.changes === 'function', c.capabilities.changeFeed === true);
    });

    if (c.capabilities.changeFeed) describe('change feed', () => {
      changeFeedTests({ connector: () => c, reopen: () => (target.reopen ?? target.create)(), feedPageSize: target.feedPageSize });
    });
  });
}
