import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { dropboxContentHash } from '../../connectors/kit/dropbox-content-hash.js';
import { startDropboxEmulator, type DropboxEmulator } from './server.js';
import { rawClient } from './test-client.js';

describe('Dropbox emulator: routes, errors and names', () => {
  let emu: DropboxEmulator;
  let token: string;
  let api: ReturnType<typeof rawClient>;
  const upload = (path: string, data: Buffer, extra: Record<string, unknown> = {}) =>
    api.answer(api.content('files/upload', { path, mode: 'add', autorename: false, ...extra }, data));

  before(async () => {
    emu = await startDropboxEmulator({ quotaBytes: 10 * 1024 * 1024, maxRequestBytes: 1024 * 1024 });
    token = emu.tokenFor('alice');
    api = rawClient(emu, () => token);
  });
  after(() => emu.stop());

  it('answers 400 in plain text without a token, and 401 AuthError JSON for a forged or expired one', async () => {
    const none = await fetch(`${emu.url}/users/get_current_account`, { method: 'POST' });
    assert.equal(none.status, 400);
    assert.match(await none.text(), /Authorization/);
    const forged = await api.answer(await api.rpc('users/get_current_account', undefined, { Authorization: 'Bearer sl.forged' }));
    assert.deepEqual([forged.status, forged.body.error['.tag']], [401, 'invalid_access_token']);
    assert.match(forged.body.error_summary, /^invalid_access_token\//);
    const other = emu.tokenFor('zoe');
    emu.state.expireTokens('zoe');
    const expired = await api.answer(await api.rpc('users/get_current_account', undefined, { Authorization: `Bearer ${other}` }));
    assert.deepEqual([expired.status, expired.body.error['.tag']], [401, 'expired_access_token']);
  });

  it('keeps RPC routes on the api host and content routes on the content host', async () => {
    const wrong = await fetch(`${emu.contentUrl}/files/get_metadata`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{"path":"/x"}' });
    assert.equal(wrong.status, 400);
    const text = await api.answer(await api.rpc('files/get_metadata', { path: 'no-slash' }));
    assert.equal(text.status, 400, 'a path without a leading slash does not match the pattern');
    assert.equal(typeof text.body, 'string');
  });

  it('creates folders with parents, and says path/conflict/folder in the Dropbox shape', async () => {
    const made = await api.answer(await api.rpc('files/create_folder_v2', { path: '/Invoices/2024', autorename: false }));
    assert.equal(made.status, 200);
    assert.equal(made.body.metadata['.tag'], 'folder');
    assert.equal(made.body.metadata.path_display, '/Invoices/2024');
    const clash = await api.answer(await api.rpc('files/create_folder_v2', { path: '/INVOICES/2024', autorename: false }));
    assert.equal(clash.status, 409);
    assert.deepEqual(clash.body.error, { '.tag': 'path', path: { '.tag': 'conflict', conflict: { '.tag': 'folder' } } });
    assert.match(clash.body.error_summary, /^path\/conflict\/folder\/\.+$/);
    await upload('/Invoices/a.pdf', Buffer.from('a'));
    const ancestor = await api.answer(await api.rpc('files/create_folder_v2', { path: '/Invoices/a.pdf/sub' }));
    assert.equal(ancestor.body.error.path.conflict['.tag'], 'file_ancestor');
  });

  it('compares names case-insensitively but keeps their case', async () => {
    const first = await upload('/Case/Report.PDF', Buffer.from('one'));
    assert.equal(first.body.path_lower, '/case/report.pdf');
    assert.equal(first.body.name, 'Report.PDF');
    const again = await upload('/case/report.pdf', Buffer.from('two'));
    assert.deepEqual([again.status, again.body.error.reason.conflict['.tag']], [409, 'file']);
    assert.equal(again.body.error['.tag'], 'path');
    const got = await api.answer(await api.rpc('files/get_metadata', { path: '/CASE/REPORT.pdf' }));
    assert.equal(got.body.id, first.body.id);
  });

  it('refuses malformed and disallowed names', async () => {
    for (const name of ['back\\slash.pdf', 'trailing .pdf ', 'del\u007f.pdf', 'x'.repeat(256)]) {
      const r = await upload(`/names/${name}`, Buffer.from('x'));
      assert.deepEqual([r.status, r.body.error.reason['.tag']], [409, 'malformed_path'], JSON.stringify(name));
    }
    for (const name of ['desktop.ini', 'Thumbs.db', '.DS_Store', '.dropbox']) {
      const r = await upload(`/names/${name}`, Buffer.from('x'));
      assert.deepEqual([r.status, r.body.error.reason['.tag']], [409, 'disallowed_name'], name);
    }
    assert.equal((await upload('/names/😀'.padEnd(130, '😀'), Buffer.from('x'))).status, 409, 'symbols outside the BMP count twice');
  });

  it('applies write modes: add conflicts, overwrite replaces, update by rev, identical bytes are no write', async () => {
    const a = (await upload('/modes/f.txt', Buffer.from('v1'))).body;
    const same = await upload('/modes/f.txt', Buffer.from('v1'));
    assert.equal(same.status, 200, 'identical content is no conflict');
    assert.equal(same.body.rev, a.rev, 'and writes nothing');
    assert.equal((await upload('/modes/f.txt', Buffer.from('v1'), { strict_conflict: true })).status, 409);
    const renamed = await upload('/modes/f.txt', Buffer.from('v2'), { autorename: true });
    assert.equal(renamed.body.name, 'f (2).txt');
    const over = await upload('/modes/f.txt', Buffer.from('v3'), { mode: 'overwrite' });
    assert.equal(over.body.id, a.id, 'an overwrite keeps the id');
    assert.notEqual(over.body.rev, a.rev);
    assert.equal(over.body.content_hash, dropboxContentHash(Buffer.from('v3')));
    const stale = await upload('/modes/f.txt', Buffer.from('v4'), { mode: { '.tag': 'update', update: a.rev } });
    assert.equal(stale.status, 409);
    const fresh = await upload('/modes/f.txt', Buffer.from('v4'), { mode: { '.tag': 'update', update: over.body.rev } });
    assert.equal(fresh.status, 200);
    const folder = await upload('/modes', Buffer.from('x'), { mode: 'overwrite' });
    assert.equal(folder.body.error.reason.conflict['.tag'], 'folder', 'a folder is always a conflict');
  });

  it('checks content_hash, the per-request size limit and the quota', async () => {
    const bad = await upload('/limits/h.bin', Buffer.from('abc'), { content_hash: dropboxContentHash(Buffer.from('abd')) });
    assert.deepEqual([bad.status, bad.body.error['.tag']], [409, 'content_hash_mismatch']);
    const big = await upload('/limits/big.bin', Buffer.alloc(1024 * 1024 + 1));
    assert.deepEqual([big.status, big.body.error['.tag']], [409, 'payload_too_large']);
    const plain = await api.answer(await api.content('files/upload', { path: '/limits/ct.bin' }, Buffer.from('x'), { 'Content-Type': 'text/plain' }));
    assert.equal(plain.status, 400);
    for (let i = 0; i < 10; i++) await upload(`/limits/fill${i}.bin`, randomBytes(1000 * 1000));
    const full = await upload('/limits/over.bin', randomBytes(900 * 1000));
    assert.deepEqual([full.status, full.body.error.reason['.tag']], [409, 'insufficient_space']);
    const usage = await api.json(await api.rpc('users/get_space_usage'));
    assert.equal(usage.allocation['.tag'], 'individual');
    assert.equal(usage.allocation.allocated, 10 * 1024 * 1024);
    assert.ok(usage.used > 10 * 1000 * 1000 && usage.used <= usage.allocation.allocated);
    for (let i = 0; i < 10; i++) await api.rpc('files/delete_v2', { path: `/limits/fill${i}.bin` });
  });

  it('downloads with Range and the metadata in an ASCII Dropbox-API-Result header', async () => {
    const data = Buffer.from('0123456789');
    await upload('/dl/Café ü.txt', data);
    const res = await api.content('files/download', { path: '/dl/café Ü.txt' });
    assert.equal(res.status, 200);
    const header = res.headers.get('dropbox-api-result')!;
    assert.match(header, /Caf\\u00e9 \\u00fc/, 'non-ASCII is \\u-escaped');
    assert.equal(JSON.parse(header).size, 10);
    assert.equal(await res.text(), '0123456789');
    const part = await api.content('files/download', { path: '/dl/Café ü.txt' }, undefined, { Range: 'bytes=2-4' });
    assert.deepEqual([part.status, await part.text()], [206, '234']);
    assert.equal((await api.content('files/download', { path: '/dl/Café ü.txt' }, undefined, { Range: 'bytes=10-' })).status, 416);
    const raw = await fetch(`${emu.contentUrl}/files/download`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Dropbox-API-Arg': Buffer.from('{"path":"/dl/Café ü.txt"}').toString('latin1') } });
    assert.equal(raw.status, 400, 'an unescaped header is refused');
    const folder = await api.answer(await api.content('files/download', { path: '/dl' }));
    assert.equal(folder.body.error.path['.tag'], 'not_file');
  });

  it('moves keeping the id, refuses to overwrite, and deletes', async () => {
    const a = (await upload('/mv/a.txt', Buffer.from('a'))).body;
    await upload('/mv/b.txt', Buffer.from('b'));
    const clash = await api.answer(await api.rpc('files/move_v2', { from_path: '/mv/a.txt', to_path: '/mv/B.txt' }));
    assert.deepEqual([clash.status, clash.body.error['.tag'], clash.body.error.to.conflict['.tag']], [409, 'to', 'file']);
    const moved = await api.answer(await api.rpc('files/move_v2', { from_path: '/mv/a.txt', to_path: '/mv/deep/er/a2.txt' }));
    assert.equal(moved.body.metadata.id, a.id);
    const missing = await api.answer(await api.rpc('files/move_v2', { from_path: '/mv/a.txt', to_path: '/mv/x.txt' }));
    assert.equal(missing.body.error.from_lookup['.tag'], 'not_found');
    const into = await api.answer(await api.rpc('files/move_v2', { from_path: '/mv', to_path: '/mv/deep/mv' }));
    assert.equal(into.body.error['.tag'], 'cant_move_folder_into_itself');
    const del = await api.answer(await api.rpc('files/delete_v2', { path: '/mv/deep' }));
    assert.equal(del.body.metadata['.tag'], 'folder');
    const gone = await api.answer(await api.rpc('files/delete_v2', { path: '/mv/deep' }));
    assert.deepEqual(gone.body.error, { '.tag': 'path_lookup', path_lookup: { '.tag': 'not_found' } });
    const byId = await api.answer(await api.rpc('files/get_metadata', { path: a.id }));
    assert.equal(byId.body.error.path['.tag'], 'not_found');
  });

  it('confines app-folder tokens to Apps/{app}; full-Dropbox tokens see it there', async () => {
    await upload('/app.txt', Buffer.from('in the app folder'));
    const full = rawClient(emu, () => emu.tokenFor('alice', { access: 'full' }));
    const seen = await full.answer(await full.rpc('files/get_metadata', { path: '/Apps/Dossier/app.txt' }));
    assert.equal(seen.body.path_display, '/Apps/Dossier/app.txt');
    const outside = (await full.answer(await full.content('files/upload', { path: '/outside.txt' }, Buffer.from('x')))).body;
    assert.equal((await api.answer(await api.rpc('files/get_metadata', { path: outside.id }))).status, 409, 'an id outside the app folder stays hidden');
    const account = await api.json(await api.rpc('users/get_current_account'));
    assert.match(account.account_id, /^dbid:/);
    assert.equal(account.email, 'alice@example.com');
  });

  it('answers injected throttling with Retry-After and error.retry_after', async () => {
    emu.faults.set([{ fault: 'throttle', retryAfterSeconds: 15, times: 2 }]);
    const read = await api.answer(await api.rpc('files/get_metadata', { path: '/app.txt' }));
    assert.equal(read.status, 429);
    assert.deepEqual(read.body.error, { reason: { '.tag': 'too_many_requests' }, retry_after: 15 });
    const write = await api.content('files/upload', { path: '/t.txt' }, Buffer.from('x'));
    assert.equal(write.headers.get('retry-after'), '15');
    assert.equal((await api.json(write)).error.reason['.tag'], 'too_many_write_operations');
    emu.faults.set([{ fault: 'error', status: 409, times: 1 }]);
    const contended = await upload('/c.txt', Buffer.from('x'));
    assert.equal(contended.body.error.reason['.tag'], 'too_many_write_operations', 'namespace contention as a route error');
    emu.faults.set([{ fault: 'quotaFull', times: 1 }]);
    assert.equal((await upload('/q.txt', Buffer.from('x'))).body.error.reason['.tag'], 'insufficient_space');
    emu.faults.clear();
  });
});
