import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startGdriveEmulator, type GdriveEmulator } from '../../sandbox/gdrive/server.js';
import { FOLDER_MIME } from '../../sandbox/gdrive/store.js';
import { deletesOf, drainFeed, feedCost, upsertPaths } from '../conformance/change-feed.js';
import { body } from '../conformance/helpers.js';
import { GoogleDriveConnector } from './connector.js';


describe('Google Drive change feed edges', () => {
  let emu: GdriveEmulator;
  let c: GoogleDriveConnector;
  const fast = { perSecond: 1e6, burst: 1e6 };
  const put = (path: string, text = path) => c.write(path, body(Buffer.from(text)), { size: Buffer.byteLength(text) });
  const raw = (method: string, path: string) => fetch(emu.url + path, { method, headers: { Authorization: `Bearer ${emu.tokenFor('gus')}` } });

  before(async () => {
    emu = await startGdriveEmulator();
    c = new GoogleDriveConnector({ baseUrl: emu.url, root: 'R', tokens: emu.tokenSource('gus'), pacing: fast, feedPageSize: 2 });
  });
  after(async () => { await c.close(); await emu.stop(); });

  it('tells trashed from removed: both deletes by id, the trashed one with its path', async () => {
    const trashed = await put('tr/t.pdf');
    const removed = await put('tr/r.pdf');
    const first = await drainFeed(c, 'tr', null);
    await c.remove('tr/t.pdf'); // the connector trashes
    assert.equal((await raw('DELETE', `/drive/v3/files/${removed.id}`)).status, 204);
    const got = deletesOf((await drainFeed(c, 'tr', first.cursor)).changes);
    assert.deepEqual(got, [{ type: 'delete', id: trashed.id, path: 't.pdf' }, { type: 'delete', id: removed.id }]);
  });

  it('makes a file or folder moved out of the tree a delete, and lists a folder moved in', async () => {
    const out = await put('mv/out.pdf');
    await put('mv/sub/deep.pdf');
    await put('elsewhere/box/in.pdf');
    const first = await drainFeed(c, 'mv', null);
    await c.move('mv/out.pdf', 'elsewhere/out.pdf');
    await c.move('mv/sub', 'elsewhere/sub');
    await c.move('elsewhere/box', 'mv/box');
    const { changes } = await drainFeed(c, 'mv', first.cursor);
    assert.deepEqual(deletesOf(changes), [{ type: 'delete', id: out.id }, { type: 'delete', id: (await c.stat('elsewhere/sub')).id, path: 'sub' }]);
    assert.deepEqual(upsertPaths(changes), ['box/in.pdf'], 'the files of a folder that came in, which Drive does not report itself');
  });

  it('leaves out Google Docs and other files without bytes', async () => {
    await put('docs/real.pdf');
    const dir = await c.stat('docs');
    const store = emu.state.store('gus');
    store.create({ name: 'Notes', mimeType: 'application/vnd.google-apps.document', parents: [dir.id!] }, null);
    const first = await drainFeed(c, 'docs', null);
    assert.deepEqual(upsertPaths(first.changes), ['real.pdf']);
    store.create({ name: 'More notes', mimeType: 'application/vnd.google-apps.document', parents: [dir.id!] }, null);
    assert.deepEqual((await drainFeed(c, 'docs', first.cursor)).changes, []);
  });

  it('starts over with reset: true when Drive refuses the page token', async () => {
    await put('ex/a.pdf');
    const first = await drainFeed(c, 'ex', null);
    emu.state.expireChangeTokens('gus');
    const again = await drainFeed(c, 'ex', first.cursor);
    assert.equal(again.pages[0]!.page.reset, true);
    assert.deepEqual(upsertPaths(again.changes), ['a.pdf']);
  });

  it('reads 50 changes in a 2,000-file tree in requests proportional to the pages of changes, not to the tree', async () => {
    const big = new GoogleDriveConnector({ baseUrl: emu.url, root: 'R', tokens: emu.tokenSource('gus'), pacing: fast });
    await big.mkdir('big');
    const store = emu.state.store('gus');
    const rootId = (await big.stat('big')).id!;
    const files: Array<ReturnType<typeof store.get>> = [];
    for (let f = 0; f < 40; f++) {
      const dir = store.create({ name: `f${f}`, mimeType: FOLDER_MIME, parents: [rootId] }, null);
      for (let i = 0; i < 50; i++) files.push(store.create({ name: `doc${i}.pdf`, parents: [dir.id] }, Buffer.from(`${f}/${i}`)));
    }
    const cost = await feedCost(big, 'big', () => emu.state.requests.length, () => {
      for (const f of files.slice(0, 50)) store.replaceContent(f, Buffer.from('changed'));
    });
    assert.ok(cost.enumeration > 40, `the first enumeration lists every folder (${cost.enumeration} requests)`);
    assert.equal(cost.changes.length, 50);
    const md5 = createHash('md5').update('changed').digest('hex');
    assert.ok(cost.changes.every((ch) => ch.type === 'upsert' && ch.entry.hashes?.md5 === md5), 'each with its md5Checksum');
    assert.ok(cost.incremental <= 2, `50 changes in one page of 1000 cost ${cost.incremental} requests`);
    assert.ok(cost.cursor.length < 40 * 60 + 1000, `the cursor keeps folders, not files (${cost.cursor.length} characters)`);
  });
});
