import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startDropboxEmulator, type DropboxEmulator } from '../../sandbox/dropbox/server.js';
import { body, readAll, rejectsKind } from '../conformance/helpers.js';
import { dropboxContentHash } from '../kit/dropbox-content-hash.js';
import { DropboxConnector, type DropboxOptions } from './connector.js';

const SIMPLE = 64 * 1024;
const CHUNK = 48 * 1024;

/** A fetch that lets the request reach the service, then loses the answer, the first `times` times a route matches. */
function losingAnswers(route: string, times: number): typeof fetch {
  let left = times;
  return async (input, init) => {
    const res = await fetch(input, init);
    if (String(input).endsWith(`/${route}`) && left > 0) {
      left--;
      await res.body?.cancel();
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    }
    return res;
  };
}

describe('Dropbox connector on the emulator', () => {
  let emu: DropboxEmulator;
  let c: DropboxConnector;
  const make = (o: Partial<DropboxOptions> = {}) => new DropboxConnector({
    apiUrl: emu.url, contentUrl: emu.contentUrl, root: 'Backups', tokens: emu.tokenSource('carol'), simpleUploadMax: SIMPLE, chunkBytes: CHUNK, ...o,
  });
  const routes = (name: string) => emu.state.requests.filter((r) => r.path === `/2/${name}`);
  before(async () => {
    emu = await startDropboxEmulator();
    c = make({ listLimit: 3 });
  });
  beforeEach(() => { emu.faults.clear(); emu.state.requests.length = 0; });
  after(() => emu.stop());

  it('returns and reports the content_hash Dropbox computed, by listing or by lookup', async () => {
    const files: Record<string, Buffer> = { 'h/empty.bin': Buffer.alloc(0), 'h/small.pdf': randomBytes(1000), 'h/large.pdf': randomBytes(SIMPLE + 2 * CHUNK + 5) };
    for (let i = 0; i < 4; i++) files[`many/f${i}.pdf`] = randomBytes(100 + i);
    for (const [path, data] of Object.entries(files)) {
      const entry = await c.write(path, body(data), { size: data.length });
      assert.equal(entry.hashes?.dropbox, dropboxContentHash(data), path);
      assert.match(entry.id ?? '', /^id:/);
    }
    emu.state.requests.length = 0;
    const got = await c.hashMany([...Object.keys(files), 'h/missing.pdf', 'gone/x.pdf'], 'dropbox');
    for (const [path, data] of Object.entries(files)) assert.equal(got.get(path), dropboxContentHash(data), path);
    assert.equal(got.has('h/missing.pdf'), false);
    assert.ok(routes('files/list_folder').length >= 1, 'the folder with many files was listed');
    assert.ok(routes('files/get_metadata').length <= 5, 'the others were looked up one by one');
  });

  it('overwrites explicitly and never autorenames; a folder in the way is already_exists', async () => {
    await c.write('ow/a.pdf', body(Buffer.from('one')), { size: 3 });
    await c.write('OW/A.pdf', body(Buffer.from('two!')), { size: 4 });
    const names: string[] = [];
    for await (const e of c.list('ow')) names.push(e.name);
    assert.deepEqual(names, ['a.pdf']);
    assert.equal((await readAll(c, 'ow/a.pdf')).toString(), 'two!');
    await c.mkdir('ow/folder.pdf');
    await rejectsKind(c.write('ow/folder.pdf', body(Buffer.from('x')), { size: 1 }), 'already_exists');
    await rejectsKind(c.mkdir('ow/a.pdf'), 'already_exists');
  });

  it('uploads large files as start, append_v2 per chunk and an empty finish, keeping client_modified', async () => {
    const data = randomBytes(SIMPLE + 3 * CHUNK + 77);
    const when = new Date('2023-05-06T07:08:09Z');
    await c.write('big/file.pdf', body(data), { size: data.length, modifiedAt: when });
    assert.equal(routes('files/upload_session/start').length, 1);
    assert.equal(routes('files/upload_session/append_v2').length, Math.ceil(data.length / CHUNK) - 1);
    assert.equal(routes('files/upload_session/finish').length, 1);
    assert.equal((await c.stat('big/file.pdf')).modifiedAt?.toISOString(), when.toISOString());
    assert.deepEqual(await readAll(c, 'big/file.pdf'), data);
  });

  it('goes on from correct_offset when the answer to an append was lost', async () => {
    const lossy = make({ fetch: losingAnswers('files/upload_session/append_v2', 1) });
    const data = randomBytes(SIMPLE + 3 * CHUNK);
    const entry = await lossy.write('lost/append.pdf', body(data), { size: data.length });
    assert.equal(entry.hashes?.dropbox, dropboxContentHash(data));
    assert.ok(routes('files/upload_session/append_v2').some((r) => r.status === 409), 'the repeat got incorrect_offset');
    assert.deepEqual(await readAll(c, 'lost/append.pdf'), data);
  });

  it('recognises a finish whose answer was lost by the content_hash at the path', async () => {
    const lossy = make({ fetch: losingAnswers('files/upload_session/finish', 1) });
    const data = randomBytes(SIMPLE + CHUNK);
    const entry = await lossy.write('lost/finish.pdf', body(data), { size: data.length });
    assert.equal(entry.hashes?.dropbox, dropboxContentHash(data));
    assert.equal(emu.state.sessions.open.size, 0);
  });

  it('lists every page, and pages with listPage cursors', async () => {
    for (let i = 0; i < 8; i++) await c.write(`paged/f${i}.txt`, body(Buffer.from(String(i))), { size: 1 });
    const names: string[] = [];
    for await (const e of c.list('paged')) names.push(e.name);
    assert.equal(names.length, 8);
    assert.ok(routes('files/list_folder/continue').length >= 2, 'followed the cursor');
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await c.listPage('paged', { pageToken: token, pageSize: 5 });
      seen.push(...page.entries.map((e) => e.name));
      token = page.nextPageToken ?? undefined;
      pages++;
    } while (token);
    assert.deepEqual([seen.sort(), pages], [names.sort(), 2]);
    await rejectsKind(c.listPage('paged/f1.txt', {}), 'not_found');
  });

  it('moves server-side, keeping the id, replacing a file in the way', async () => {
    const a = await c.write('mv/a.pdf', body(Buffer.from('a')), { size: 1 });
    await c.write('mv/b.pdf', body(Buffer.from('b')), { size: 1 });
    const moved = await c.move('mv/a.pdf', 'mv/b.pdf');
    assert.equal(moved.id, a.id);
    assert.equal((await readAll(c, 'mv/b.pdf')).toString(), 'a');
    await rejectsKind(c.stat('mv/a.pdf'), 'not_found');
  });

  it('refuses the names Dropbox refuses as invalid_name', async () => {
    for (const name of ['desktop.ini', 'trailing ', 'back\\slash']) {
      await rejectsKind(c.write(`names/${name}`, body(Buffer.from('x')), { size: 1 }), 'invalid_name');
    }
  });

  it('reports quota and the account', async () => {
    const q = await c.quota();
    assert.ok(q.total! > 0 && q.used! > 0 && q.free === q.total! - q.used!);
    const team = await startDropboxEmulator({ team: true });
    try {
      const t = make({ apiUrl: team.url, contentUrl: team.contentUrl, tokens: team.tokenSource('tess') });
      const tq = await t.quota();
      assert.ok(tq.total! > 0 && tq.free! > 0);
    } finally {
      await team.stop();
    }
    const who = await c.account();
    assert.equal(who.email, 'carol@example.com');
    assert.match(who.id ?? '', /^dbid:/);
    assert.ok(who.name.length > 0);
  });

  it('writes below the app folder by default; a full-Dropbox token sees it under Apps/Dossier', async () => {
    await c.write('2024/a.pdf', body(Buffer.from('a')), { size: 1 });
    const full = make({ root: '', tokens: emu.tokenSource('carol', { access: 'full' }) });
    assert.equal((await full.stat('Apps/Dossier/Backups/2024/a.pdf')).size, 1);
    assert.equal((await full.stat('')).isDir, true);
  });
});
