import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGraphEmulator, type GraphEmulator } from './server.js';

const KIB320 = 327_680;

describe('Graph emulator', () => {
  let emu: GraphEmulator;
  let token: string;
  let driveId: string;
  const call = (method: string, path: string, init: { json?: unknown; body?: Uint8Array; headers?: Record<string, string>; auth?: boolean } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.auth !== false) headers.Authorization = `Bearer ${token}`;
    if (init.json !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path.startsWith('http') ? path : emu.url + path, {
      method, headers, redirect: 'manual', body: init.json !== undefined ? JSON.stringify(init.json) : (init.body as BodyInit | undefined),
    });
  };
  const json = async (res: Response) => (await res.json()) as Record<string, any>;
  const mkdir = (parent: string, name: string, behavior = 'fail') =>
    call('POST', `/drives/${driveId}/items/${parent}/children`, { json: { name, folder: {}, '@microsoft.graph.conflictBehavior': behavior } });

  before(async () => {
    emu = await startGraphEmulator();
    token = emu.tokenFor('alice');
    driveId = (await json(await call('GET', '/me/drive'))).id;
  });
  after(() => emu.stop());

  it('answers 401 without a token or with one it did not issue, in the Graph error shape', async () => {
    for (const auth of [false, true]) {
      const res = auth ? await fetch(`${emu.url}/me/drive`, { headers: { Authorization: 'Bearer forged' } }) : await call('GET', '/me/drive', { auth: false });
      assert.equal(res.status, 401);
      const body = await json(res);
      assert.deepEqual(Object.keys(body.error).sort(), ['code', 'innerError', 'message']);
      assert.deepEqual(Object.keys(body.error.innerError).sort(), ['code', 'date', 'request-id']);
    }
  });

  it('reports the drive and its quota', async () => {
    const d = await json(await call('GET', `/drives/${driveId}`));
    assert.equal(d.driveType, 'business');
    assert.equal(d.quota.state, 'normal');
    assert.equal(d.quota.total, d.quota.used + d.quota.remaining);
  });

  it('counts the space files take as they are stored, replaced and deleted with their folder', async () => {
    const used = async () => (await json(await call('GET', `/drives/${driveId}`))).quota.used as number;
    const before = await used();
    const folder = await json(await mkdir('root', 'Space'));
    await call('PUT', `/drives/${driveId}/items/${folder.id}:/a.bin:/content`, { body: Buffer.alloc(1000) });
    await call('PUT', `/drives/${driveId}/items/${folder.id}:/b.bin:/content`, { body: Buffer.alloc(300) });
    assert.equal(await used(), before + 1300);
    await call('PUT', `/drives/${driveId}/items/${folder.id}:/a.bin:/content`, { body: Buffer.alloc(400) });
    assert.equal(await used(), before + 700, 'a replaced file counts with its new size');
    assert.equal((await call('DELETE', `/drives/${driveId}/items/${folder.id}`)).status, 204);
    assert.equal(await used(), before, 'a deleted folder frees what was in it');
  });

  it('creates folders with fail, rename and replace, names compared case-insensitively', async () => {
    assert.equal((await mkdir('root', 'Invoices')).status, 201);
    const clash = await mkdir('root', 'INVOICES');
    assert.equal(clash.status, 409);
    assert.equal((await json(clash)).error.code, 'nameAlreadyExists');
    assert.equal((await json(await mkdir('root', 'invoices', 'rename'))).name, 'invoices 1');
    const replaced = await mkdir('root', 'Invoices 1', 'replace');
    assert.equal(replaced.status, 201);
  });

  it('refuses forbidden names with invalidRequest / nameContainsInvalidCharacters', async () => {
    for (const name of ['a:b', 'CON.txt', 'trailing.', ' lead', '~$x', 'a_vti_b', 'desktop.ini', 'tab\tname', '~business']) {
      const res = await mkdir('root', name);
      assert.equal(res.status, 400, name);
      const body = await json(res);
      assert.equal(body.error.code, 'invalidRequest');
      assert.equal(body.error.innerError.code, 'nameContainsInvalidCharacters');
    }
  });

  it('addresses items by path with per-segment decoding, and by id with a relative path', async () => {
    const folder = await json(await mkdir('root', 'a #%b'));
    const put = await call('PUT', `/drives/${driveId}/items/${folder.id}:/${encodeURIComponent('x y#1.pdf')}:/content`, { body: Buffer.from('hello') });
    assert.equal(put.status, 201);
    const item = await json(put);
    assert.equal(item.file.hashes.quickXorHash.length, 28);
    const byPath = await json(await call('GET', `/drives/${driveId}/root:/${encodeURIComponent('a #%b')}/${encodeURIComponent('X Y#1.PDF')}:`));
    assert.equal(byPath.id, item.id);
    assert.equal(byPath.parentReference.id, folder.id);
    assert.equal((await call('GET', `/drives/${driveId}/root:/nope/x.pdf:`)).status, 404);
    const kids = await json(await call('GET', `/drives/${driveId}/root:/${encodeURIComponent('a #%b')}:/children`));
    assert.deepEqual(kids.value.map((v: { name: string }) => v.name), ['x y#1.pdf']);
  });

  it('pages children with $top and @odata.nextLink', async () => {
    const f = await json(await mkdir('root', 'many'));
    for (let i = 0; i < 7; i++) await call('PUT', `/drives/${driveId}/items/${f.id}:/f${i}.txt:/content`, { body: Buffer.from(String(i)) });
    const names: string[] = [];
    let next: string | undefined = `/drives/${driveId}/items/${f.id}/children?$top=3`;
    let pages = 0;
    while (next) {
      const page = await json(await call('GET', next));
      names.push(...page.value.map((v: { name: string }) => v.name));
      next = page['@odata.nextLink'];
      pages++;
    }
    assert.equal(pages, 3);
    assert.deepEqual(names, ['f0.txt', 'f1.txt', 'f2.txt', 'f3.txt', 'f4.txt', 'f5.txt', 'f6.txt']);
  });

  it('redirects /content to a pre-authenticated URL that serves ranges and refuses a token', async () => {
    await call('PUT', `/drives/${driveId}/root:/r.bin:/content`, { body: Buffer.from('0123456789') });
    const res = await call('GET', `/drives/${driveId}/root:/r.bin:/content`);
    assert.equal(res.status, 302);
    const location = res.headers.get('location')!;
    const part = await fetch(location, { headers: { Range: 'bytes=2-4' } });
    assert.equal(part.status, 206);
    assert.equal(await part.text(), '234');
    assert.equal((await fetch(location, { headers: { Range: 'bytes=10-' } })).status, 416);
    assert.equal((await fetch(location, { headers: { Authorization: `Bearer ${token}` } })).status, 401);
  });

  it('moves and renames by PATCH, failing on a conflict unless told to replace', async () => {
    const dst = await json(await mkdir('root', 'moved'));
    const a = await json(await call('PUT', `/drives/${driveId}/root:/m1.txt:/content`, { body: Buffer.from('1') }));
    await call('PUT', `/drives/${driveId}/items/${dst.id}:/m2.txt:/content`, { body: Buffer.from('2') });
    const clash = await call('PATCH', `/drives/${driveId}/items/${a.id}`, { json: { parentReference: { id: dst.id }, name: 'M2.txt' } });
    assert.equal(clash.status, 409);
    const ok = await call('PATCH', `/drives/${driveId}/items/${a.id}?@microsoft.graph.conflictBehavior=replace`, { json: { parentReference: { id: dst.id }, name: 'm2.txt' } });
    assert.equal(ok.status, 200);
    assert.equal((await json(ok)).id, a.id, 'ids survive a move');
    assert.equal((await call('DELETE', `/drives/${driveId}/items/${a.id}`)).status, 204);
    assert.equal((await call('GET', `/drives/${driveId}/items/${a.id}`)).status, 404);
  });

  describe('upload sessions', () => {
    const open = async (name: string, item: Record<string, unknown> = {}) => {
      const res = await call('POST', `/drives/${driveId}/items/root:/${name}:/createUploadSession`, { json: { item: { '@microsoft.graph.conflictBehavior': 'replace', ...item } } });
      return { res, body: await json(res) };
    };
    const put = (url: string, start: number, data: Buffer, total: number, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'PUT', body: data as unknown as BodyInit, headers: { 'Content-Range': `bytes ${start}-${start + data.length - 1}/${total}`, ...headers } });

    it('takes 320 KiB fragments in order with a constant total, then commits', async () => {
      const { res, body } = await open('s1.bin');
      assert.equal(res.status, 200);
      assert.deepEqual(body.nextExpectedRanges, ['0-']);
      const data = Buffer.alloc(KIB320 * 2 + 10, 7);
      const codes = async (r: Response) => [r.status, (await json(r)).error?.innerError?.code];
      assert.deepEqual(await codes(await put(body.uploadUrl, 0, data.subarray(0, 1000), data.length)), [400, 'invalidRange'], 'not a multiple of 320 KiB');
      assert.deepEqual(await codes(await put(body.uploadUrl, KIB320, data.subarray(KIB320, 2 * KIB320), data.length)), [400, 'fragmentOutOfOrder']);
      assert.equal((await put(body.uploadUrl, 0, data.subarray(0, KIB320), data.length, { Authorization: `Bearer ${token}` })).status, 401, 'no token on an uploadUrl');
      const first = await put(body.uploadUrl, 0, data.subarray(0, KIB320), data.length);
      assert.equal(first.status, 202);
      assert.deepEqual((await json(first)).nextExpectedRanges, [`${KIB320}-`]);
      assert.deepEqual(await codes(await put(body.uploadUrl, 0, data.subarray(0, KIB320), data.length)), [416, 'fragmentOverlap']);
      assert.deepEqual(await codes(await put(body.uploadUrl, KIB320, data.subarray(KIB320, 2 * KIB320), data.length + 1)), [400, 'fragmentLengthMismatch']);
      assert.deepEqual((await json(await fetch(body.uploadUrl))).nextExpectedRanges, [`${KIB320}-`]);
      assert.equal((await put(body.uploadUrl, KIB320, data.subarray(KIB320, 2 * KIB320), data.length)).status, 202);
      const done = await put(body.uploadUrl, 2 * KIB320, data.subarray(2 * KIB320), data.length);
      assert.equal(done.status, 201);
      assert.equal((await json(done)).size, data.length);
      assert.equal((await fetch(body.uploadUrl)).status, 404, 'a committed session is gone');
    });

    it('cancels with DELETE, refuses a second session per path (Business), and 507 on a declared size too large', async () => {
      const { body } = await open('s2.bin');
      assert.equal((await open('S2.bin')).res.status, 409);
      assert.equal((await fetch(body.uploadUrl, { method: 'DELETE' })).status, 204);
      assert.equal((await fetch(body.uploadUrl)).status, 404);
      assert.equal((await open('s2.bin')).res.status, 200);
      const full = await open('big.bin', { fileSize: 10 * 1024 ** 4 });
      assert.equal(full.res.status, 507);
      assert.equal(full.body.error.code, 'quotaLimitReached');
    });
  });

  describe('fault injection', () => {
    it('throttles with Retry-After and the activityLimitReached body', async () => {
      emu.faults.set([{ fault: 'throttle', retryAfterSeconds: 3, times: 1 }]);
      const res = await call('GET', '/me/drive');
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '3');
      const body = await json(res);
      assert.equal(body.error.code, 'activityLimitReached');
      assert.equal(body.error.innerError.code, 'throttledRequest');
      assert.equal((await call('GET', '/me/drive')).status, 200, 'times: 1 fires once');
    });

    it('answers 503 and 500, resets connections, expires tokens and sessions, and says the drive is full', async () => {
      emu.faults.set([{ fault: 'unavailable', times: 1 }]);
      assert.equal((await call('GET', '/me/drive')).status, 503);
      emu.faults.set([{ fault: 'error', status: 502, times: 1 }]);
      assert.equal((await call('GET', '/me/drive')).status, 502);
      emu.faults.set([{ fault: 'reset', times: 1 }]);
      await assert.rejects(call('PUT', `/drives/${driveId}/root:/reset.bin:/content`, { body: Buffer.alloc(200_000) }));
      emu.faults.set([{ fault: 'quotaFull', times: 1 }]);
      assert.equal((await call('PUT', `/drives/${driveId}/root:/q.bin:/content`, { body: Buffer.from('x') })).status, 507);
      emu.faults.set([{ fault: 'expireToken', times: 1 }]);
      const expired = await call('GET', '/me/drive');
      assert.equal(expired.status, 401);
      assert.match(expired.headers.get('www-authenticate') ?? '', /expired_token/);
      assert.equal((await call('GET', '/me/drive')).status, 401, 'an expired token stays expired');
      token = emu.tokenFor('alice');
      const s = await json(await call('POST', `/drives/${driveId}/items/root:/exp.bin:/createUploadSession`, { json: {} }));
      emu.faults.set([{ fault: 'expireSession', areas: ['upload'], times: 1 }]);
      assert.equal((await fetch(s.uploadUrl)).status, 404);
      emu.faults.clear();
    });
  });
});
