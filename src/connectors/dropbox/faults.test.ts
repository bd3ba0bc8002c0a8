import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startDropboxEmulator, type DropboxEmulator } from '../../sandbox/dropbox/server.js';
import { body, readAll, rejectsKind } from '../conformance/helpers.js';
import { dropboxContentHash } from '../kit/dropbox-content-hash.js';
import { DropboxConnector } from './connector.js';

const SIMPLE = 64 * 1024;
const CHUNK = 48 * 1024;

/** A body that sends `good` bytes, then fails. */
function failing(good: number): Readable {
  let sent = false;
  return new Readable({ read() { if (!sent) { sent = true; this.push(randomBytes(good)); } else this.destroy(new Error('disk gone')); } });
}

describe('Dropbox connector under injected faults', () => {
  let emu: DropboxEmulator;
  let tokens: ReturnType<DropboxEmulator['tokenSource']>;
  let c: DropboxConnector;
  const requests = (route: string) => emu.state.requests.filter((r) => r.path === `/2/${route}`);
  const large = () => randomBytes(SIMPLE + 3 * CHUNK + 11);
  before(async () => {
    emu = await startDropboxEmulator({ seed: 7 });
    tokens = emu.tokenSource('dave');
    c = new DropboxConnector({ apiUrl: emu.url, contentUrl: emu.contentUrl, root: 'Faults', tokens, simpleUploadMax: SIMPLE, chunkBytes: CHUNK });
  });
  beforeEach(() => { emu.faults.clear(); emu.state.requests.length = 0; });
  after(() => emu.stop());

  it('says rate_limited with the Retry-After, and an upload waits it out and goes on', async () => {
    emu.faults.set([{ fault: 'throttle', retryAfterSeconds: 7, times: 1 }]);
    await assert.rejects(c.stat('x.pdf'), (e: any) => e.kind === 'rate_limited' && e.retryAfterMs === 7000);
    emu.faults.set([{ fault: 'throttle', retryAfterSeconds: 1, path: /append_v2$/, times: 1 }]);
    const data = large();
    const entry = await c.write('throttled.pdf', body(data), { size: data.length });
    assert.equal(entry.hashes?.dropbox, dropboxContentHash(data));
    assert.ok(requests('files/upload_session/append_v2').some((r) => r.status === 429));
  });

  it('resends a chunk after 500 and 503, and after a connection reset mid-chunk', async () => {
    emu.faults.set([
      { fault: 'error', path: /append_v2$/, times: 1 },
      { fault: 'unavailable', path: /append_v2$/, retryAfterSeconds: 0, times: 1 },
      { fault: 'reset', path: /append_v2$/, times: 1 },
    ]);
    const data = large();
    const entry = await c.write('resent.pdf', body(data), { size: data.length });
    assert.equal(entry.hashes?.dropbox, dropboxContentHash(data));
    for (const kind of ['error', 'unavailable', 'reset']) assert.equal(emu.faults.fired[kind] ? emu.faults.fired[kind]! > 0 : false, true, kind);
    assert.deepEqual(await readAll(c, 'resent.pdf'), data);
    const names: string[] = [];
    for await (const e of c.list('')) if (e.name.startsWith('resent')) names.push(e.name);
    assert.deepEqual(names, ['resent.pdf'], 'one file, no duplicate');
  });

  it('gets there through a slow service', async () => {
    emu.faults.set([{ fault: 'delay', delayMs: 30, areas: ['upload'] }]);
    const data = large();
    assert.equal((await c.write('slow.pdf', body(data), { size: data.length })).size, data.length);
  });

  it('fails as transient when the session expires, leaving nothing, and the next try works', async () => {
    emu.faults.set([{ fault: 'expireSession', path: /append_v2$/, times: 1 }]);
    const data = large();
    await rejectsKind(c.write('expired.pdf', body(data), { size: data.length }), 'transient', /expired/);
    await rejectsKind(c.stat('expired.pdf'), 'not_found');
    await c.write('expired.pdf', body(data), { size: data.length });
    assert.equal((await c.stat('expired.pdf')).hashes?.dropbox, dropboxContentHash(data));
  });

  it('leaves nothing when the source fails midway through a session', async () => {
    await rejectsKind(c.write('broken.pdf', failing(CHUNK * 2), { size: SIMPLE + CHUNK * 8 }), 'transient');
    await rejectsKind(c.stat('broken.pdf'), 'not_found');
  });

  it('refreshes the token once on 401, and says auth_expired when that does not help', async () => {
    emu.faults.set([{ fault: 'expireToken', times: 1 }]);
    const before = tokens.refreshes;
    await c.write('auth.pdf', body(Buffer.from('a')), { size: 1 });
    assert.equal(tokens.refreshes, before + 1);
    const forged = new DropboxConnector({ apiUrl: emu.url, contentUrl: emu.contentUrl, root: 'Faults', tokens: { accessToken: async () => 'sl.forged' } });
    await rejectsKind(forged.stat('auth.pdf'), 'auth_expired', /reconnect/);
  });

  it('treats too_many_write_operations as rate_limited, and a session retries its finish', async () => {
    emu.faults.set([{ fault: 'error', status: 409, path: /files\/upload$/, times: 1 }]);
    await rejectsKind(c.write('contended.pdf', body(Buffer.from('x')), { size: 1 }), 'rate_limited');
    emu.faults.set([{ fault: 'error', status: 409, path: /finish$/, times: 1 }]);
    const data = large();
    assert.equal((await c.write('contended-large.pdf', body(data), { size: data.length })).hashes?.dropbox, dropboxContentHash(data));
    assert.ok(requests('files/upload_session/finish').some((r) => r.status === 409));
  });

  it('says quota_exceeded when the Dropbox is full, on simple and session uploads', async () => {
    emu.faults.set([{ fault: 'quotaFull', times: 1 }]);
    await rejectsKind(c.write('full.pdf', body(Buffer.from('q')), { size: 1 }), 'quota_exceeded', /full/);
    emu.faults.set([{ fault: 'quotaFull', path: /finish$/, times: 1 }]);
    const data = large();
    await rejectsKind(c.write('full-large.pdf', body(data), { size: data.length }), 'quota_exceeded');
  });
});
