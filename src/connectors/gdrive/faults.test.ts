import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startGdriveEmulator, type GdriveEmulator } from '../../sandbox/gdrive/server.js';
import { body, failingBody, rejectsKind } from '../conformance/helpers.js';
import { GoogleDriveConnector } from './connector.js';
import { CHUNK_MULTIPLE, SIMPLE_UPLOAD_MAX } from './upload.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const CHUNK = 4 * CHUNK_MULTIPLE;

describe('Google Drive connector under injected faults', () => {
  let emu: GdriveEmulator;
  let tokens: ReturnType<GdriveEmulator['tokenSource']>;
  let c: GoogleDriveConnector;
  const chunkPuts = () => emu.state.requests.filter((r) => r.area === 'upload' && r.method === 'PUT');
  const filesNamed = (name: string) => [...emu.state.store('dave').files.values()].filter((f) => f.name === name && !f.trashed);

  before(async () => {
    emu = await startGdriveEmulator();
    tokens = emu.tokenSource('dave');
    // Reads are not retried inside the connector here, so each injected fault reaches the test.
    c = new GoogleDriveConnector({ baseUrl: emu.url, root: 'Backups', tokens, chunkBytes: CHUNK, pacing: { perSecond: 1e6, burst: 1e6 }, readRetry: null });
  });
  beforeEach(() => { emu.faults.clear(); emu.state.requests.length = 0; });
  after(() => emu.stop());

  it('classifies 429 and 403 rate limits (with Retry-After when given), a full drive, 5xx and missing files', async () => {
    emu.faults.set([{ fault: 'throttle', retryAfterSeconds: 7, times: 1 }]);
    await assert.rejects(c.stat('x.pdf'), (e: any) => e.kind === 'rate_limited' && e.retryAfterMs === 7000);
    emu.faults.set([{ fault: 'userRateLimit', times: 1 }]);
    await assert.rejects(c.stat('x.pdf'), (e: any) => e.kind === 'rate_limited' && e.retryAfterMs === undefined);
    emu.faults.set([{ fault: 'rateLimit', times: 1 }]);
    await rejectsKind(c.stat('x.pdf'), 'rate_limited');
    emu.faults.set([{ fault: 'error', status: 502, times: 1 }]);
    await rejectsKind(c.stat('x.pdf'), 'transient');
    emu.faults.set([{ fault: 'quotaFull', areas: ['upload'], times: 1 }]);
    await rejectsKind(c.write('q/full.pdf', body(Buffer.from('q')), { size: 1 }), 'quota_exceeded', /full/);
    emu.faults.clear();
    await rejectsKind(c.stat('q/full.pdf'), 'not_found');
    const patient = new GoogleDriveConnector({ baseUrl: emu.url, root: 'Backups', tokens, pacing: { perSecond: 1e6, burst: 1e6 }, readRetry: { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 5 } });
    const fired = () => (emu.faults.fired.userRateLimit ?? 0) + (emu.faults.fired.error ?? 0);
    const before = fired();
    emu.faults.set([{ fault: ['userRateLimit', 'error'], areas: ['api'], method: 'GET', times: 2 }]);
    await rejectsKind(patient.stat('q/full.pdf'), 'not_found', /does not exist/);
    assert.equal(fired(), before + 2, 'two failed reads were tried again inside the connector');
  });

  it('resumes from the offset Drive reports after a connection reset mid-chunk', async () => {
    const data = randomBytes(SIMPLE_UPLOAD_MAX + 3 * CHUNK + 11);
    // Cut after a chunk and a half: the session keeps the whole 256 KiB blocks it got.
    emu.faults.set([{ fault: 'reset', areas: ['upload'], method: 'PUT', resetAfterBytes: CHUNK / 2 + 1000, times: 1 }]);
    const entry = await c.write('resume/reset.pdf', body(data), { size: data.length });
    assert.equal(emu.faults.fired.reset, 1);
    assert.equal(entry.hashes?.md5, md5(data));
    const sent = chunkPuts().filter((r) => r.status !== undefined);
    assert.ok(sent.some((r) => r.status === 308), 'asked the session where it stands');
    assert.equal(filesNamed('reset.pdf').length, 1, 'one file, no duplicate');
  });

  it('resumes after 5xx and throttling on chunks, and after a slow server', async () => {
    const data = randomBytes(SIMPLE_UPLOAD_MAX + 2 * CHUNK);
    emu.faults.set([
      { fault: 'error', areas: ['upload'], method: 'PUT', status: 503, times: 1 },
      { fault: 'userRateLimit', areas: ['upload'], method: 'PUT', times: 1 },
      { fault: 'delay', areas: ['upload'], delayMs: 30, times: 3 },
    ]);
    const entry = await c.write('resume/5xx.pdf', body(data), { size: data.length });
    assert.equal(entry.hashes?.md5, md5(data));
    assert.ok((emu.faults.fired.error ?? 0) >= 1 && (emu.faults.fired.userRateLimit ?? 0) >= 1 && (emu.faults.fired.delay ?? 0) >= 1);
    assert.equal(filesNamed('5xx.pdf').length, 1);
  });

  it('fails as transient when the session expires, leaving no file, and the retry starts over', async () => {
    emu.faults.set([{ fault: 'expireSession', areas: ['upload'], method: 'PUT', times: 1 }]);
    const data = randomBytes(SIMPLE_UPLOAD_MAX + CHUNK);
    await rejectsKind(c.write('expired/file.pdf', body(data), { size: data.length }), 'transient', /expired/);
    await rejectsKind(c.stat('expired/file.pdf'), 'not_found');
    const entry = await c.write('expired/file.pdf', body(data), { size: data.length });
    assert.equal(entry.hashes?.md5, md5(data));
  });

  it('leaves nothing when the source fails during a resumable upload', async () => {
    await rejectsKind(c.write('fail/large.pdf', failingBody(CHUNK * 3), { size: SIMPLE_UPLOAD_MAX + CHUNK * 8 }), 'transient');
    await rejectsKind(c.stat('fail/large.pdf'), 'not_found');
    assert.equal(filesNamed('large.pdf').length, 0);
  });

  it('refreshes the token once on 401 (also mid-upload), and says auth_expired when that does not help', async () => {
    emu.faults.set([{ fault: 'expireToken', times: 1 }]);
    const before = tokens.refreshes;
    await c.write('auth/a.pdf', body(Buffer.from('a')), { size: 1 });
    assert.equal(tokens.refreshes, before + 1);
    const data = randomBytes(SIMPLE_UPLOAD_MAX + 2 * CHUNK);
    emu.faults.set([{ fault: 'expireToken', areas: ['upload'], method: 'PUT', times: 1 }]);
    await c.write('auth/large.pdf', body(data), { size: data.length });
    assert.equal(tokens.refreshes, before + 2);
    const forged = new GoogleDriveConnector({ baseUrl: emu.url, root: 'Backups', tokens: { accessToken: async () => 'forged' } });
    await rejectsKind(forged.stat('auth/a.pdf'), 'auth_expired', /reconnect/);
  });
});
