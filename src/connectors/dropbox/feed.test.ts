import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDropboxEmulator, type DropboxEmulator } from '../../sandbox/dropbox/server.js';
import { deletesOf, drainFeed, feedCost, upsertPaths } from '../conformance/change-feed.js';
import { body, rejectsKind } from '../conformance/helpers.js';
import { DropboxConnector } from './connector.js';


describe('Dropbox change feed edges', () => {
  let emu: DropboxEmulator;
  let c: DropboxConnector;
  const connector = (feedPageSize?: number) => new DropboxConnector({
    apiUrl: emu.url, contentUrl: emu.contentUrl, root: 'R', tokens: emu.tokenSource('dana', { access: 'full' }), feedPageSize,
  });
  const put = (path: string, text = path) => c.write(path, body(Buffer.from(text)), { size: Buffer.byteLength(text) });

  before(async () => {
    emu = await startDropboxEmulator();
    c = connector(2);
  });
  after(async () => { await c.close(); await emu.stop(); });

  it('starts over with reset: true, saying deletions too, when Dropbox resets the cursor', async () => {
    for (const p of ['rs/a.pdf', 'rs/s/b.pdf', 'rs/old.pdf']) await put(p);
    const first = await drainFeed(c, 'rs', null);
    emu.state.resetCursors('dana');
    await c.remove('rs/old.pdf');
    const again = await drainFeed(c, 'rs', first.cursor);
    assert.equal(again.pages[0]!.page.reset, true);
    assert.ok(again.pages.slice(1).every((p) => !p.page.reset));
    assert.deepEqual(upsertPaths(again.changes), ['a.pdf', 's/b.pdf']);
    assert.ok(deletesOf(again.changes).some((d) => d.path === 'old.pdf'), 'include_deleted on a reset: what went away is said');
  });

  it('names deletes by lower-cased path, a deleted folder once, and a move as a delete plus an upsert with the same id', async () => {
    await put('dl/Sub/One.pdf');
    await put('dl/Sub/two.pdf');
    const moving = await put('dl/Move Me.pdf');
    const first = await drainFeed(c, 'dl', null);
    await c.rmdir('dl/Sub');
    await c.move('dl/Move Me.pdf', 'dl/moved/Move Me.pdf');
    const { changes } = await drainFeed(c, 'dl', first.cursor);
    assert.deepEqual(deletesOf(changes), [
      { type: 'delete', id: 'sub', path: 'Sub' },
      { type: 'delete', id: 'move me.pdf', path: 'Move Me.pdf' },
    ]);
    const up = changes.find((ch) => ch.type === 'upsert');
    assert.deepEqual(up?.type === 'upsert' && [up.entry.path, up.entry.id], ['moved/Move Me.pdf', moving.id]);
  });

  it('says not_found once the folder itself is gone', async () => {
    await put('vanish/a.pdf');
    const first = await drainFeed(c, 'vanish', null);
    await c.rmdir('vanish');
    await rejectsKind(c.changes('vanish', first.cursor), 'not_found');
    await rejectsKind(c.changes('never-was', null), 'not_found');
  });

  it('reads 50 changes in a 2,000-file tree in requests proportional to the pages of changes, not to the tree', async () => {
    const big = connector(500);
    const ns = emu.state.namespace('dana');
    const commit = { mode: { tag: 'overwrite' as const }, autorename: false, strictConflict: false };
    for (let f = 0; f < 40; f++) for (let i = 0; i < 50; i++) ns.commit(ns.root, ['R', 'big', `f${f}`, `doc${i}.pdf`], Buffer.from(`${f}/${i}`), commit);
    const cost = await feedCost(big, 'big', () => emu.state.requests.length, () => {
      for (let i = 0; i < 50; i++) ns.commit(ns.root, ['R', 'big', `f${i % 40}`, `doc${i}.pdf`], Buffer.from('changed'), commit);
    });
    assert.ok(cost.enumeration >= 4, `the first enumeration pages through the tree (${cost.enumeration} requests)`);
    assert.equal(cost.changes.length, 50);
    assert.equal(cost.incremental, 1, 'one page of changes, one request');
  });
});
