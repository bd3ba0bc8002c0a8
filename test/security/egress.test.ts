import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startApi, type Api } from '../../src/api/harness.test.js';
import { issueApiKey } from '../../src/auth/api-keys.js';
import { isConnectorError } from '../../src/connectors/connector.js';
import { EgressPolicy } from '../../src/connectors/kit/egress.js';
import { WebdavConnector } from '../../src/connectors/webdav/connector.js';
import { connectLinks } from '../helpers/outbox.js';
import { loadConfig } from '../../src/config/config.js';
import { freePort } from '../servers/net.js';

const SECRET = 'INTERNAL-ADMIN-PANEL-SECRET';

/** A loopback HTTP service that must stay out of reach: it answers everything with a secret. */
async function internalService(status = 500): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => { res.writeHead(status, { 'content-type': 'text/plain' }); res.end(`${SECRET} ${'x'.repeat(50)}`); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('the egress policy', () => {
  const none = new EgressPolicy([]);
  it('reads DOSSIER_ALLOW_HOSTS as names, addresses and ranges, and allows none by default', () => {
    assert.deepEqual(loadConfig({}).allowHosts, []);
    assert.deepEqual(loadConfig({ DOSSIER_ALLOW_HOSTS: 'nas.internal, 10.0.5.0/24,fd00::/8' }).allowHosts, ['nas.internal', '10.0.5.0/24', 'fd00::/8']);
    assert.throws(() => loadConfig({ DOSSIER_ALLOW_HOSTS: '10.0.0.0/33' }), /DOSSIER_ALLOW_HOSTS/);
    assert.throws(() => loadConfig({ DOSSIER_ALLOW_HOSTS: 'http://nas' }), /DOSSIER_ALLOW_HOSTS/);
  });
  it('refuses loopback, private, link-local, CGNAT, multicast, reserved addresses and their IPv6 forms', () => {
    for (const a of [
      '127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '100.127.255.254',
      '0.0.0.0', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255', '192.0.2.1', '198.18.0.1',
      '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe',
      '64:ff9b::a00:1', '64:ff9b::7f00:1', '2002:7f00:1::1', '2002:c0a8:101::1', '2001:db8::1', 'fec0::1',
    ]) assert.equal(none.allowsAddress(a), false, a);
  });
  it('allows public addresses, and private ones only as the operator lists them', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808']) assert.equal(none.allowsAddress(a), true, a);
    const some = new EgressPolicy(['10.0.5.0/24', 'fd00:1::/32', '192.168.1.20']);
    assert.equal(some.allowsAddress('10.0.5.7'), true);
    assert.equal(some.allowsAddress('::ffff:10.0.5.7'), true);
    assert.equal(some.allowsAddress('10.0.6.1'), false);
    assert.equal(some.allowsAddress('fd00:1::5'), true);
    assert.equal(some.allowsAddress('192.168.1.20'), true);
    assert.equal(some.allowsAddress('192.168.1.21'), false);
  });
  it('resolves a name and checks every address it gives; a listed name may be private', async () => {
    await assert.rejects(none.resolve('localhost'), (e: unknown) => isConnectorError(e, 'permission_denied') && /not allowed/i.test((e as Error).message));
    await assert.rejects(none.resolve('127.0.0.1'), /not allowed/i);
    assert.match((await new EgressPolicy(['localhost']).resolve('LocalHost')).address, /^(127\.0\.0\.1|::1)$/);
  });
  it('gives sockets (WebDAV\'s connections) only checked addresses, and refuses the rest', async () => {
    const lookup = (p: EgressPolicy, all: boolean) => new Promise<unknown>((resolve, reject) => {
      p.lookup('localhost', { all }, (err: Error | null, address: unknown) => (err ? reject(err) : resolve(address)));
    });
    await assert.rejects(lookup(none, true), /not allowed/);
    await assert.rejects(lookup(none, false), /not allowed/);
    const listed = await lookup(new EgressPolicy(['localhost']), true) as Array<{ address: string }>;
    assert.ok(listed.length >= 1 && listed.every((a) => ['127.0.0.1', '::1'].includes(a.address)), JSON.stringify(listed));
  });
});

