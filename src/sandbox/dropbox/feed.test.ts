import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { dropboxContentHash } from '../../connectors/kit/dropbox-content-hash.js';
import { startDropboxEmulator, type DropboxEmulator } from './server.js';
import { rawClient } from './test-client.js';

describe('Dropbox emulator: upload sessions and list_folder cursors', () => {
  let emu: DropboxEmulator;
  let api: ReturnType<typeof rawClient>;
  let token: string;
  const put = (path: string, text: string) => api.content('files/upload', { path, mode: 'overwrite', autorename: false }, Buffer.from(text));
  const list = async (arg: Record<string, unknown>) => api.json(await api.rpc('files/list_folder', arg));
  const more = async (cursor: string) => api.answer(api.rpc('files/list_folder/continue', { cursor }));
  /** Every entry from a cursor on, following has_more (the cursor keeps its limit). */
  const all = async (cursor: string) => {
    const entries: any[] = [];
    for (let page = (await more(cursor)).body; ; page = (await more(page.cursor)).body) {
      entries.push(...page.entries);
      if (!page.has_more) return entries;
    }
  };

  before(async () => {
    emu = await startDropboxEmulator({ sessionLifetimeMs: 60_000 });
    token = emu.tokenFor('bob', { access: 'full' });
    api = rawClient(emu, () => token);
  });
  after(() => emu.stop());

  describe('upload sessions', () => {
    const start = async (data: Buffer, close = false) => (await api.json(await api.content('files/upload_session/start', { close }, data))).session_id as string;
    const append = (session_id: string, offset: number, data: Buffer, close = false) =>
      api.answer(api.content('files/upload_session/append_v2', { cursor: { session_id, offset }, close }, data));
    const finish = (session_id: string, offset: number, path: string, data = Buffer.alloc(0)) =>
      api.answer(api.content('files/upload_session/finish', { cursor: { session_id, offset }, commit: { path, mode: 'overwrite', autorename: false } }, data));

    it('takes data at the right offsets only, telling the correct one, then commits', async () => {
      const data = randomBytes(300_000);
      const id = await start(data.subarray(0, 100_000));
      assert.match(id, /^pid_upload_session:/);
      assert.deepEqual(await append(id, 100_000, data.subarray(100_000, 200_000)), { status: 200, body: null });
      // The same append again, as after a lost response: the service says where it stands.
      const again = await append(id, 100_000, data.subarray(100_000, 200_000));
      assert.equal(again.status, 409);
      assert.deepEqual(again.body.error, { '.tag': 'incorrect_offset', correct_offset: 200_000 });
      assert.match(again.body.error_summary, /^incorrect_offset\//);
      const early = await finish(id, 150_000, '/s/file.bin', data.subarray(200_000));
      assert.deepEqual(early.body.error, { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'incorrect_offset', correct_offset: 200_000 } });
      assert.equal((await append(id, 200_000, data.subarray(200_000), true)).status, 200);
      const closed = await append(id, 300_000, Buffer.from('x'));
      assert.equal(closed.body.error['.tag'], 'closed');
      const done = await finish(id, 300_000, '/s/file.bin');
      assert.equal(done.status, 200);
      assert.equal(done.body.size, 300_000);
      assert.equal(done.body.content_hash, dropboxContentHash(data));
      assert.equal((await append(id, 300_000, Buffer.alloc(0))).body.error['.tag'], 'not_found', 'a finished session is gone');
    });

    it('checks the content_hash of each request, and keeps a session whose commit conflicts', async () => {
      const bytes = Buffer.from('hello');
      const id = await start(Buffer.alloc(0));
      const wrong = await api.answer(api.content('files/upload_session/append_v2', { cursor: { session_id: id, offset: 0 }, content_hash: dropboxContentHash(Buffer.from('x')) }, bytes));
      assert.equal(wrong.body.error['.tag'], 'content_hash_mismatch');
      await api.rpc('files/create_folder_v2', { path: '/s/taken' });
      const conflict = await finish(id, 0, '/s/taken', bytes);
      assert.deepEqual(conflict.body.error, { '.tag': 'path', path: { '.tag': 'conflict', conflict: { '.tag': 'folder' } } });
      assert.equal((await finish(id, 0, '/s/free.txt', bytes)).status, 200);
    });

    it('lets sessions run out after their lifetime', async () => {
      const short = await startDropboxEmulator({ sessionLifetimeMs: 1 });
      try {
        const shortToken = short.tokenFor('bob');
        const raw = rawClient(short, () => shortToken);
        const id = (await raw.json(await raw.content('files/upload_session/start', {}, Buffer.from('abc')))).session_id;
        await new Promise((resolve) => setTimeout(resolve, 5));
        const late = await raw.answer(raw.content('files/upload_session/append_v2', { cursor: { session_id: id, offset: 3 } }, Buffer.from('d')));
        assert.deepEqual(late.body.error, { '.tag': 'not_found' });
      } finally {
        await short.stop();
      }
    });

    it('expires sessions: lookup_failed/not_found on finish', async () => {
      const id = await start(Buffer.from('abc'));
      emu.faults.set([{ fault: 'expireSession', times: 1 }]);
      const r = await finish(id, 3, '/s/late.txt');
      emu.faults.clear();
      assert.deepEqual(r.body.error, { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_found' } });
      assert.equal(emu.state.sessions.open.has(id), false);
    });
  });

  describe('list_folder cursors', () => {
    it('pages with limit, then reports changes, deletions (no id) and moves on continue', async () => {
      for (let i = 0; i < 5; i++) await put(`/feed/f${i}.txt`, String(i));
      await put('/feed/sub/deep.txt', 'deep');
      const seen: string[] = [];
      let page = await list({ path: '/feed', recursive: true, limit: 2 });
      let pages = 1;
      seen.push(...page.entries.map((e: any) => e.path_display));
      while (page.has_more) {
        page = (await more(page.cursor)).body;
        seen.push(...page.entries.map((e: any) => e.path_display));
        pages++;
      }
      assert.ok(pages >= 4);
      assert.deepEqual(seen.sort(), ['/feed/f0.txt', '/feed/f1.txt', '/feed/f2.txt', '/feed/f3.txt', '/feed/f4.txt', '/feed/sub', '/feed/sub/deep.txt']);
      const quiet = (await more(page.cursor)).body;
      assert.deepEqual([quiet.entries, quiet.has_more], [[], false], 'nothing changed, nothing reported');

      const moved = (await api.json(await api.rpc('files/move_v2', { from_path: '/feed/f0.txt', to_path: '/feed/sub/f0.txt' }))).metadata;
      await api.rpc('files/delete_v2', { path: '/feed/f1.txt' });
      await put('/feed/f2.txt', 'changed');
      const news = await all(page.cursor);
      assert.deepEqual(news.map((e: any) => [e['.tag'], e.path_display]), [
        ['deleted', '/feed/f0.txt'], ['file', '/feed/sub/f0.txt'], ['deleted', '/feed/f1.txt'], ['file', '/feed/f2.txt'],
      ]);
      assert.equal(news[0].id, undefined, 'deleted entries carry no id');
      assert.equal(news[1].id, moved.id, 'a move keeps the id');

      const latest = (await api.json(await api.rpc('files/list_folder/get_latest_cursor', { path: '/feed', recursive: true }))).cursor;
      await api.rpc('files/move_v2', { from_path: '/feed/f2.txt', to_path: '/feed/F2.TXT' });
      assert.deepEqual(await all(latest), [], 'a case-only rename is not reported');
      assert.equal((await api.json(await api.rpc('files/get_metadata', { path: '/feed/f2.txt' }))).name, 'F2.TXT');

      const flat = await list({ path: '/feed' });
      assert.ok(flat.entries.every((e: any) => !e.path_lower.startsWith('/feed/sub/')), 'not recursive: direct children only');
    });

    it('answers 409 reset once cursors are invalidated, and 400 for a cursor it did not make', async () => {
      const page = await list({ path: '/feed', recursive: true });
      emu.state.resetCursors('bob');
      const r = await more(page.cursor);
      assert.equal(r.status, 409);
      assert.deepEqual(r.body.error, { '.tag': 'reset' });
      assert.equal((await more('bm90IGEgY3Vyc29y')).status, 400);
      const latest = await api.json(await api.rpc('files/list_folder/get_latest_cursor', { path: '/feed', recursive: true }));
      await put('/feed/after.txt', 'new');
      assert.deepEqual((await more(latest.cursor)).body.entries.map((e: any) => e.name), ['after.txt']);
    });

    it('says path/not_found and not_folder', async () => {
      const missing = await api.answer(api.rpc('files/list_folder', { path: '/nope' }));
      assert.deepEqual(missing.body.error, { '.tag': 'path', path: { '.tag': 'not_found' } });
      const file = await api.answer(api.rpc('files/list_folder', { path: '/feed/f2.txt' }));
      assert.equal(file.body.error.path['.tag'], 'not_folder');
    });
  });
});

describe('Dropbox emulator: longpoll on the notify host', () => {
  let emu: DropboxEmulator;
  let api: ReturnType<typeof rawClient>;
  const poll = (cursor: string, timeout = 30) => fetch(`${emu.notifyUrl}/files/list_folder/longpoll`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ cursor, timeout }),
  });
  before(async () => {
    emu = await startDropboxEmulator({ longpollMaxMs: 300 });
    const token = emu.tokenFor('nina');
    api = rawClient(emu, () => token);
  });
  after(() => emu.stop());

  it('takes no token, says changes:true once a change lands, false when none did, reset when invalidated', async () => {
    await api.rpc('files/create_folder_v2', { path: '/Inbox' });
    const { cursor } = await api.json(await api.rpc('files/list_folder/get_latest_cursor', { path: '/Inbox', recursive: true }));
    assert.deepEqual(await (await poll(cursor)).json(), { changes: false });
    const waiting = poll(cursor);
    await api.content('files/upload', { path: '/Inbox/new.pdf' }, Buffer.from('x'));
    assert.deepEqual(await (await waiting).json(), { changes: true });
    assert.equal((await poll(cursor, 5)).status, 400, 'timeout is 30..480');
    emu.state.resetCursors('nina');
    const reset = await poll(cursor);
    assert.equal(reset.status, 409);
    assert.equal(((await reset.json()) as any).error['.tag'], 'reset');
    assert.equal((await api.rpc('files/list_folder/longpoll', { cursor })).status, 400, 'not on the api host');
  });
});
