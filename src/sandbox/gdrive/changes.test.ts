import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGdriveEmulator, type GdriveEmulator } from './server.js';
import { driveCaller } from './test-client.js';

describe('Drive emulator: changes feed', () => {
  let emu: GdriveEmulator;
  let d: ReturnType<typeof driveCaller>;
  /** Follows nextPageToken to the end; returns every change, the page count and newStartPageToken. */
  const drain = async (token: string) => {
    const changes: any[] = [];
    let pages = 0;
    for (let next: string | undefined = token; ;) {
      const page = await d.json(await d.call('GET', `/drive/v3/changes?pageToken=${next}&pageSize=2&fields=nextPageToken,newStartPageToken,changes(removed,fileId,file(name,trashed,parents,md5Checksum))`));
      pages++;
      changes.push(...page.changes);
      if (page.newStartPageToken) {
        assert.equal(page.nextPageToken, undefined, 'either nextPageToken or newStartPageToken');
        return { changes, pages, newStart: page.newStartPageToken as string };
      }
      assert.ok(page.nextPageToken);
      next = page.nextPageToken;
    }
  };

  before(async () => {
    emu = await startGdriveEmulator();
    d = driveCaller(emu, 'dora');
  });
  after(() => emu.stop());

  it('lists changes since the start token in pages, each file once in its final state', async () => {
    const start = (await d.json(await d.call('GET', '/drive/v3/changes/startPageToken'))).startPageToken;
    const folder = await d.mkdir('In');
    const a = await d.json(await d.upload('a.pdf', Buffer.from('a'), folder.id));
    await d.json(await d.upload('b.pdf', Buffer.from('b'), folder.id));
    await d.upload('a.pdf', Buffer.from('a2'), 'root', a.id);
    const round = await drain(start);
    assert.ok(round.pages >= 2);
    assert.deepEqual(round.changes.map((c) => c.file.name), ['In', 'b.pdf', 'a.pdf'], 'a.pdf once, after its update');
    assert.ok(round.changes.every((c) => c.removed === false));
    assert.equal(round.changes[2].file.md5Checksum, '693a9fdd4c2fd0700968fba0d07ff3c0', 'the md5 of the new content');
    const quiet = await drain(round.newStart);
    assert.deepEqual(quiet.changes, [], 'nothing new since');
    assert.equal(quiet.newStart, round.newStart);
  });

  it('reports trashing as file.trashed and permanent deletion as removed without a file', async () => {
    const base = await d.mkdir('Feed');
    const t = await d.json(await d.upload('t.pdf', Buffer.from('t'), base.id));
    const r = await d.json(await d.upload('r.pdf', Buffer.from('r'), base.id));
    const from = (await d.json(await d.call('GET', '/drive/v3/changes/startPageToken'))).startPageToken;
    await d.call('PATCH', `/drive/v3/files/${t.id}`, { json: { trashed: true } });
    await d.call('DELETE', `/drive/v3/files/${r.id}`);
    const { changes } = await drain(from);
    assert.deepEqual(changes, [
      { removed: false, fileId: t.id, file: { name: 't.pdf', trashed: true, parents: [base.id], md5Checksum: 'e358efa489f58062f10dd7316b65649e' } },
      { removed: true, fileId: r.id },
    ]);
    const withoutRemoved = await d.json(await d.call('GET', `/drive/v3/changes?pageToken=${from}&includeRemoved=false&fields=changes(fileId)`));
    assert.deepEqual(withoutRemoved.changes, [{ fileId: t.id }]);
  });

  it('refuses page tokens it expired, and takes new ones', async () => {
    const old = (await d.json(await d.call('GET', '/drive/v3/changes/startPageToken'))).startPageToken;
    emu.state.expireChangeTokens('dora');
    const res = await d.call('GET', `/drive/v3/changes?pageToken=${old}`);
    assert.equal(res.status, 400);
    assert.equal((await d.json(res)).error.errors[0].location, 'pageToken');
    const fresh = (await d.json(await d.call('GET', '/drive/v3/changes/startPageToken'))).startPageToken;
    await d.mkdir('After');
    assert.deepEqual((await drain(fresh)).changes.map((c) => c.file.name), ['After']);
  });

  it('refuses a missing or unknown page token with 400', async () => {
    assert.equal((await d.call('GET', '/drive/v3/changes')).status, 400);
    const res = await d.call('GET', '/drive/v3/changes?pageToken=99999999');
    assert.equal(res.status, 400);
    assert.equal((await d.json(res)).error.errors[0].location, 'pageToken');
  });
});
