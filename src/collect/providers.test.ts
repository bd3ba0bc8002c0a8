import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConnectorDefinition, StorageConnector } from '../connectors/connector.js';
import { body } from '../connectors/conformance/helpers.js';
import { onedriveDefinition } from '../connectors/onedrive/index.js';
import { OneDriveConnector } from '../connectors/onedrive/connector.js';
import { gdriveDefinition } from '../connectors/gdrive/index.js';
import { GoogleDriveConnector } from '../connectors/gdrive/connector.js';
import { dropboxDefinition } from '../connectors/dropbox/index.js';
import { DropboxConnector } from '../connectors/dropbox/connector.js';
import { startGraphEmulator } from '../sandbox/graph/server.js';
import { startGdriveEmulator } from '../sandbox/gdrive/server.js';
import { startDropboxEmulator } from '../sandbox/dropbox/server.js';
import { startCollectWorld, ublInvoice, type CollectWorld } from '../../test/helpers/collect.js';
import { updateChannel, type Channel } from '../catalog/channels.js';
import { listInbox } from '../catalog/inbox.js';

/**
 * Collection end to end through the real OneDrive, Google Drive and Dropbox connectors and
 * their change feeds, against the emulators, with the feed's edge cases (docs/providers/onedrive.md,
 * google-drive.md and dropbox.md, "Change feed"):
 * pages across runs, a feed that resets (Graph 410, Dropbox reset, Drive's refused page
 * token), deletes by id without a name, Dropbox deletes by path, Drive's trashed and removed.
 */
interface Provider {
  kind: 'onedrive' | 'gdrive' | 'dropbox';
  /** The provider's connector over the emulator, rooted at `root`, feed pages of `pageSize`. */
  connector(root: string, pageSize?: number): StorageConnector;
  /** Makes the stored feed cursor invalid, as the provider does now and then. */
  resetFeed(): void;
  /** Deletes a file for good, past any trash (for Drive, where the connector only trashes). */
  removeForGood?(id: string): Promise<void>;
  stop(): Promise<void>;
}

const PAGE = 2;
const fast = { perSecond: 1e6, burst: 1e6 };

const providers: Array<{ name: string; start(): Promise<Provider> }> = [
  // Business serves delta for the whole drive only and leaves names out of deletes; personal
  // OneDrive serves folder delta and names what it deletes: the connector must do with both.
  ...(['business', 'personal'] as const).map((driveType) => ({ name: `OneDrive ${driveType === 'business' ? 'for Business' : 'personal'} (Graph)`, start: async (): Promise<Provider> => {
    const emu = await startGraphEmulator({ driveType });
    return {
      kind: 'onedrive', stop: () => emu.stop(), resetFeed: () => emu.state.invalidateDelta('una'),
      connector: (root, pageSize) => new OneDriveConnector({ baseUrl: emu.url, location: 'drive', root, tokens: emu.tokenSource('una'), feedPageSize: pageSize }),
    };
  } })),
  { name: 'Google Drive', start: async () => {
    const emu = await startGdriveEmulator();
    return {
      kind: 'gdrive', stop: () => emu.stop(), resetFeed: () => emu.state.expireChangeTokens('gus'),
      connector: (root, pageSize) => new GoogleDriveConnector({ baseUrl: emu.url, root, tokens: emu.tokenSource('gus'), pacing: fast, feedPageSize: pageSize }),
      removeForGood: async (id) => {
        const res = await fetch(`${emu.url}/drive/v3/files/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${emu.tokenFor('gus')}` } });
        assert.equal(res.status, 204);
      },
    };
  } },
  { name: 'Dropbox', start: async () => {
    const emu = await startDropboxEmulator();
    return {
      kind: 'dropbox', stop: () => emu.stop(), resetFeed: () => emu.state.resetCursors('dana'),
      connector: (root, pageSize) => new DropboxConnector({ apiUrl: emu.url, contentUrl: emu.contentUrl, root, tokens: emu.tokenSource('dana', { access: 'full' }), feedPageSize: pageSize }),
    };
  } },
];

const definitionOf: Record<Provider['kind'], ConnectorDefinition> = { onedrive: onedriveDefinition, gdrive: gdriveDefinition, dropbox: dropboxDefinition };

