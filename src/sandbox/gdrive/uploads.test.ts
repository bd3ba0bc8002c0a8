import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startGdriveEmulator, type GdriveEmulator } from './server.js';
import { driveCaller } from './test-client.js';
import { CHUNK_MULTIPLE, MAX_MULTIPART_BYTES } from './uploads.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('Drive emulator: resumable and multipart uploads', () => {
  let emu: GdriveEmulator;
  let d: ReturnType<typeof driveCaller>;
  const start = async (name: string, headers: Record<string, string> = {}, fileId?: string) => {
    const res = await d.call(fileId ? 'PATCH' : 'POST', `/upload/drive/v3/files${fileId ? `/${fileId}` : ''}?uploadType=resumable&fields=id,name,size,md5Checksum`, {
      json: fileId ? {} : { name, parents: ['root'] }, headers,
    });
    assert.equal(res.status, 200);
    const location = res.headers.get('location');
    assert.ok(location, 'the session URI comes in Location');
    return location;
  };
  const put = (session: string, range: string, body?: Buffer) =>
    fetch(session, { method: 'PUT', headers: { 'Content-Range': range }, body: (body ?? Buffer.alloc(0)) as unknown as BodyInit });
  const reason = async (res: Response) => ((await res.json()) as any).error.errors[0].reason;

  before(async () => {
    emu = await startGdriveEmulator({ quotaBytes: 64 * 1024 * 1024 });
    d = driveCaller(emu, 'bob');
  });
  beforeEach(() => emu.faults.clear());
  after(() => emu.stop());

  it('takes 256 KiB-multiple chunks in order, answers 308 with Range, and 201 with the file at the end', async () => {
    const data = randomBytes(2 * CHUNK_MULTIPLE + 1000);
    const session = await start('chunks.bin', { 'X-Upload-Content-Length': String(data.length) });
    const status = await put(session, `bytes */${data.length}`);
    assert.equal(status.status, 308);
    assert.equal(status.headers.get('range'), null, 'no Range before any byte is stored');
    const short = await put(session, `bytes 0-999/${data.length}`, data.subarray(0, 1000));
    assert.equal(short.status, 400, 'a non-final chunk must be a multiple of 256 KiB');
    assert.equal(await reason(short), 'badRequest');
    const skipped = await put(session, `bytes ${CHUNK_MULTIPLE}-${2 * CHUNK_MULTIPLE - 1}/${data.length}`, data.subarray(CHUNK_MULTIPLE, 2 * CHUNK_MULTIPLE));
    assert.equal(skipped.status, 400, 'chunks come in order');
    const first = await put(session, `bytes 0-${CHUNK_MULTIPLE - 1}/${data.length}`, data.subarray(0, CHUNK_MULTIPLE));
    assert.equal(first.status, 308);
    assert.equal(first.headers.get('range'), `bytes=0-${CHUNK_MULTIPLE - 1}`);
    const again = await put(session, `bytes */${data.length}`);
    assert.equal(again.headers.get('range'), `bytes=0-${CHUNK_MULTIPLE - 1}`);
    const changed = await put(session, `bytes ${CHUNK_MULTIPLE}-${2 * CHUNK_MULTIPLE - 1}/${data.length + 1}`, data.subarray(CHUNK_MULTIPLE, 2 * CHUNK_MULTIPLE));
    assert.equal(changed.status, 400, 'the total may not change');
    const rest = await put(session, `bytes ${CHUNK_MULTIPLE}-${data.length - 1}/${data.length}`, data.subarray(CHUNK_MULTIPLE));
    assert.equal(rest.status, 201);
    const file = (await rest.json()) as any;
    assert.equal(file.size, String(data.length));
    assert.equal(file.md5Checksum, md5(data));
    const repeat = await put(session, `bytes */${data.length}`);
    assert.equal(repeat.status, 201, 'a finished session repeats its answer');
  });

  it('takes an unknown total (*) until the last chunk names it, and an empty file by status query', async () => {
    const data = randomBytes(CHUNK_MULTIPLE + 5);
    const session = await start('star.bin');
    assert.equal((await put(session, `bytes 0-${CHUNK_MULTIPLE - 1}/*`, data.subarray(0, CHUNK_MULTIPLE))).status, 308);
    const done = await put(session, `bytes ${CHUNK_MULTIPLE}-${data.length - 1}/${data.length}`, data.subarray(CHUNK_MULTIPLE));
    assert.equal(done.status, 201);
    const empty = await start('empty.bin');
    const made = await put(empty, 'bytes */0');
    assert.equal(made.status, 201);
    assert.equal(((await made.json()) as any).md5Checksum, md5(Buffer.alloc(0)));
  });

  it('updates an existing file through PATCH …/files/{id}: 200 and the same id', async () => {
    const f = await d.json(await d.upload('up.bin', Buffer.from('old')));
    const session = await start('', {}, f.id);
    const res = await put(session, 'bytes 0-2/3', Buffer.from('new'));
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as any).id, f.id);
    assert.equal(await (await d.call('GET', `/drive/v3/files/${f.id}?alt=media`)).text(), 'new');
  });

  it('keeps the whole 256 KiB blocks of a chunk cut off midway, and says so in Range', async () => {
    const data = randomBytes(4 * CHUNK_MULTIPLE);
    const session = await start('cut.bin');
    emu.faults.set([{ fault: 'reset', areas: ['upload'], method: 'PUT', resetAfterBytes: 2 * CHUNK_MULTIPLE + 100, times: 1 }]);
    await assert.rejects(put(session, `bytes 0-${data.length - 1}/${data.length}`, data));
    const status = await put(session, `bytes */${data.length}`);
    assert.equal(status.status, 308);
    const stored = Number(/bytes=0-(\d+)/.exec(status.headers.get('range') ?? '')?.[1]) + 1;
    assert.ok(stored > 0 && stored % CHUNK_MULTIPLE === 0 && stored <= 2 * CHUNK_MULTIPLE + 100, `stored ${stored}`);
    const done = await put(session, `bytes ${stored}-${data.length - 1}/${data.length}`, data.subarray(stored));
    assert.equal(done.status, 201);
    assert.equal(((await done.json()) as any).md5Checksum, md5(data));
  });

  it('answers 404 for an unknown or expired session', async () => {
    const session = await start('gone.bin');
    emu.faults.set([{ fault: 'expireSession', areas: ['upload'], times: 1 }]);
    const res = await put(session, 'bytes 0-0/1', Buffer.from('x'));
    assert.equal(res.status, 404);
    assert.equal(await reason(res), 'notFound');
    assert.equal((await put(`${emu.url}/upload/drive/v3/files?uploadType=resumable&upload_id=nope`, 'bytes */1')).status, 404);
    const short = await startGdriveEmulator({ sessionLifetimeMs: 1 });
    try {
      const s = driveCaller(short, 'bob');
      const r = await s.call('POST', '/upload/drive/v3/files?uploadType=resumable', { json: { name: 'x' } });
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal((await put(r.headers.get('location')!, 'bytes */1')).status, 404);
    } finally {
      await short.stop();
    }
  });

  it('refuses a declared size past the quota at the start, and multipart bodies over 5 MB', async () => {
    const res = await d.call('POST', '/upload/drive/v3/files?uploadType=resumable', { json: { name: 'huge' }, headers: { 'X-Upload-Content-Length': String(1024 ** 3) } });
    assert.equal(res.status, 403);
    assert.equal(await reason(res), 'storageQuotaExceeded');
    assert.equal((await d.upload('big.bin', Buffer.alloc(MAX_MULTIPART_BYTES + 1))).status, 413);
    assert.equal((await d.upload('fits.bin', Buffer.alloc(MAX_MULTIPART_BYTES))).status, 200);
  });
});