describe('the client invitation page reaches no internal service', () => {
  let api: Api;
  let internal: { server: Server; port: number };
  let adminId = '';
  before(async () => {
    api = await startApi({ env: { DOSSIER_ALLOW_HOSTS: '' } });
    internal = await internalService();
    adminId = (await api.call({ method: 'GET', url: '/v1/users/me' })).json().id;
  });
  after(async () => { internal?.server.close(); await api?.close(); });

  async function invitation(kind: 'sftp' | 'webdav'): Promise<string> {
    const res = await api.call({ method: 'POST', url: '/v1/channels', payload: { companyId: api.companyId, name: `c${Math.random()}`, kind, recipientId: adminId, binderName: 'P', clientEmail: 'client@example.com' } });
    assert.equal(res.statusCode, 201, res.body);
    return (await connectLinks(api.deps.config.dataDir)).at(-1)!.split('/connect/')[1]!;
  }
  const connections = async () => (await api.deps.db.selectFrom('connections').select('id').execute()).length;
  const server = (token: string, settings: Record<string, unknown>, ip = '203.0.113.9') =>
    api.call({ method: 'POST', url: `/v1/invitations/${token}/server`, key: null, payload: { settings }, remoteAddress: ip });

  it('refuses loopback and private servers, says so in words, and keeps nothing', async () => {
    const before = await connections();
    const dav = await invitation('webdav');
    for (const url of [`http://127.0.0.1:${internal.port}/`, `http://localhost:${internal.port}/`, `http://[::1]:${internal.port}/`, 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/']) {
      const res = await server(dav, { url, username: 'u', password: 'p' });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.match(res.json().error.message, /The address is not allowed/);
      assert.ok(!res.body.includes(SECRET));
    }
    const sftp = await invitation('sftp');
    const res = await server(sftp, { host: '127.0.0.1', port: internal.port, username: 'u', password: 'p' });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().error.message, /The address is not allowed/);
    assert.equal(await connections(), before, 'a failed try leaves no connection behind');
    // The HTML form says the same.
    const form = await api.app.inject({ method: 'POST', url: `/connect/${sftp}/server`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `host=127.0.0.1&port=${internal.port}&username=u&password=p`, remoteAddress: '203.0.113.10' });
    assert.match(form.body, /The address is not allowed/);
    assert.ok(!form.body.includes(SECRET));
  });

  it('limits the tries per link and per client address', async () => {
    const token = await invitation('sftp');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await server(token, { host: '10.9.9.9', port: 22, username: 'u', password: 'p' }, '198.51.100.1')).statusCode);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(400));
    assert.equal(statuses[10], 429);
    // From one client address, across links.
    const links = [await invitation('sftp'), await invitation('sftp'), await invitation('sftp')];
    let last = 0;
    for (let i = 0; i < 21; i++) last = (await server(links[Math.floor(i / 9)]!, { host: '10.9.9.9', port: 22, username: 'u', password: 'p' }, '198.51.100.2')).statusCode;
    assert.equal(last, 429);
    assert.match((await server(links[2]!, { host: '10.9.9.9', port: 22, username: 'u', password: 'p' }, '198.51.100.2')).json().error.message, /Too many tries/);
  });
});

