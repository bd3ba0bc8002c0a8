import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startApi, type Api } from '../../src/api/harness.test.js';
import { LocalConnector } from '../../src/connectors/local/connector.js';
import { isConnectorError } from '../../src/connectors/connector.js';
import { issueApiKey } from '../../src/auth/api-keys.js';
import { ublInvoice } from '../helpers/collect.js';
import { loadConfig } from '../../src/config/config.js';

/** The repository (the install folder in a source checkout). */
const INSTALL = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

async function member(api: Api, email: string, rights: string[]): Promise<string> {
  const made = await api.call({ method: 'POST', url: '/v1/users', payload: { email, name: email.split('@')[0], rights } });
  assert.equal(made.statusCode, 201, made.body);
  return issueApiKey(api.deps.db, api.orgId, made.json().id, 'k');
}

describe('local folders: only below DOSSIER_LOCAL_ROOTS, never Dossier\'s own folders, only by an admin', () => {
  let api: Api;
  let adminId = '';
  let roots = '';
  before(async () => {
    // The temp folder holding the data folder is listed, and so is the install folder: both
    // stay forbidden even so.
    const holder = await mkdtemp(join(tmpdir(), 'dossier-sec-'));
    roots = holder;
    api = await startApi({ env: { DOSSIER_DATA_DIR: join(holder, 'data'), DOSSIER_LOCAL_ROOTS: [holder, INSTALL].join(delimiter) } });
    adminId = (await api.call({ method: 'GET', url: '/v1/users/me' })).json().id;
  });
  after(async () => { await api?.close(); await rm(roots, { recursive: true, force: true }); });

  const channel = (folder: string, key?: string) => api.call({
    method: 'POST', url: '/v1/channels', key,
    payload: { companyId: api.companyId, name: `c${Math.random()}`, kind: 'local', folder, recipientId: adminId, binderName: 'Purchases' },
  });
  // Should one be accepted by mistake, it copies nothing there: its documents start in 2999, once a day.
  const destination = (root: string, key?: string) => api.call({
    method: 'POST', url: '/v1/destinations', key,
    payload: { companyId: api.companyId, name: `d${Math.random()}`, kind: 'local', settings: { root }, layout: '{number}', startDate: '2999-01-01', schedule: 'daily@03:00' },
  });

  it('refuses a local channel or destination from a member who is not an admin', async () => {
    const collector = await member(api, 'collector@example.com', ['configure_collection']);
    const backer = await member(api, 'backer@example.com', ['manage_destinations']);
    const folder = join(roots, 'scans');
    await mkdir(folder, { recursive: true });
    const c = await channel(folder, collector);
    assert.equal(c.statusCode, 403, c.body);
    assert.match(c.json().error.message, /admin/i);
    const d = await destination(join(roots, 'out'), backer);
    assert.equal(d.statusCode, 403, d.body);
    const tried = await api.call({ method: 'POST', url: '/v1/destinations/test', key: backer, payload: { kind: 'local', settings: { root: api.deps.config.dataDir } } });
    assert.equal(tried.statusCode, 403, tried.body);
  });

  it('refuses the data folder, a folder holding it, the install folder and the web app\'s files, even when listed', async () => {
    for (const folder of [api.deps.config.dataDir, join(api.deps.config.dataDir, 'blobs'), roots, INSTALL, join(INSTALL, 'web', 'dist'), join(roots, 'x', '..', 'data')]) {
      const c = await channel(folder);
      assert.equal(c.statusCode, 400, `${folder}: ${c.body}`);
      const d = await destination(folder);
      assert.equal(d.statusCode, 400, `${folder}: ${d.body}`);
    }
    const outside = await mkdtemp(join(tmpdir(), 'dossier-unlisted-'));
    try {
      const d = await destination(outside);
      assert.equal(d.statusCode, 400);
      assert.match(d.json().error.message, /DOSSIER_LOCAL_ROOTS/);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses a listed folder reached through a symbolic link into the data folder', async () => {
    const link = join(roots, 'innocent');
    await symlink(api.deps.config.dataDir, link);
    assert.equal((await channel(link)).statusCode, 400);
    assert.equal((await destination(join(link, 'sub'))).statusCode, 400);
  });

  it('does not collect through a symbolic link planted in the folder after it was created', async () => {
    const folder = join(roots, 'client');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'invoice.xml'), ublInvoice({ number: 'SEC-1' }));
    const c = await channel(folder);
    assert.equal(c.statusCode, 201, c.body);
    await symlink(api.deps.config.dataDir, join(folder, 'data'));
    await symlink(join(api.deps.config.dataDir, 'secret.key'), join(folder, 'secret.key'));
    const started = await api.call({ method: 'POST', url: `/v1/channels/${c.json().id}/run`, payload: { confirm: true } });
    assert.equal(started.statusCode, 202, started.body);
    await api.deps.queue.idle();
    const run = (await api.call({ method: 'GET', url: `/v1/collect-runs/${started.json().runId}` })).json();
    const collected = run.items.filter((i: { outcome: string }) => i.outcome === 'collected').map((i: { path: string }) => i.path);
    assert.deepEqual(collected, ['invoice.xml']);
  });

  it('keeps the web app out of reach of every destination', async () => {
    // serve.ts serves the web app from the install folder: no destination may write there.
    const web = join(INSTALL, 'web');
    assert.equal((await destination(web)).statusCode, 400);
    assert.equal((await destination(join(INSTALL, 'dist'))).statusCode, 400);
  });
});