for (const { name, start } of providers) {
  describe(`collecting from ${name} through its change feed`, () => {
    let p: Provider;
    let w: CollectWorld;
    let channel: Channel;
    let client: StorageConnector; // the client, working in the drive
    const calls = { changes: 0, read: 0 };
    let failFeedPage: number | null = null; // the feed call of a run that fails, as a network would

    before(async () => {
      p = await start();
      client = p.connector('');
      // The real connector, as the collect service opens it for the channel's folder, with its calls counted.
      const definition: ConnectorDefinition = {
        ...definitionOf[p.kind],
        create: async (settings) => {
          const inner = p.connector(String((settings as { root?: string }).root ?? ''), PAGE);
          let feedCalls = 0;
          return new Proxy(inner, {
            get(target, prop, receiver) {
              const v = Reflect.get(target, prop, receiver);
              if (prop === 'changes') {
                return (...args: unknown[]) => {
                  calls.changes++;
                  if (++feedCalls === failFeedPage) return Promise.reject(new Error('The network went away.'));
                  return (v as (...a: unknown[]) => unknown).apply(target, args);
                };
              }
              if (prop === 'read') return (...args: unknown[]) => { calls.read++; return (v as (...a: unknown[]) => unknown).apply(target, args); };
              return typeof v === 'function' ? v.bind(target) : v;
            },
          });
        },
      };
      w = await startCollectWorld({ definitions: [definition] });
      await client.mkdir('Inbox');
      const made = await w.channel({ kind: p.kind, clientEmail: 'client@example.com' });
      // As if the client had connected and chosen the folder.
      channel = await updateChannel(w.deps.db, w.orgId, made.id, { state: 'active', folder: 'Inbox' });
    });
    after(async () => { await client?.close(); await w?.close(); await p?.stop(); });

    const put = (path: string, bytes: Buffer) => client.write(path, body(bytes), { size: bytes.length });
    const run = async () => {
      calls.changes = 0;
      calls.read = 0;
      return w.deps.collect.runs.runNow(w.orgId, channel.id, null);
    };
    const inbox = async () => (await w.deps.queue.idle(), await listInbox(w.deps.db, w.orgId, { limit: 1000 })).filter((i) => i.channelId === channel.id);
    const numbers = async () => (await inbox()).map((i) => i.fields.number?.value).sort();
    const row = (key: string) => w.deps.db.selectFrom('channel_items').selectAll().where('channel_id', '=', channel.id).where('item_key', '=', key).executeTakeFirst();
    const ids: Record<string, string> = {};

    it('enumerates the folder page by page on the first run, then reads only what changed', async () => {
      for (let i = 1; i <= 5; i++) ids[`A-${i}`] = (await put(`Inbox/${i < 4 ? '' : 'sub/'}a-${i}.xml`, ublInvoice({ number: `A-${i}` }))).id!;
      await put('Elsewhere.xml', ublInvoice({ number: 'NOT-MINE' }));
      const first = await run();
      assert.equal(first.status, 'done', first.error ?? '');
      assert.deepEqual([first.found, first.collected], [5, 5]);
      assert.ok(calls.changes >= 3, `pages of ${PAGE}: ${calls.changes} feed calls`);
      assert.deepEqual(await numbers(), ['A-1', 'A-2', 'A-3', 'A-4', 'A-5']);

      ids['A-6'] = (await put('Inbox/a-6.xml', ublInvoice({ number: 'A-6' }))).id!;
      const second = await run();
      assert.deepEqual([second.found, second.collected], [1, 1]);
      assert.equal(calls.read, 1, 'one download for one new file');
    });

    it('carries a feed that broke mid-way over to the next run from the last page filed, collecting nothing twice', async () => {
      for (let i = 1; i <= 6; i++) await put(`Inbox/b-${i}.xml`, ublInvoice({ number: `B-${i}` }));
      failFeedPage = 2;
      const broken = await run();
      failFeedPage = null;
      assert.equal(broken.status, 'failed');
      assert.match(broken.error ?? '', /network went away/);
      assert.ok(broken.collected < 6, `the run stopped after ${broken.collected} files`);
      const next = await run();
      assert.equal(next.status, 'done', next.error ?? '');
      assert.equal(broken.collected + next.collected, 6, 'every file once over the two runs');
      assert.deepEqual((await numbers()).filter((n) => String(n).startsWith('B-')), ['B-1', 'B-2', 'B-3', 'B-4', 'B-5', 'B-6']);
    });

    it('does not collect a file renamed or moved within the folder again', async () => {
      await client.move!('Inbox/a-1.xml', 'Inbox/sub/a-1 renamed.xml');
      await client.move!('Inbox/sub/a-4.xml', 'Inbox/a-4.xml');
      const r = await run();
      assert.equal(r.status, 'done', r.error ?? '');
      assert.deepEqual([r.found, r.collected, calls.read], [0, 0, 0]);
      assert.equal((await row(ids['A-1']!))?.path, 'sub/a-1 renamed.xml', 'the ledger follows the file');
    });

    it('records deleted files as gone, whether the feed names them or not, and files below a deleted folder', async () => {
      await client.remove('Inbox/a-2.xml');
      if (p.removeForGood) await p.removeForGood(ids['A-3']!); // Drive: one trashed, one removed for good
      else await client.remove('Inbox/a-3.xml');
      await client.rmdir('Inbox/sub');
      const r = await run();
      assert.equal(r.status, 'done', r.error ?? '');
      for (const n of ['A-1', 'A-2', 'A-3', 'A-5']) assert.equal((await row(ids[n]!))?.state, 'gone', `${n} is gone`);
      assert.equal((await row(ids['A-4']!))?.state, 'collected', 'a file that stays is not gone');
      assert.equal((await inbox()).length, 12, 'what was collected stays in the inbox');

      // The same bytes back under another name: a file that was collected, not a duplicate.
      await put('Inbox/back.xml', ublInvoice({ number: 'A-2' }));
      const back = await run();
      assert.deepEqual([back.found, back.collected, back.skipped, back.duplicates], [1, 0, 1, 0]);
    });

    it('starts over when the provider resets the feed, collecting only the new file', async () => {
      p.resetFeed();
      await put('Inbox/c-1.xml', ublInvoice({ number: 'C-1' }));
      const r = await run();
      assert.equal(r.status, 'done', r.error ?? '');
      assert.deepEqual([r.found, r.collected], [1, 1]);
      assert.equal(calls.read, 1, 'files listed again are known by their hash: not downloaded');
      assert.equal((await inbox()).length, 13);
      assert.equal(new Set((await inbox()).map((i) => i.sha256)).size, 13, 'nothing filed twice');
    });
  });
}
