import assert from 'node:assert/strict';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSshd, SSHD_MISSING, type TestSshd } from '../../test/servers/sshd.js';
import { startWebdav, RCLONE_MISSING, type TestWebdav } from '../../test/servers/webdav.js';
import { startCollectWorld, ublInvoice, type CollectWorld } from '../../test/helpers/collect.js';
import { testDatabases } from '../../test/helpers/databases.js';
import { listInbox } from '../catalog/inbox.js';
import { Readable } from 'node:stream';
import { webdavDefinition } from '../connectors/webdav/index.js';
import { TEST_CONTEXT } from '../../test/helpers/limits.js';

/** The same exactly-once story against each real server: collect, rename, add, touch nothing. */
interface Client { write(path: string, body: Buffer): Promise<void>; rename(from: string, to: string): Promise<void> }

/** The client's side: files put straight into the server's folder. */
const onDisk = (dir: string): Client => ({
  write: async (path, body) => { await mkdir(join(dir, path, '..'), { recursive: true }); await writeFile(join(dir, path), body); },
  rename: (from, to) => rename(join(dir, from), join(dir, to)),
});

/** The client's side over WebDAV itself: the server caches listings, as Nextcloud's clients see it. */
async function overWebdav(webdav: TestWebdav, root: string): Promise<Client> {
  const c = await webdavDefinition.create(webdavDefinition.settings.parse({ url: webdav.url, username: webdav.username, password: webdav.password, root }), TEST_CONTEXT);
  return {
    write: async (path, body) => { await c.write(path, Readable.from([body]), { size: body.length }); },
    rename: async (from, to) => { await c.move!(from, to); },
  };
}

async function story(w: CollectWorld, channelId: string, client: Client, prefix: string): Promise<void> {
  const run = (who: string | null = null) => w.deps.collect.runs.runNow(w.orgId, channelId, who);
  await client.write('one.xml', ublInvoice({ number: `${prefix}-1` }));
  await client.write('sub/two.xml', ublInvoice({ number: `${prefix}-2` }));
  const first = await run(w.userId);
  assert.equal(first.status, 'done', first.error ?? '');
  assert.deepEqual([first.found, first.collected], [2, 2]);
  await client.rename('one.xml', 'sub/one-moved.xml');
  await client.write('three.xml', ublInvoice({ number: `${prefix}-3` }));
  const second = await run();
  assert.deepEqual([second.collected, second.skipped, second.duplicates, second.failed], [1, 1, 0, 0]);
  const third = await run();
  assert.deepEqual([third.found, third.collected], [0, 0]);
  await w.deps.queue.idle(); // the documents are read by their jobs
  const numbers = (await listInbox(w.deps.db, w.orgId, { limit: 100 })).filter((i) => i.channelId === channelId).map((i) => i.fields.number?.value).sort();
  assert.deepEqual(numbers, [`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]);
}

describe('collecting from real servers', async () => {
  const sshd: TestSshd | null = await startSshd();
  const webdav: TestWebdav | null = await startWebdav();
  let w: CollectWorld;
  before(async () => { w = await startCollectWorld(); });
  after(async () => { await w?.close(); await sshd?.stop(); await webdav?.stop(); });

  it('SFTP (OpenSSH)', { skip: sshd ? false : SSHD_MISSING }, async () => {
    const root = await sshd!.newRoot();
    const channel = await w.channel({ kind: 'sftp', settings: { host: sshd!.host, port: sshd!.port, username: sshd!.username, privateKey: sshd!.privateKey, root } });
    assert.equal(channel.state, 'active');
    assert.equal(channel.folder, root);
    const row = await w.deps.db.selectFrom('connections').selectAll().where('id', '=', channel.connectionId!).executeTakeFirstOrThrow();
    assert.ok(!row.settings.includes('PRIVATE KEY'), 'the key is sealed, not in the settings');
    await story(w, channel.id, onDisk(root), 'SFTP');
  });

  it('WebDAV (rclone serve webdav)', { skip: webdav ? false : RCLONE_MISSING }, async () => {
    await mkdir(join(webdav!.dir, 'inbox'));
    const client = await overWebdav(webdav!, 'inbox');
    const channel = await w.channel({ kind: 'webdav', settings: { url: webdav!.url, username: webdav!.username, password: webdav!.password, root: 'inbox' } });
    assert.equal(channel.folder, 'inbox');
    await story(w, channel.id, client, 'DAV');
  });

  it('a wrong password fails when the channel is made, not at night', { skip: webdav ? false : RCLONE_MISSING }, async () => {
    await assert.rejects(w.channel({ kind: 'webdav', settings: { url: webdav!.url, username: webdav!.username, password: 'wrong', root: '' } }), /could not read the folder/);
  });
});

describe('the channel ledger on each database', async () => {
  for (const d of await testDatabases()) {
    it(d.name, { skip: d.skip }, async () => {
      const w = await startCollectWorld({ postgres: d.name === 'postgresql' });
      try {
        const dir = await w.folder('db');
        const channel = await w.channel({ kind: 'local', folder: dir });
        await story(w, channel.id, onDisk(dir), d.name);
      } finally {
        await w.close();
      }
    });
  }
});
