import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { statfs } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { homedir } from 'node:os';
import { relative } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { startSshd, SSHD_MISSING, type TestSshd } from '../../../test/servers/sshd.js';
import type { StorageConnector } from '../connector.js';
import { SftpConnector, type SftpOptions } from './connector.js';
import { AUTH_MESSAGE, classify, STATUS } from './errors.js';
import { sftpSettings } from './index.js';
import { body, readAll, rejectsKind, sha256 } from '../conformance/helpers.js';
import { TEST_CONTEXT } from '../../../test/helpers/limits.js';


/** A TCP relay in front of sshd whose connections the test can cut, like a dropped network. */
async function relay(port: number): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port });
    for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => undefined); }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut: () => { for (const s of sockets) s.destroy(); },
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

const server = await startSshd();

describe('sftp connector', { skip: server ? false : SSHD_MISSING }, () => {
  const sshd = server as TestSshd;
  const opened: StorageConnector[] = [];
  const connect = async (extra: Partial<SftpOptions> = {}, pins?: string[]): Promise<SftpConnector> => {
    const c = new SftpConnector(
      { host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, root: await sshd.newRoot(), ...extra },
      { ...TEST_CONTEXT, pinHostKey: async (fp) => { pins?.push(fp); } },
    );
    opened.push(c);
    return c;
  };
  after(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await sshd.stop();
  });

  it('pins the host key on first use and refuses a different one', async () => {
    const pins: string[] = [];
    const c = await connect({}, pins);
    await c.mkdir('a');
    assert.deepEqual(pins, [sshd.hostKeySha256]);
    const wrong = 'SHA256:' + createHash('sha256').update('another server').digest('base64').replace(/=+$/, '');
    const pinned = await connect({ hostKeySha256: wrong }, pins);
    await rejectsKind(pinned.stat(''), 'permission_denied', /host key has changed/);
    await assert.rejects(pinned.stat(''), (e: Error) => e.message.includes(wrong) && e.message.includes(sshd.hostKeySha256));
    const right = await connect({ hostKeySha256: sshd.hostKeySha256 }, pins);
    assert.equal((await right.stat('')).isDir, true);
    assert.equal(pins.length, 1, 'a pinned key is not pinned again');
  });

  it('reports refused credentials as auth_expired', async () => {
    const password = new SftpConnector({ host: sshd.host, port: sshd.port, username: sshd.username, password: 'wrong', root: sshd.root, hostKeySha256: sshd.hostKeySha256 }, TEST_CONTEXT);
    opened.push(password);
    await rejectsKind(password.stat(''), 'auth_expired', new RegExp(AUTH_MESSAGE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    const otherKey = await connect({ privateKey: ssh2.utils.generateKeyPairSync('ed25519').private });
    await rejectsKind(otherKey.stat(''), 'auth_expired');
  });

  it('resolves a root relative to the login folder', async () => {
    const absolute = await sshd.newRoot();
    const c = await connect({ root: relative(homedir(), absolute) });
    await c.write('rel/x.txt', body(Buffer.from('x')), { size: 1 });
    const viaAbsolute = await connect({ root: absolute });
    assert.equal((await readAll(viaAbsolute, 'rel/x.txt')).toString(), 'x');
  });

  it('hashes hundreds of oddly named files on the server in batches', async () => {
    const c = await connect({ maxCommandBytes: 8000 });
    const odd = ['with space', "it's", 'dq"uote', 'back\\slash', 'new\nline', 'cr\rname', 'tab\there', '$(echo no)', '`no`', '-dash', '日本語', '*glob?'];
    const expected = new Map<string, string>();
    for (let i = 0; i < 300; i++) {
      const path = `batch/${i % 7}/${odd[i % odd.length]} ${i}.bin`;
      const data = randomBytes(i * 37);
      await c.write(path, body(data), { size: data.length });
      expected.set(path, sha256(data));
    }
    const got = await c.hashMany([...expected.keys(), 'batch/missing.bin', 'nowhere/missing.bin', 'batch/0'], 'sha256');
    assert.deepEqual(new Map([...got].sort()), new Map([...expected].sort()));
    assert.equal((c as unknown as { execHashing: boolean }).execHashing, true, 'the server hashed them, not a read-back');
  });


  it('reads a few small files back instead of starting sha256sum, and still tells altered bytes', async () => {
    const c = await connect();
    const files = new Map(Array.from({ length: 10 }, (_, i) => [`few/${i}.pdf`, randomBytes(5000)] as const));
    for (const [path, data] of files) await c.write(path, body(data), { size: data.length });
    const altered = Buffer.from(files.get('few/3.pdf')!);
    altered[100]! ^= 1;
    await c.write('few/3.pdf', body(altered), { size: altered.length });
    const got = await c.hashMany([...files.keys(), 'few/missing.pdf'], 'sha256', { expectedBytes: 10 * 5000 });
    assert.equal(got.size, 10, 'the missing file is absent');
    for (const [path, data] of files) assert.equal(got.get(path), sha256(path === 'few/3.pdf' ? altered : data), path);
    assert.equal((c as unknown as { execHashing?: boolean }).execHashing, undefined, 'no command was run on the server');
  });
  it('falls back to reading files back when the server allows no commands', async () => {
    const sftpOnly = await startSshd({ extraConfig: ['ForceCommand internal-sftp'] });
    assert.ok(sftpOnly);
    const c = new SftpConnector({ ...sftpOnly, root: sftpOnly.root }, TEST_CONTEXT);
    try {
      const a = randomBytes(300_000);
      await c.write('f/a b.bin', body(a), { size: a.length });
      await c.write('f/new\nline', body(Buffer.alloc(0)), { size: 0 });
      const got = await c.hashMany(['f/a b.bin', 'f/new\nline', 'f/missing.bin', 'f'], 'sha256');
      assert.deepEqual(got, new Map([['f/a b.bin', sha256(a)], ['f/new\nline', sha256(Buffer.alloc(0))]]));
      // The refusal is learned once; later calls go straight to reading back.
      assert.equal((c as unknown as { execHashing: boolean }).execHashing, false);
      assert.equal((await c.hashMany(['f/a b.bin'], 'sha256')).get('f/a b.bin'), sha256(a));
    } finally {
      await c.close();
      await sftpOnly.stop();
    }
  });

  it('lands 20 concurrent writes intact, sharing new parent folders', async () => {
    const c = await connect();
    const files = Array.from({ length: 20 }, (_, i) => ({ path: `par/a/b/${i}.bin`, data: randomBytes(i % 4 === 0 ? 2_500_000 + i : 1000 * i) }));
    await Promise.all(files.map((f) => c.write(f.path, body(f.data), { size: f.data.length, modifiedAt: new Date('2023-01-02T03:04:05Z') })));
    for (const f of files) {
      assert.equal(sha256(await readAll(c, f.path)), sha256(f.data), f.path);
      assert.equal((await c.stat(f.path)).modifiedAt?.toISOString(), '2023-01-02T03:04:05.000Z');
    }
    const names: string[] = [];
    for await (const e of c.list('par/a/b')) names.push(e.name);
    assert.equal(names.length, 20, 'no temporary files are left behind');
  });

  it('reads ranges across chunk boundaries of a large file', async () => {
    const c = await connect();
    const data = randomBytes(3 * 1024 * 1024 + 5);
    await c.write('big.bin', body(data), { size: data.length });
    assert.deepEqual(await readAll(c, 'big.bin', { start: 100_000, end: 2_500_000 }), data.subarray(100_000, 2_500_000));
    assert.equal((await readAll(c, 'big.bin', { start: 10, end: 10 })).length, 0);
    await rejectsKind(c.read('missing.bin'), 'not_found');
    await c.mkdir('folder');
    await rejectsKind(c.read('folder'), 'is_directory');
    await rejectsKind(c.remove('folder'), 'is_directory');
  });

  it('cancels a write midway without leaving the file or its temporary copy', async () => {
    const c = await connect();
    const controller = new AbortController();
    let pushed = 0;
    const endless = new Readable({
      read() {
        if (++pushed === 20) controller.abort();
        setTimeout(() => this.push(randomBytes(64 * 1024)), 1);
      },
    });
    await rejectsKind(c.write('cancel/mid.bin', endless, { size: 1e9 }, { signal: controller.signal }), 'cancelled');
    const left: string[] = [];
    for await (const e of c.list('cancel')) left.push(e.name);
    assert.deepEqual(left, []);
  });

  it('turns a dropped connection into a transient error and reconnects on the next call', async () => {
    const net = await relay(sshd.port);
    try {
      const c = await connect({ port: net.port });
      await c.mkdir('drop');
      let sent = 0;
      const slow = new Readable({
        read() {
          sent += 64 * 1024;
          if (sent === 10 * 64 * 1024) net.cut();
          setTimeout(() => this.push(randomBytes(64 * 1024)), 2);
        },
      });
      await rejectsKind(c.write('drop/file.bin', slow, { size: 100 * 64 * 1024 }), 'transient');
      await rejectsKind(c.stat('drop/file.bin'), 'not_found');
      await c.write('drop/file.bin', body(Buffer.from('again')), { size: 5 });
      assert.equal((await readAll(c, 'drop/file.bin')).toString(), 'again');
    } finally {
      await net.close();
    }
  });

  it('reports the disk space statvfs gives', async () => {
    const c = await connect();
    const q = await c.quota();
    const local = await statfs(sshd.root);
    assert.equal(q.total, local.blocks * local.bsize);
    assert.ok(q.free !== null && q.used !== null && q.free <= q.total! && q.used <= q.total!);
  });

  it('classifies a write FAILURE as quota_exceeded only when the disk is short', () => {
    const failure = Object.assign(new Error('Failure'), { code: STATUS.FAILURE });
    assert.equal(classify(failure, 'x', { op: 'write', free: 10, size: 100 }).kind, 'quota_exceeded');
    assert.equal(classify(failure, 'x', { op: 'write', free: 1e9, size: 100 }).kind, 'fatal');
    assert.equal(classify(Object.assign(new Error('x'), { code: STATUS.NO_SUCH_FILE }), 'x').kind, 'not_found');
    assert.equal(classify(new Error('No response from server'), 'x').kind, 'transient');
    assert.equal(classify(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 'x').kind, 'transient');
  });

  it('validates settings', () => {
    assert.equal(sftpSettings.safeParse({ host: 'h', username: 'u', root: '/b' }).success, false, 'needs a password or key');
    const ok = sftpSettings.parse({ host: 'h', username: 'u', password: 'p' });
    assert.equal(ok.port, 22);
    assert.equal(sftpSettings.safeParse({ host: 'h', username: 'u', password: 'p', hostKeySha256: 'MD5:aa' }).success, false);
    assert.equal(sftpSettings.safeParse({ host: 'h', username: 'u', password: 'p', hostKeySha256: sshd.hostKeySha256 }).success, true);
  });
});
