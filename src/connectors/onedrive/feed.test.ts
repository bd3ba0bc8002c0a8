import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGraphEmulator, type GraphEmulator } from '../../sandbox/graph/server.js';
import { defineChangeFeedSuite, deletesOf, drainFeed, feedCost, upsertPaths } from '../conformance/change-feed.js';
import { body } from '../conformance/helpers.js';
import { OneDriveConnector } from './connector.js';

// OneDrive Personal serves folder delta: the feed reads items/{id}/delta instead of filtering root delta.
const personal = await startGraphEmulator({ driveType: 'personal' });
defineChangeFeedSuite('onedrive personal', {
  create: async () => new OneDriveConnector({ baseUrl: personal.url, location: 'drive', root: 'Boekhouding', tokens: personal.tokenSource('paul'), feedPageSize: 3 }),
  cleanup: () => personal.stop(),
  feedPageSize: 3,
});


for (const driveType of ['business', 'personal'] as const) {
  describe(`OneDrive change feed edges (${driveType})`, () => {
    let emu: GraphEmulator;
    let c: OneDriveConnector;
    const put = (path: string, text = path) => c.write(path, body(Buffer.from(text)), { size: Buffer.byteLength(text) });

    before(async () => {
      emu = await startGraphEmulator({ driveType });
      c = new OneDriveConnector({ baseUrl: emu.url, location: 'drive', root: 'R', tokens: emu.tokenSource('una'), feedPageSize: 2 });
    });
    after(async () => { await c.close(); await emu.stop(); });

    it('answers a 410 resync with reset: true and a full enumeration', async () => {
      for (const p of ['in/a.pdf', 'in/s/b.pdf', 'in/s/c.pdf']) await put(p);
      const first = await drainFeed(c, 'in', null);
      emu.state.invalidateDelta('una');
      await put('in/d.pdf');
      const again = await drainFeed(c, 'in', first.cursor);
      assert.equal(again.pages[0]!.page.reset, true);
      assert.ok(again.pages.slice(1).every((p) => !p.page.reset), 'only the first page says reset');
      assert.deepEqual(upsertPaths(again.changes), ['a.pdf', 'd.pdf', 's/b.pdf', 's/c.pdf']);
      assert.ok(emu.state.requests.some((r) => r.status === 410), 'Graph really said 410');
    });

    it('turns deletions into deletes by id, with the path where the folder is known, the name or not', async () => {
      const gone = await put('del/x.pdf');
      await put('del/sub/y.pdf');
      const first = await drainFeed(c, 'del', null);
      await c.remove('del/x.pdf');
      await c.rmdir('del/sub');
      const { changes } = await drainFeed(c, 'del', first.cursor);
      const deletes = deletesOf(changes);
      const file = deletes.find((d) => d.id === gone.id)!;
      // Business sends no name for a deleted item, so the path of a deleted file is unknown there.
      assert.equal(file.path, driveType === 'business' ? undefined : 'x.pdf');
      assert.ok(deletes.some((d) => d.path === 'sub'), 'the folder, with its path');
      assert.deepEqual(upsertPaths(changes), []);
    });

    it('reads 50 changes in a 2,000-file tree in requests proportional to the pages of changes, not to the tree', async () => {
      const big = new OneDriveConnector({ baseUrl: emu.url, location: 'drive', root: 'R', tokens: emu.tokenSource('una') });
      await big.mkdir('big');
      const drive = emu.state.drive('una');
      const root = drive.resolve(drive.get(drive.rootId), ['R', 'big']);
      const files: Array<ReturnType<typeof drive.get>> = [];
      for (let f = 0; f < 40; f++) {
        const dir = drive.createFolder(root, `f${f}`, 'fail');
        for (let i = 0; i < 50; i++) files.push(drive.putFile(dir, `doc${i}.pdf`, Buffer.from(`${f}/${i}`), 'fail').item);
      }
      const cost = await feedCost(big, 'big', () => emu.state.requests.length, () => {
        for (const item of files.slice(0, 50)) drive.putFile(drive.get(item.parentId!), item.name, Buffer.from('changed'), 'replace');
      });
      assert.ok(cost.enumeration >= 3, `the first enumeration reads the tree (${cost.enumeration} requests)`);
      assert.equal(cost.changes.length, 50);
      assert.ok(cost.incremental <= 2, `50 changes in one page of 1000 cost ${cost.incremental} requests`);
      assert.ok(cost.cursor.length < 40 * 60 + 1000, `the cursor keeps folders, not files (${cost.cursor.length} characters)`);
    });
  });
}