describe('the local connector at every open', () => {
  let dir = '';
  let root = '';
  let outside = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dossier-sec-local-'));
    root = join(dir, 'root');
    outside = join(dir, 'outside');
    await mkdir(root);
    await mkdir(outside);
    await writeFile(join(outside, 'secret.key'), 'top secret');
    await writeFile(join(root, 'inside.pdf'), 'inside');
    await symlink(outside, join(root, 'escape'));
    await symlink(join(outside, 'secret.key'), join(root, 'key.pdf'));
    await symlink(join(root, 'inside.pdf'), join(root, 'alias.pdf'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const open = () => new LocalConnector({ root }, { localFolders: { roots: [root], forbidden: [] } });
  const refused = (e: unknown) => isConnectorError(e, 'permission_denied');

  it('refuses to read, write, list or stat through a symbolic link that leaves the root', async () => {
    const c = open();
    await assert.rejects(c.read('key.pdf'), refused);
    await assert.rejects(c.read('escape/secret.key'), refused);
    await assert.rejects(c.stat('escape'), refused);
    await assert.rejects(async () => { for await (const _ of c.list('escape')) { /* nothing */ } }, refused);
    await assert.rejects(c.write('escape/planted.html', Readable.from([Buffer.from('<script>')]), { size: 8 }), refused);
    await assert.rejects(c.mkdir('escape/sub'), refused);
    assert.deepEqual(await readdir(outside), ['secret.key']);
    const names: string[] = [];
    for await (const e of c.list('')) names.push(e.name);
    assert.deepEqual(names.sort(), ['alias.pdf', 'inside.pdf']);
    const hashes = await c.hashMany(['key.pdf', 'inside.pdf'], 'sha256').catch(() => new Map());
    assert.equal(hashes.has('key.pdf'), false);
  });

  it('follows a symbolic link that stays inside the root', async () => {
    const c = open();
    const chunks: Buffer[] = [];
    for await (const chunk of await c.read('alias.pdf')) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'inside');
    await c.write('new/doc.pdf', Readable.from([Buffer.from('abc')]), { size: 3 });
    assert.equal(await readFile(join(root, 'new', 'doc.pdf'), 'utf8'), 'abc');
  });

  it('refuses a root that was replaced by a symbolic link after it was opened', async () => {
    const swapped = join(dir, 'swapped');
    await mkdir(swapped);
    const c = new LocalConnector({ root: swapped }, { localFolders: { roots: [dir], forbidden: [] } });
    await c.mkdir('');
    await rm(swapped, { recursive: true });
    await symlink(outside, swapped);
    await assert.rejects(c.read('secret.key'), refused);
  });

  it('reads DOSSIER_LOCAL_ROOTS as absolute folders, none by default', () => {
    assert.deepEqual(loadConfig({}).localRoots, []);
    assert.deepEqual(loadConfig({ DOSSIER_LOCAL_ROOTS: ['/srv/a', '/mnt/b'].join(delimiter) }).localRoots, ['/srv/a', '/mnt/b']);
    assert.throws(() => loadConfig({ DOSSIER_LOCAL_ROOTS: 'relative/folder' }), /DOSSIER_LOCAL_ROOTS/);
    assert.throws(() => loadConfig({ DOSSIER_LOCAL_ROOTS: '/srv/../etc' }), /DOSSIER_LOCAL_ROOTS/);
  });

  it('is off when no folder is listed, and says how to turn it on', async () => {
    const c = new LocalConnector({ root }, { localFolders: { roots: [], forbidden: [] } });
    await assert.rejects(c.stat(''), (e: unknown) => refused(e) && /DOSSIER_LOCAL_ROOTS/.test((e as Error).message));
  });
});
