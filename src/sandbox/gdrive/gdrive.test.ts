import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGdriveEmulator, type GdriveEmulator } from './server.js';
import { driveCaller } from './test-client.js';

describe('Drive emulator: files, about and errors', () => {
  let emu: GdriveEmulator;
  let d: ReturnType<typeof driveCaller>;
  const q = (s: string) => encodeURIComponent(s);

  before(async () => {
    emu = await startGdriveEmulator({ quotaBytes: 1024 * 1024 });
    d = driveCaller(emu, 'alice');
  });
  after(() => emu.stop());

  it('answers 401 authError in Drive\'s error shape without a token or with a forged one', async () => {
    for (const res of [await d.call('GET', '/drive/v3/files', { auth: false }), await fetch(`${emu.url}/drive/v3/files`, { headers: { Authorization: 'Bearer forged' } })]) {
      assert.equal(res.status, 401);
      const { error } = await d.json(res);
      assert.equal(error.code, 401);
      assert.equal(typeof error.message, 'string');
      assert.equal(error.errors.length, 1);
      assert.deepEqual([error.errors[0].domain, error.errors[0].reason], ['global', 'authError']);
      assert.equal(typeof error.errors[0].message, 'string');
    }
  });

  it('reports md5, sha1 and sha256 in hex for binary files, int64 sizes as strings, and nothing for folders', async () => {
    const up = await d.upload('hello.txt', Buffer.from('hello'));
    assert.equal(up.status, 200);
    const f = await d.json(up);
    assert.equal(f.size, '5');
    assert.equal(f.md5Checksum, '5d41402abc4b2a76b9719d911017c592');
    assert.equal(f.sha1Checksum, 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d');
    assert.equal(f.sha256Checksum, '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    const folder = await d.mkdir('Invoices');
    const got = await d.json(await d.call('GET', `/drive/v3/files/${folder.id}?fields=id,size,md5Checksum,sha256Checksum,mimeType`));
    assert.deepEqual(Object.keys(got).sort(), ['id', 'mimeType']);
  });

  it('sends only the fields asked for, and kind,id,name,mimeType by default', async () => {
    const f = await d.json(await d.upload('fields.bin', Buffer.from('x')));
    assert.deepEqual(Object.keys(await d.json(await d.call('GET', `/drive/v3/files/${f.id}`))).sort(), ['id', 'kind', 'mimeType', 'name']);
    assert.deepEqual(await d.json(await d.call('GET', `/drive/v3/files/${f.id}?fields=size,md5Checksum`)), { size: '1', md5Checksum: '9dd4e461268c8034f5c8564e155c67a6' });
    assert.equal((await d.call('GET', `/drive/v3/files/${f.id}?fields=files(`)).status, 400);
  });

  it('allows duplicate names in one folder and matches name = case-insensitively', async () => {
    const parent = await d.mkdir('dupes');
    const a = await d.mkdir('Same', parent.id);
    const b = await d.mkdir('Same', parent.id);
    assert.notEqual(a.id, b.id);
    assert.ok(a.createdTime < b.createdTime, 'creation times order the two');
    const list = await d.json(await d.call('GET', `/drive/v3/files?q=${q(`'${parent.id}' in parents and name = 'same' and mimeType = 'application/vnd.google-apps.folder' and trashed = false`)}&fields=files(id,createdTime)`));
    assert.deepEqual(list.files.map((f: { id: string }) => f.id), [a.id, b.id]);
  });

  it('escapes quotes and backslashes in q literals and refuses what it does not know', async () => {
    const parent = await d.mkdir('quotes');
    const name = "O'Brien \\ Co.pdf";
    await d.upload(name, Buffer.from('1'), parent.id);
    const literal = name.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    const list = await d.json(await d.call('GET', `/drive/v3/files?q=${q(`'${parent.id}' in parents and name = '${literal}'`)}`));
    assert.deepEqual(list.files.map((f: { name: string }) => f.name), [name]);
    const bad = await d.call('GET', `/drive/v3/files?q=${q("fullText contains 'x'")}`);
    assert.equal(bad.status, 400);
    assert.equal((await d.json(bad)).error.errors[0].reason, 'invalid');
  });

  it('pages files.list with pageSize and nextPageToken until the token is absent', async () => {
    const parent = await d.mkdir('paged');
    for (let i = 0; i < 7; i++) await d.upload(`f${i}.txt`, Buffer.from(String(i)), parent.id);
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await d.json(await d.call('GET', `/drive/v3/files?q=${q(`'${parent.id}' in parents`)}&pageSize=3${token ? `&pageToken=${token}` : ''}&fields=nextPageToken,files(name)`));
      names.push(...page.files.map((f: { name: string }) => f.name));
      token = page.nextPageToken;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(names, ['f0.txt', 'f1.txt', 'f2.txt', 'f3.txt', 'f4.txt', 'f5.txt', 'f6.txt']);
    assert.equal((await d.call('GET', '/drive/v3/files?pageSize=1001')).status, 400);
  });

  it('downloads with alt=media and Range, and refuses to download a folder', async () => {
    const f = await d.json(await d.upload('r.bin', Buffer.from('0123456789')));
    const part = await d.call('GET', `/drive/v3/files/${f.id}?alt=media`, { headers: { Range: 'bytes=2-4' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), 'bytes 2-4/10');
    assert.equal(await part.text(), '234');
    assert.equal(await (await d.call('GET', `/drive/v3/files/${f.id}?alt=media`)).text(), '0123456789');
    assert.equal((await d.call('GET', `/drive/v3/files/${f.id}?alt=media`, { headers: { Range: 'bytes=10-' } })).status, 416);
    const folder = await d.mkdir('nodl');
    const refused = await d.call('GET', `/drive/v3/files/${folder.id}?alt=media`);
    assert.equal(refused.status, 403);
    assert.equal((await d.json(refused)).error.errors[0].reason, 'fileNotDownloadable');
  });

  it('replaces content in place (same id), and moves and renames with addParents/removeParents', async () => {
    const from = await d.mkdir('from'), to = await d.mkdir('to');
    const f = await d.json(await d.upload('a.txt', Buffer.from('one'), from.id));
    const updated = await d.json(await d.upload('a.txt', Buffer.from('two!'), 'root', f.id));
    assert.equal(updated.id, f.id);
    assert.equal(updated.size, '4');
    const direct = await d.call('PATCH', `/drive/v3/files/${f.id}`, { json: { parents: [to.id] } });
    assert.equal(direct.status, 403, 'parents are not writable directly');
    const moved = await d.json(await d.call('PATCH', `/drive/v3/files/${f.id}?addParents=${to.id}&removeParents=${from.id}&fields=id,name,parents`, { json: { name: 'b.txt' } }));
    assert.deepEqual(moved, { id: f.id, name: 'b.txt', parents: [to.id] });
    const second = await d.call('PATCH', `/drive/v3/files/${f.id}?addParents=${from.id}`, { json: {} });
    assert.equal(second.status, 403, 'a second parent is refused');
    assert.equal((await d.call('PATCH', `/drive/v3/files/${from.id}?addParents=${from.id}&removeParents=root`, { json: {} })).status, 400, 'not into itself');
  });

  it('trashes (still readable, out of trashed = false listings) and deletes (404 after)', async () => {
    const parent = await d.mkdir('bin');
    const f = await d.json(await d.upload('t.txt', Buffer.from('t'), parent.id));
    const trashed = await d.json(await d.call('PATCH', `/drive/v3/files/${f.id}?fields=trashed`, { json: { trashed: true } }));
    assert.equal(trashed.trashed, true);
    const live = await d.json(await d.call('GET', `/drive/v3/files?q=${q(`'${parent.id}' in parents and trashed = false`)}`));
    assert.deepEqual(live.files, []);
    assert.equal((await d.call('GET', `/drive/v3/files/${f.id}`)).status, 200);
    assert.equal((await d.call('DELETE', `/drive/v3/files/${parent.id}`)).status, 204);
    const gone = await d.call('GET', `/drive/v3/files/${f.id}`);
    assert.equal(gone.status, 404, 'deleting a folder deletes what is in it');
    assert.equal((await d.json(gone)).error.errors[0].reason, 'notFound');
  });

  it('reports the user and storageQuota as strings, requires fields, and refuses uploads past the limit', async () => {
    assert.equal((await d.call('GET', '/drive/v3/about')).status, 400);
    const about = await d.json(await d.call('GET', '/drive/v3/about?fields=user(displayName,emailAddress,permissionId),storageQuota'));
    assert.equal(about.user.emailAddress, 'alice@example.com');
    assert.ok(about.user.permissionId);
    assert.equal(about.storageQuota.limit, String(1024 * 1024));
    assert.equal(typeof about.storageQuota.usage, 'string');
    const full = await d.upload('big.bin', Buffer.alloc(1024 * 1024));
    assert.equal(full.status, 403);
    const err = (await d.json(full)).error;
    assert.deepEqual([err.code, err.errors[0].domain, err.errors[0].reason], [403, 'usageLimits', 'storageQuotaExceeded']);
  });

  it('injects Drive\'s throttling, 5xx, resets and expired tokens by rule', async () => {
    const reasons = async (res: Response) => [res.status, (await d.json(res)).error.errors[0].reason];
    emu.faults.set([{ fault: 'userRateLimit', times: 1 }]);
    assert.deepEqual(await reasons(await d.call('GET', '/drive/v3/files')), [403, 'userRateLimitExceeded']);
    emu.faults.set([{ fault: 'rateLimit', times: 1 }]);
    assert.deepEqual(await reasons(await d.call('GET', '/drive/v3/files')), [403, 'rateLimitExceeded']);
    emu.faults.set([{ fault: 'throttle', retryAfterSeconds: 3, times: 1 }]);
    const throttled = await d.call('GET', '/drive/v3/files');
    assert.equal(throttled.headers.get('retry-after'), '3');
    assert.deepEqual(await reasons(throttled), [429, 'rateLimitExceeded']);
    emu.faults.set([{ fault: 'error', status: 503, times: 1 }]);
    assert.deepEqual(await reasons(await d.call('GET', '/drive/v3/files')), [503, 'backendError']);
    emu.faults.set([{ fault: 'reset', times: 1 }]);
    await assert.rejects(d.upload('reset.bin', Buffer.alloc(200_000)));
    emu.faults.set([{ fault: 'expireToken', times: 1 }]);
    assert.deepEqual(await reasons(await d.call('GET', '/drive/v3/files')), [401, 'authError']);
    assert.equal((await d.call('GET', '/drive/v3/files')).status, 401, 'an expired token stays expired');
    d.refresh();
    assert.equal((await d.call('GET', '/drive/v3/files')).status, 200);
    emu.state.expireTokens('alice');
    assert.equal((await d.call('GET', '/drive/v3/files')).status, 401);
    d.refresh();
    emu.faults.clear();
  });
});