describe('errors a visitor sees do not tell ports apart nor echo the server', () => {
  let api: Api;
  let internal: { server: Server; port: number };
  let silent: ReturnType<typeof createTcpServer>;
  let silentPort = 0;
  let adminId = '';
  before(async () => {
    api = await startApi({ env: { DOSSIER_ALLOW_HOSTS: '127.0.0.1' } });
    internal = await internalService();
    // Open, but not SSH: accepts and closes at once.
    silent = createTcpServer((s) => s.destroy());
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentPort = (silent.address() as AddressInfo).port;
    adminId = (await api.call({ method: 'GET', url: '/v1/users/me' })).json().id;
  });
  after(async () => { internal?.server.close(); silent?.close(); await api?.close(); });

  async function invitation(kind: 'sftp' | 'webdav'): Promise<string> {
    const res = await api.call({ method: 'POST', url: '/v1/channels', payload: { companyId: api.companyId, name: `c${Math.random()}`, kind, recipientId: adminId, binderName: 'P', clientEmail: 'client@example.com' } });
    return (await connectLinks(api.deps.config.dataDir)).at(-1)!.split('/connect/')[1]!;
  }
  const message = async (token: string, settings: Record<string, unknown>, ip: string) => {
    const res = await api.call({ method: 'POST', url: `/v1/invitations/${token}/server`, key: null, payload: { settings }, remoteAddress: ip });
    assert.equal(res.statusCode, 400, res.body);
    assert.ok(!res.body.includes(SECRET), res.body);
    // The reason and its params too: a visitor must not tell one failure from another by them either.
    const { message: said, reason, params } = res.json().error;
    return `${said} ${reason} ${JSON.stringify(params ?? {})}`;
  };

  it('SFTP: a closed port, an HTTP service and a port that hangs up read the same', async () => {
    const closed = await freePort();
    const token = await invitation('sftp');
    const login = { username: 'u', password: 'p' };
    const seen = new Set([
      await message(token, { host: '127.0.0.1', port: closed, ...login }, '198.51.100.20'),
      await message(token, { host: '127.0.0.1', port: internal.port, ...login }, '198.51.100.21'),
      await message(token, { host: '127.0.0.1', port: silentPort, ...login }, '198.51.100.22'),
    ]);
    assert.equal(seen.size, 1, [...seen].join(' | '));
    assert.match([...seen][0]!, /The server could not be reached.* server_unreachable \{\}$/);
  });

  it('WebDAV: a closed port and an HTTP service that is not WebDAV read the same, without its body', async () => {
    const closed = await freePort();
    const token = await invitation('webdav');
    const login = { username: 'u', password: 'p' };
    const seen = new Set([
      await message(token, { url: `http://127.0.0.1:${closed}/`, ...login }, '198.51.100.30'),
      await message(token, { url: `http://127.0.0.1:${internal.port}/`, ...login }, '198.51.100.31'),
      await message(token, { url: `http://127.0.0.1:${silentPort}/`, ...login }, '198.51.100.32'),
    ]);
    assert.equal(seen.size, 1, [...seen].join(' | '));
    assert.match([...seen][0]!, /The server could not be reached.* server_unreachable \{\}$/);
  });

  it('POST /v1/destinations/test needs the right to manage destinations', async () => {
    const made = await api.call({ method: 'POST', url: '/v1/users', payload: { email: 'reader@example.com', name: 'reader', rights: ['review_inbox'] } });
    const key = await issueApiKey(api.deps.db, api.orgId, made.json().id, 'k');
    const res = await api.call({ method: 'POST', url: '/v1/destinations/test', key, payload: { kind: 'webdav', settings: { url: `http://127.0.0.1:${internal.port}/`, username: 'u', password: 'p' } } });
    assert.equal(res.statusCode, 403, res.body);
    assert.ok(!res.body.includes(SECRET));
  });
});

describe('WebDAV follows no redirect to another server', () => {
  let dav: Server;
  let internal: { server: Server; port: number };
  before(async () => {
    internal = await internalService(200);
    dav = createServer((req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${internal.port}/secret` });
      res.end();
    });
    await new Promise<void>((r) => dav.listen(0, '127.0.0.1', r));
  });
  after(() => { dav?.close(); internal?.server.close(); });

  it('does not hand back another server\'s answer as a file', async () => {
    const c = new WebdavConnector({ url: `http://127.0.0.1:${(dav.address() as AddressInfo).port}/dav/`, username: 'u', password: 'p', root: '' }, { egress: new EgressPolicy(['127.0.0.1']) });
    const body = await c.read('invoice.pdf').then(async (s) => { let t = ''; for await (const chunk of s) t += chunk; return t; }, (e: Error) => e.message);
    assert.ok(!body.includes(SECRET), body);
  });
});
