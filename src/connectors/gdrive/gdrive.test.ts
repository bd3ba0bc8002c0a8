import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startGdriveEmulator, type GdriveEmulator } from '../../sandbox/gdrive/server.js';
import { FOLDER_MIME, type DriveFile as StoredFile } from '../../sandbox/gdrive/store.js';
import { body, readAll, rejectsKind } from '../conformance/helpers.js';
import { GoogleDriveConnector, type GdriveOptions } from './connector.js';
import { CHUNK_MULTIPLE, SIMPLE_UPLOAD_MAX } from './upload.js';

const hash = (algorithm: string, b: Buffer) => createHash(algorithm).update(b).digest('hex');
const CHUNK = 2 * CHUNK_MULTIPLE;
const UNPACED = { perSecond: 1e6, burst: 1e6 };

describe('Google Drive connector on the Drive emulator', () => {
  let emu: GdriveEmulator;
  let c: GoogleDriveConnector;
  const connector = (o: Partial<GdriveOptions> = {}) =>
    new GoogleDriveConnector({ baseUrl: emu.url, root: 'Backups', tokens: emu.tokenSource('carol'), chunkBytes: CHUNK, listPageSize: 3, pacing: UNPACED, ...o });
  const store = () => emu.state.store('carol');
  const live = (pred: (f: StoredFile) => boolean) => [...store().files.values()].filter((f) => !f.trashed && pred(f));
  /** The live items named `name` below folder `parentId`. */
  const named = (parentId: string, name: string) => live((f) => f.parents.includes(parentId) && f.name === name);

  before(async () => {
    emu = await startGdriveEmulator();
    c = connector();
  });
  beforeEach(() => { emu.faults.clear(); emu.state.requests.length = 0; });
  after(() => emu.stop());

  it('returns the sha256 and md5 Drive computed, for multipart and resumable uploads, and hashMany reads them from one listing per folder', async () => {
    const files = { 'h/empty.bin': Buffer.alloc(0), 'h/small.pdf': randomBytes(1000), 'h/large.pdf': randomBytes(SIMPLE_UPLOAD_MAX + CHUNK + 5) };
    for (const [path, data] of Object.entries(files)) {
      const entry = await c.write(path, body(data), { size: data.length, sha256: hash('sha256', data) });
      assert.equal(entry.hashes?.sha256, hash('sha256', data), path);
      assert.equal(entry.hashes?.md5, hash('md5', data), path);
    }
    emu.state.requests.length = 0;
    const got = await c.hashMany([...Object.keys(files), 'h/missing.pdf', 'nowhere/x.pdf'], 'sha256');
    for (const [path, data] of Object.entries(files)) assert.equal(got.get(path), hash('sha256', data));
    assert.equal(got.has('h/missing.pdf'), false);
    assert.equal(got.has('nowhere/x.pdf'), false);
    const listings = emu.state.requests.filter((r) => r.path === '/drive/v3/files').length;
    assert.ok(listings <= 6, `${listings} listings for 5 paths in 2 folders, not one lookup per file`);
    assert.equal((await c.hashMany(['h/small.pdf'], 'md5')).get('h/small.pdf'), hash('md5', files['h/small.pdf']));
  });

  it('replaces an existing file by updating its content: same id, one file of that name', async () => {
    const first = await c.write('over/a.pdf', body(Buffer.from('one')), { size: 3 });
    const small = await c.write('over/a.pdf', body(Buffer.from('two!')), { size: 4 });
    const large = randomBytes(SIMPLE_UPLOAD_MAX + 10);
    const big = await c.write('over/a.pdf', body(large), { size: large.length });
    assert.equal(small.id, first.id);
    assert.equal(big.id, first.id);
    const folder = named(store().rootId, 'Backups')[0]!;
    const over = named(folder.id, 'over')[0]!;
    assert.equal(named(over.id, 'a.pdf').length, 1);
    assert.ok(emu.state.requests.some((r) => r.method === 'PATCH' && r.path.startsWith('/upload/drive/v3/files/')), 'content updated with PATCH');
    assert.deepEqual(await readAll(c, 'over/a.pdf'), large);
  });

  it('costs one upload per write into a folder it made, and a name lookup and an upload into one that was there', async () => {
    await c.write('cache/a.pdf', body(Buffer.from('a')), { size: 1 });
    emu.state.requests.length = 0;
    await c.write('cache/b.pdf', body(Buffer.from('b')), { size: 1 });
    assert.deepEqual(emu.state.requests.map((r) => `${r.method} ${r.path}`), ['POST /upload/drive/v3/files']);
    // A new connection did not make the folder: it cannot know what is in it, so it looks each name up.
    const other = connector();
    const again = await other.write('cache/a.pdf', body(Buffer.from('A')), { size: 1 });
    emu.state.requests.length = 0;
    await other.write('cache/c.pdf', body(Buffer.from('c')), { size: 1 });
    assert.deepEqual(emu.state.requests.map((r) => `${r.method} ${r.path}`), ['GET /drive/v3/files', 'POST /upload/drive/v3/files']);
    const cache = named(named(store().rootId, 'Backups')[0]!.id, 'cache')[0]!;
    assert.deepEqual(named(cache.id, 'a.pdf').map((f) => f.id), [again.id], 'a.pdf updated, not written twice');
  });

  it('in a folder it made, still finds a file whose upload answer was lost, and one written again after a removal', async () => {
    let loseNext = false;
    const lossy = connector({
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        if (loseNext && init?.method === 'POST' && String(input).includes('/upload/')) { loseNext = false; throw new TypeError('fetch failed'); }
        return res;
      },
    });
    await lossy.write('lost/first.pdf', body(Buffer.from('1')), { size: 1 });
    loseNext = true;
    await rejectsKind(lossy.write('lost/a.pdf', body(Buffer.from('a')), { size: 1 }), 'transient');
    const retried = await lossy.write('lost/a.pdf', body(Buffer.from('a!')), { size: 2 });
    await lossy.write('lost/b.pdf', body(Buffer.from('b')), { size: 1 });
    await lossy.remove('lost/b.pdf');
    const rewritten = await lossy.write('lost/b.pdf', body(Buffer.from('b2')), { size: 2 });
    const lost = named(named(store().rootId, 'Backups')[0]!.id, 'lost')[0]!;
    assert.deepEqual(named(lost.id, 'a.pdf').map((f) => f.id), [retried.id], 'the file the lost answer created was updated, not doubled');
    assert.deepEqual(named(lost.id, 'b.pdf').map((f) => f.id), [rewritten.id]);
    assert.deepEqual(await readAll(lossy, 'lost/a.pdf'), Buffer.from('a!'));
  });

  it('uploads large files in chunks of 256 KiB multiples and keeps the modification time', async () => {
    const data = randomBytes(SIMPLE_UPLOAD_MAX + 3 * CHUNK + 77);
    const when = new Date('2023-05-06T07:08:09.123Z');
    await c.write('big/file.pdf', body(data), { size: data.length, modifiedAt: when });
    const chunks = emu.state.requests.filter((r) => r.method === 'PUT' && r.area === 'upload');
    assert.equal(chunks.length, Math.ceil(data.length / CHUNK));
    assert.ok(chunks.every((r) => r.status === 308 || r.status === 201));
    assert.equal((await c.stat('big/file.pdf')).modifiedAt?.toISOString(), when.toISOString());
    assert.deepEqual(await readAll(c, 'big/file.pdf'), data);
  });

  it('moves server-side with files.update: same id, new parent and name, the old target trashed', async () => {
    const a = await c.write('mv/a/x.pdf', body(Buffer.from('x')), { size: 1 });
    await c.write('mv/b/y.pdf', body(Buffer.from('old')), { size: 3 });
    emu.state.requests.length = 0;
    const moved = await c.move('mv/a/x.pdf', 'mv/b/y.pdf');
    assert.equal(moved.id, a.id);
    assert.ok(!emu.state.requests.some((r) => r.area === 'upload' || r.area === 'download'), 'no bytes moved');
    const file = store().files.get(a.id!)!;
    assert.equal(file.name, 'y.pdf');
    assert.deepEqual(file.parents, [(await c.stat('mv/b')).id]);
    assert.equal(live((f) => f.name === 'y.pdf').length, 1);
    assert.equal((await readAll(c, 'mv/b/y.pdf')).toString(), 'x');
  });

  it('finds names with quotes and backslashes, and tells names that differ only in case apart', async () => {
    const name = "O'Brien \\ Co.pdf";
    await c.write(`q/${name}`, body(Buffer.from('1')), { size: 1 });
    await c.write('q/Case.pdf', body(Buffer.from('upper')), { size: 5 });
    await c.write('q/case.pdf', body(Buffer.from('lower')), { size: 5 });
    assert.equal((await readAll(c, `q/${name}`)).toString(), '1');
    assert.equal((await readAll(c, 'q/Case.pdf')).toString(), 'upper');
    assert.equal((await readAll(c, 'q/case.pdf')).toString(), 'lower');
    const names: string[] = [];
    for await (const e of c.list('q')) names.push(e.name);
    assert.deepEqual(names.sort(), ['Case.pdf', name, 'case.pdf'].sort());
  });

  it('uses the oldest of same-named folders someone else made, as every client does', async () => {
    const root = named(store().rootId, 'Backups')[0]!;
    const older = store().create({ name: 'dup', mimeType: FOLDER_MIME, parents: [root.id] }, null);
    store().create({ name: 'dup', mimeType: FOLDER_MIME, parents: [root.id] }, null);
    const fresh = connector();
    await fresh.write('dup/x.pdf', body(Buffer.from('x')), { size: 1 });
    assert.equal(named(older.id, 'x.pdf').length, 1);
    assert.equal((await fresh.stat('dup')).id, older.id);
  });

  it('never makes two folders for one path when two connectors race to create it', async () => {
    // A user of its own, so that the duplicates the test before made on purpose do not count.
    const racer = () => connector({ tokens: emu.tokenSource('racer') });
    const mine = emu.state.store('racer');
    const rounds = 8;
    for (let i = 0; i < rounds; i++) {
      const [a, b] = [racer(), racer()];
      await Promise.all([a.mkdir(`race/r${i}/deep`), b.mkdir(`race/r${i}/deep`)]);
      await Promise.all([a.write(`race/w${i}/a.pdf`, body(Buffer.from('a')), { size: 1 }), b.write(`race/w${i}/b.pdf`, body(Buffer.from('b')), { size: 1 })]);
    }
    const folders = [...mine.files.values()].filter((f) => !f.trashed && f.mimeType === FOLDER_MIME);
    const byPlace = new Map<string, number>();
    for (const f of folders) byPlace.set(`${f.parents[0]}/${f.name}`, (byPlace.get(`${f.parents[0]}/${f.name}`) ?? 0) + 1);
    assert.deepEqual([...byPlace].filter(([, n]) => n > 1), [], 'one live folder per parent and name');
    const check = racer();
    for (let i = 0; i < rounds; i++) {
      const names: string[] = [];
      for await (const e of check.list(`race/w${i}`)) names.push(e.name);
      assert.deepEqual(names.sort(), ['a.pdf', 'b.pdf'], 'both writers ended up in the same folder');
    }
    const losers = [...mine.files.values()].filter((f) => f.trashed && f.mimeType === FOLDER_MIME);
    assert.ok(losers.length > 0, 'the race really happened: duplicates were made and trashed');
    assert.ok(losers.every((f) => mine.children(f.id).length === 0), 'only empty duplicates were trashed');
  });

  it('treats trashed files as gone, and removes by trashing', async () => {
    await c.write('rm/t.pdf', body(Buffer.from('t')), { size: 1 });
    const id = (await c.stat('rm/t.pdf')).id!;
    await c.remove('rm/t.pdf');
    assert.equal(store().files.get(id)?.trashed, true, 'in the trash, recoverable for 30 days');
    await rejectsKind(c.stat('rm/t.pdf'), 'not_found');
    await c.write('rm/t.pdf', body(Buffer.from('new')), { size: 3 });
    assert.notEqual((await c.stat('rm/t.pdf')).id, id, 'a new file, not the trashed one');
  });

  it('pages folders with Drive\'s tokens through listPage and list', async () => {
    for (let i = 0; i < 7; i++) await c.write(`paged/f${i}.txt`, body(Buffer.from(String(i))), { size: 1 });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await c.listPage('paged', { pageToken: token, pageSize: 3 });
      seen.push(...page.entries.map((e) => e.name));
      token = page.nextPageToken ?? undefined;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['f0.txt', 'f1.txt', 'f2.txt', 'f3.txt', 'f4.txt', 'f5.txt', 'f6.txt']);
    let listed = 0;
    for await (const e of c.list('paged')) { assert.ok(!e.isDir); listed++; }
    assert.equal(listed, 7);
  });

  it('reports quota and the account from about', async () => {
    const q = await c.quota();
    assert.equal(q.total, 15 * 1024 ** 3);
    assert.ok(q.used! > 0 && q.free === q.total! - q.used!);
    assert.deepEqual(await c.account(), { name: 'carol', email: 'carol@example.com', id: (await c.account()).id });
    assert.ok((await c.account()).id);
    const unlimited = await startGdriveEmulator({ quotaBytes: null });
    try {
      const u = new GoogleDriveConnector({ baseUrl: unlimited.url, root: '', tokens: unlimited.tokenSource('u'), pacing: UNPACED });
      assert.deepEqual(await u.quota(), { total: null, used: 0, free: null });
    } finally {
      await unlimited.stop();
    }
  });
});
