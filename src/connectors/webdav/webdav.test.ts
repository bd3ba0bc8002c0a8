import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { RCLONE_MISSING, startWebdav, type TestWebdav } from '../../../test/servers/webdav.js';
import { isConnectorError } from '../connector.js';
import { WebdavConnector } from './connector.js';
import { retryAfterMs } from '../kit/network.js';
import { AUTH_MESSAGE } from './errors.js';
import { webdavSettings } from './index.js';
import { decodeXmlText, parseMultistatus, splitListing } from './multistatus.js';
import { TEST_CONTEXT } from '../../../test/helpers/limits.js';

const body = (s: string) => Readable.from([Buffer.from(s)]);

async function rejectsKind(p: Promise<unknown>, kind: string, check?: (e: { message: string; retryAfterMs?: number }) => void): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isConnectorError(e), `expected a ConnectorError, got ${String(e)}`);
    assert.equal(e.kind, kind, `expected ${kind}, got ${e.kind}: ${e.message}`);
    check?.(e);
    return true;
  });
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

/** A real HTTP server whose answers each test scripts, to check how statuses are classified. */
async function fakeServer(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer((req, res) => {
    req.resume(); // read and drop request bodies, as a real server would
    req.on('end', () => handle(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/remote.php/dav/files/alice/`;
  return {
    url,
    connector: (root = 'Root') => new WebdavConnector({ url, username: 'alice', password: 'pw', root }, TEST_CONTEXT),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const MULTISTATUS = (origin: string) => `<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">
 <d:response><d:href>${origin}/remote.php/dav/files/alice/Root/Sub%20dir/</d:href>
  <d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
 <d:response><d:href>${origin}/remote.php/dav/files/alice/Root/Sub%20dir/a%23b%25c%3F%20%26+caf%C3%A9.pdf</d:href>
  <d:propstat><d:prop><d:resourcetype/><d:getcontentlength>1234</d:getcontentlength>
   <d:getlastmodified>Thu, 14 Mar 2024 10:20:30 GMT</d:getlastmodified><oc:fileid>00000042</oc:fileid>
   <oc:checksums><oc:checksum>SHA1:aa MD5:BB SHA256:cc</oc:checksum></oc:checksums></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
  <d:propstat><d:prop><d:getetag/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response>
 <d:response><d:href>/remote.php/dav/files/alice/Root/Sub%20dir/R&amp;D%20notes/</d:href>
  <d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
</d:multistatus>`;

describe('webdav multistatus parsing', () => {
  it('decodes absolute-URL and absolute-path hrefs with percent-encoded names', () => {
    const items = parseMultistatus(MULTISTATUS('https://cloud.example.com'), 'https://cloud.example.com/remote.php/dav/files/alice/Root/Sub%20dir/');
    const folder = ['remote.php', 'dav', 'files', 'alice', 'Root', 'Sub dir'];
    const { self, children } = splitListing(items, folder);
    assert.deepEqual(self?.segments, folder);
    assert.deepEqual(children.map((c) => c.segments.at(-1)), ['a#b%c? &+café.pdf', 'R&D notes']);
    const file = children[0]!;
    assert.equal(file.isDir, false);
    assert.equal(file.size, 1234);
    assert.equal(file.fileId, '00000042', 'ids keep their leading zeros');
    assert.equal(file.etag, undefined, 'properties in a 404 propstat are ignored');
    assert.equal(file.modifiedAt?.toISOString(), '2024-03-14T10:20:30.000Z');
    assert.deepEqual(file.checksums, { sha1: 'aa', md5: 'bb', sha256: 'cc' });
    assert.equal(children[1]!.isDir, true);
  });

  it('finds the folder itself when a proxy changed the path prefix', () => {
    const items = parseMultistatus(MULTISTATUS(''), 'https://cloud.example.com/');
    const { self, children } = splitListing(items, ['nextcloud', 'remote.php', 'dav', 'files', 'alice', 'Root', 'Sub dir']);
    assert.equal(self?.segments.at(-1), 'Sub dir');
    assert.equal(children.length, 2);
  });

  it('expands no entities beyond the predefined ones and refuses DOCTYPEs', () => {
    assert.equal(decodeXmlText('a&amp;lt;b &#x263A; &#65; &unknown;'), 'a&lt;b ☺ A &unknown;');
    const bomb = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]><d:multistatus xmlns:d="DAV:"/>';
    assert.throws(() => parseMultistatus(bomb, 'http://x/'), /document type/);
  });
});

describe('webdav settings', () => {
  it('accepts an https address and rejects other schemes with a clear message', () => {
    const ok = webdavSettings.parse({ url: 'https://cloud.example.com/remote.php/dav/files/alice/', username: 'alice', password: 'pw' });
    assert.equal(ok.root, '');
    const bad = webdavSettings.safeParse({ url: 'ftp://cloud.example.com/', username: 'alice', password: 'pw' });
    assert.equal(bad.success, false);
    assert.match(bad.error!.issues[0]!.message, /http:\/\/ or https:\/\//);
    assert.equal(webdavSettings.safeParse({ url: 'https://x/', username: 'a', password: 'b', root: 'a/../b' }).success, false);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    assert.equal(retryAfterMs('7'), 7000);
    const now = Date.parse('2024-03-14T10:00:00Z');
    assert.equal(retryAfterMs('Thu, 14 Mar 2024 10:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('soon'), undefined);
  });
});

describe('webdav status classification against a scripted server', () => {
  it('maps 507 on upload to quota_exceeded and removes the temp file', async () => {
    const seen: string[] = [];
    const fake = await fakeServer((req, res) => {
      seen.push(`${req.method} ${decodeURIComponent(req.url!)}`);
      res.statusCode = req.method === 'MKCOL' ? 201 : req.method === 'PUT' ? 507 : 204;
      res.end();
    });
    try {
      await rejectsKind(fake.connector().write('a.pdf', body('abc'), { size: 3 }), 'quota_exceeded');
      assert.equal(seen.filter((s) => s.startsWith('DELETE')).length, 1, `the temp file is deleted: ${seen.join(', ')}`);
      assert.match(seen.find((s) => s.startsWith('DELETE'))!, /\/Root\/\.dossier-.*\.tmp$/);
    } finally {
      await fake.close();
    }
  });

  it('maps 429 and 503 with Retry-After to rate_limited with the wait, 503 without it to transient', async () => {
    const answers = [
      { status: 429, headers: { 'Retry-After': '7' } },
      { status: 503, headers: { 'Retry-After': new Date(Date.now() + 60_000).toUTCString() } },
      { status: 503, headers: {} },
      { status: 423, headers: {} },
      { status: 403, headers: {} },
    ];
    let i = 0;
    const fake = await fakeServer((_req, res) => { const a = answers[i++]!; res.writeHead(a.status, a.headers).end(); });
    try {
      const c = fake.connector();
      await rejectsKind(c.stat('x.pdf'), 'rate_limited', (e) => assert.equal(e.retryAfterMs, 7000));
      await rejectsKind(c.stat('x.pdf'), 'rate_limited', (e) => assert.ok(e.retryAfterMs! > 50_000 && e.retryAfterMs! <= 60_000, `${e.retryAfterMs}`));
      await rejectsKind(c.stat('x.pdf'), 'transient');
      await rejectsKind(c.stat('x.pdf'), 'transient');
      await rejectsKind(c.stat('x.pdf'), 'permission_denied');
    } finally {
      await fake.close();
    }
  });

  it('refuses redirects with a message naming the new address, also for streamed uploads', async () => {
    const fake = await fakeServer((req, res) => {
      if (req.method === 'MKCOL') { res.writeHead(201).end(); return; }
      res.writeHead(req.method === 'PUT' ? 307 : 301, { Location: 'https://elsewhere.example.com/dav/' }).end();
    });
    try {
      await rejectsKind(fake.connector().stat('x.pdf'), 'fatal', (e) => assert.match(e.message, /redirects .*elsewhere\.example\.com/));
      // Node's fetch would buffer a whole streamed body to replay it on a redirect, so uploads refuse them.
      await rejectsKind(fake.connector().write('x.pdf', body('abc'), { size: 3 }), 'fatal', (e) => assert.match(e.message, /redirects/));
    } finally {
      await fake.close();
    }
  });

  it('lists a folder whose hrefs are absolute URLs with percent-encoded names', async () => {
    const fake = await fakeServer((req, res) => {
      res.writeHead(207, { 'Content-Type': 'application/xml' }).end(MULTISTATUS(`http://${req.headers.host}`));
    });
    try {
      const entries = [];
      for await (const e of fake.connector().list('Sub dir')) entries.push(e);
      assert.deepEqual(entries.map((e) => [e.path, e.isDir, e.size]), [
        ['Sub dir/R&D notes', true, 0],
        ['Sub dir/a#b%c? &+café.pdf', false, 1234],
      ]);
      assert.equal(entries[1]!.id, '00000042');
    } finally {
      await fake.close();
    }
  });

  it('trims a whole-file answer to a range request itself', async () => {
    const fake = await fakeServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/pdf' }).end('0123456789'));
    try {
      assert.equal(await readAll(await fake.connector().read('x.pdf', { range: { start: 2, end: 5 } })), '234');
      assert.equal(await readAll(await fake.connector().read('x.pdf', { range: { start: 7 } })), '789');
    } finally {
      await fake.close();
    }
  });
});

