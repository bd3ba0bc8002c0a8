import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startGraphEmulator, type GraphEmulator } from '../../sandbox/graph/server.js';
import { body, readAll, rejectsKind } from '../conformance/helpers.js';
import { QuickXorHash } from '../kit/quickxorhash.js';
import { OneDriveConnector, SIMPLE_UPLOAD_MAX } from './connector.js';
import { FRAGMENT_MULTIPLE } from './upload.js';

const qx = (b: Buffer) => new QuickXorHash().update(b).digest();
const FRAGMENT = 2 * FRAGMENT_MULTIPLE;

/** A body that sends `good` bytes, then fails. */
function failing(good: number): Readable {
  let sent = false;
  return new Readable({ read() { if (!sent) { sent = true; this.push(randomBytes(good)); } else this.destroy(new Error('disk gone')); } });
}

describe('OneDrive connector on the Graph emulator', () => {
  let emu: GraphEmulator;
  let tokens: ReturnType<GraphEmulator['tokenSource']>;
  let c: OneDriveConnector;
  const uploads = () => emu.state.requests.filter((r) => r.area === 'upload');
  before(async () => {
    emu = await startGraphEmulator();
    tokens = emu.tokenSource('carol');
    c = new OneDriveConnector({ baseUrl: emu.url, location: 'drive', root: 'Backups', tokens, fragmentBytes: FRAGMENT, listPageSize: 3 });
  });
  beforeEach(() => { emu.faults.clear(); emu.state.requests.length = 0; });
  after(() => emu.stop());

  it('returns and reports the quickXorHash the service computed, for simple and session uploads', async () => {
    const files = { 'h/empty.bin': Buffer.alloc(0), 'h/small.pdf': randomBytes(1000), 'h/large.pdf': randomBytes(SIMPLE_UPLOAD_MAX + FRAGMENT + 5) };
    for (const [path, data] of Object.entries(files)) {
      const entry = await c.write(path, body(data), { size: data.length });
      assert.equal(entry.hashes?.quickxor, qx(data), path);
      assert.ok(entry.id);
    }
    const got = await c.hashMany([...Object.keys(files), 'h/missing.pdf'], 'quickxor');
    for (const [path, data] of Object.entries(files)) assert.equal(got.get(path), qx(data));
    assert.equal(got.has('h/missing.pdf'), false);
  });

  it('costs one request per write once the folder is known', async () => {
    await c.write('cache/a.pdf', body(Buffer.from('a')), { size: 1 });
    emu.state.requests.length = 0;
    await c.write('cache/b.pdf', body(Buffer.from('b')), { size: 1 });
    await c.write('Cache/c.pdf', body(Buffer.from('c')), { size: 1 });
    assert.deepEqual(emu.state.requests.map((r) => r.method), ['PUT', 'PUT'], 'no lookups, folder names compared case-insensitively');
  });

  it('finds a folder someone else created (409 on create, then a lookup)', async () => {
    const other = new OneDriveConnector({ baseUrl: emu.url, location: 'drive', root: 'Backups', tokens });
    await other.mkdir('shared/deep');
    await c.write('shared/deep/x.pdf', body(Buffer.from('x')), { size: 1 });
    assert.equal((await c.stat('shared/deep/x.pdf')).size, 1);
    assert.ok(emu.state.requests.some((r) => r.status === 409));
  });

  it('uploads large files in 320 KiB-multiple fragments and keeps the modification time', async () => {
    const data = randomBytes(3 * FRAGMENT + 77 + SIMPLE_UPLOAD_MAX);
    const when = new Date('2023-05-06T07:08:09Z');
    await c.write('big/file.pdf', body(data), { size: data.length, modifiedAt: when });
    const puts = uploads().filter((r) => r.method === 'PUT');
    assert.equal(puts.length, Math.ceil(data.length / FRAGMENT));
    assert.equal((await c.stat('big/file.pdf')).modifiedAt?.toISOString(), when.toISOString());
    assert.deepEqual(await readAll(c, 'big/file.pdf'), data);
  });

  it('resumes from the offset the service reports after a reset mid-fragment and a 503', async () => {
    const data = randomBytes(SIMPLE_UPLOAD_MAX + 3 * FRAGMENT);
    emu.faults.set([
      { fault: 'reset', areas: ['upload'], method: 'PUT', times: 1 },
      { fault: 'unavailable', areas: ['upload'], method: 'PUT', retryAfterSeconds: 0, times: 1 },
    ]);
    const entry = await c.write('resume/file.pdf', body(data), { size: data.length });
    assert.equal(entry.hashes?.quickxor, qx(data));
    assert.ok(uploads().some((r) => r.method === 'GET'), 'asked the session where to go on');
    assert.equal(emu.state.sessions.open.size, 0);
    const names: string[] = [];
    for await (const e of c.list('resume')) names.push(e.name);
    assert.deepEqual(names, ['file.pdf'], 'one file, no duplicate');
  });

  it('leaves nothing when a large upload fails: session cancelled, no file', async () => {
    await rejectsKind(c.write('fail/large.pdf', failing(FRAGMENT * 3), { size: SIMPLE_UPLOAD_MAX + FRAGMENT * 8 }), 'transient');
    assert.equal(emu.state.sessions.open.size, 0, 'the session was DELETEd');
    assert.ok(uploads().some((r) => r.method === 'DELETE'));
    await rejectsKind(c.stat('fail/large.pdf'), 'not_found');
  });

  it('fails as transient when the session expires, so the caller starts over', async () => {
    emu.faults.set([{ fault: 'expireSession', areas: ['upload'], method: 'PUT', times: 1 }]);
    const data = randomBytes(SIMPLE_UPLOAD_MAX + FRAGMENT);
    await rejectsKind(c.write('expired/file.pdf', body(data), { size: data.length }), 'transient', /expired/);
    await rejectsKind(c.stat('expired/file.pdf'), 'not_found');
    await c.write('expired/file.pdf', body(data), { size: data.length });
    assert.equal((await c.stat('expired/file.pdf')).hashes?.quickxor, qx(data));
  });

  it('refreshes the token once on 401, and says auth_expired when that does not help', async () => {
    emu.faults.set([{ fault: 'expireToken', times: 1 }]);
    const before = tokens.refreshes;
    await c.write('auth/a.pdf', body(Buffer.from('a')), { size: 1 });
    assert.equal(tokens.refreshes, before + 1);
    const forged = new OneDriveConnector({ baseUrl: emu.url, location: 'drive', root: 'Backups', tokens: { accessToken: async () => 'forged' } });
    await rejectsKind(forged.stat('auth/a.pdf'), 'auth_expired', /reconnect/);
  });

  it('classifies throttling, a full drive and refused names', async () => {
    emu.faults.set([{ fault: 'throttle', retryAfterSeconds: 7, times: 1 }]);
    await assert.rejects(c.stat('auth/a.pdf'), (e: any) => e.kind === 'rate_limited' && e.retryAfterMs === 7000);
    emu.faults.set([{ fault: 'quotaFull', times: 1 }]);
    await rejectsKind(c.write('auth/q.pdf', body(Buffer.from('q')), { size: 1 }), 'quota_exceeded');
    emu.faults.clear();
    await rejectsKind(c.write('auth/bad:name.pdf', body(Buffer.from('q')), { size: 1 }), 'invalid_name');
    await rejectsKind(c.write('auth/CON.pdf', body(Buffer.from('q')), { size: 1 }), 'invalid_name');
  });

  it('lists every page of a large folder', async () => {
    for (let i = 0; i < 8; i++) await c.write(`paged/f${i}.txt`, body(Buffer.from(String(i))), { size: 1 });
    const names: string[] = [];
    for await (const e of c.list('paged')) names.push(e.name);
    assert.equal(names.length, 8);
    assert.ok(emu.state.requests.filter((r) => r.path.endsWith('/children')).length >= 3, 'followed the nextLinks');
  });

  it('writes into the app folder when told to', async () => {
    const app = new OneDriveConnector({ baseUrl: emu.url, location: 'approot', root: 'Archive', tokens });
    await app.write('2024/a.pdf', body(Buffer.from('a')), { size: 1 });
    const top = new OneDriveConnector({ baseUrl: emu.url, location: 'drive', root: '', tokens });
    assert.equal((await top.stat('Apps/Dossier/Archive/2024/a.pdf')).size, 1);
  });

  it('reports quota from the drive', async () => {
    const q = await c.quota();
    assert.ok(q.total! > 0 && q.free! > 0 && q.used! > 0);
  });
});