describe('webdav against rclone serve webdav', () => {
  let server: TestWebdav | null = null;
  before(async () => { server = await startWebdav(); });
  after(async () => { await server?.stop(); });

  it('reports a wrong password as auth_expired with a message that says what to check', async (t) => {
    if (!server) { t.skip(RCLONE_MISSING); return; }
    const c = new WebdavConnector({ url: server.url, username: server.username, password: 'wrong', root: 'x' }, TEST_CONTEXT);
    await rejectsKind(c.stat(''), 'auth_expired', (e) => assert.equal(e.message, AUTH_MESSAGE));
    await rejectsKind(c.write('a/b.pdf', body('abc'), { size: 3 }), 'auth_expired');
  });

  it('refuses to read or remove a folder as a file, and cancels an upload midway without leftovers', async (t) => {
    if (!server) { t.skip(RCLONE_MISSING); return; }
    const c = new WebdavConnector({ url: server.url, username: server.username, password: server.password, root: 'kinds' }, TEST_CONTEXT);
    await c.mkdir('folder');
    await rejectsKind(c.read('folder'), 'is_directory');
    await rejectsKind(c.remove('folder'), 'is_directory');
    await rejectsKind((async () => { for await (const _ of c.list('missing')); })(), 'not_found');
    const controller = new AbortController();
    const slow = new Readable({ read() { setTimeout(() => this.push(Buffer.alloc(65_536)), 5); } });
    setTimeout(() => controller.abort(), 100);
    await rejectsKind(c.write('folder/cancelled.pdf', slow, { size: 10_000_000 }, { signal: controller.signal }), 'cancelled');
    const names: string[] = [];
    for await (const e of c.list('folder')) names.push(e.name);
    assert.deepEqual(names, []);
  });

  it('creates each new folder once however many files go into it, and again after rmdir', async (t) => {
    if (!server) { t.skip(RCLONE_MISSING); return; }
    const methods: string[] = [];
    const counting: typeof fetch = (input, init) => { methods.push(init?.method ?? 'GET'); return fetch(input, init); };
    const c = new WebdavConnector({ url: server.url, username: server.username, password: server.password, root: 'cache test', fetch: counting }, TEST_CONTEXT);
    const mkcols = () => methods.filter((m) => m === 'MKCOL').length;
    const files = Array.from({ length: 50 }, (_, i) => `2024/03/${i}.pdf`);
    // Ten at a time, as the backup engine writes in parallel.
    for (let i = 0; i < files.length; i += 10) {
      await Promise.all(files.slice(i, i + 10).map((f) => c.write(f, body(f), { size: Buffer.byteLength(f) })));
    }
    assert.equal(mkcols(), 3, 'one MKCOL per level: "cache test", 2024, 03');
    const names: string[] = [];
    for await (const e of c.list('2024/03')) names.push(e.name);
    assert.equal(names.length, 50);
    await c.rmdir('2024');
    await c.write('2024/03/again.pdf', body('x'), { size: 1 });
    assert.equal(mkcols(), 5, 'rmdir forgets the removed folders');
  });
});
