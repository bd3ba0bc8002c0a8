import assert from 'node:assert/strict';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startCollectWorld, type CollectWorld } from '../../../test/helpers/collect.js';
import { appendMessages, composeMail, dovecotSettings, tinyPdf } from '../../../test/helpers/mail.js';
import { TEST_CONTEXT } from '../../../test/helpers/limits.js';
import { startDovecot, DOVECOT_MISSING, type TestDovecot } from '../../../test/servers/dovecot.js';
import { listInbox } from '../../catalog/inbox.js';
import type { Channel } from '../../catalog/channels.js';
import { imapDefinition } from '../../connectors/imap/index.js';
import { silentLogger } from '../../log/log.js';
import { MailWatcher } from './watch.js';

const dovecot = await startDovecot();

const invoice = (id: string) => composeMail({ messageId: `<${id}@supplier.example>`, attachments: [{ filename: `${id}.pdf`, content: tinyPdf(id) }] });

/** A TCP relay to Dovecot that the test can cut, as a dropped network connection would. */
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

describe('watching an IMAP mailbox with IDLE (Dovecot)', { skip: dovecot ? false : DOVECOT_MISSING }, () => {
  const d = dovecot as TestDovecot;
  let w: CollectWorld;
  before(async () => { w = await startCollectWorld({ readDocuments: false }); });
  after(async () => { await w?.close(); await d?.stop(); });
  const inboxOf = async (c: Channel) => (await listInbox(w.deps.db, w.orgId, { companyId: w.companyId, limit: 1000 })).filter((i) => i.channelId === c.id);
  const until = async (what: string, ok: () => Promise<boolean>, ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end) { if (await ok()) return; await new Promise((r) => setTimeout(r, 100)); }
    assert.fail(`${what} within ${ms} ms`);
  };

  it('files a message appended to the mailbox within seconds, without a run asked for', async () => {
    await appendMessages(d, [await invoice('watch-before')], 'Watched');
    const channel = await w.channel({ kind: 'email', settings: { ...dovecotSettings(d), mailbox: 'Watched' }, mail: { others: 'accept' } });
    await w.deps.collect.watcher.start();
    try {
      assert.deepEqual(w.deps.collect.watcher.watching(), [channel.id]);
      // What came before the watcher listened is taken when it connects.
      await until('the message already there is filed', async () => (await inboxOf(channel)).length === 1, 15_000);
      await new Promise((r) => setTimeout(r, 500)); // the watcher is back in IDLE
      const appended = Date.now();
      await appendMessages(d, [await invoice('watch-new')], 'Watched');
      await until('the new message is filed', async () => (await inboxOf(channel)).some((i) => i.filename === 'watch-new.pdf'), 5_000);
      const runs = await w.deps.collect.runs.list(w.orgId, channel.id);
      assert.ok(runs.some((r) => r.trigger === 'new_mail'), 'the run was queued by the watcher');
      assert.ok(Date.now() - appended < 5_000);
      // Paused: no longer watched.
      await w.deps.collect.channels.pause(w.orgId, channel.id);
      await w.deps.collect.watcher.refresh();
      assert.deepEqual(w.deps.collect.watcher.watching(), []);
    } finally {
      await w.deps.collect.watcher.stop();
    }
  });

  it('connects again after the connection drops, with a pause, and hears of mail that came meanwhile', async () => {
    const cut = await relay(d.port);
    const settings = imapDefinition.settings.parse({ ...dovecotSettings(d), port: cut.port, mailbox: 'Dropped' });
    let opened = 0;
    const asked: string[] = [];
    const channel = { id: 'chn_drop', orgId: w.orgId, cursor: null } as unknown as Channel;
    const watcher = new MailWatcher({
      db: w.deps.db, log: silentLogger,
      openMailbox: async () => { opened++; return imapDefinition.create(settings, TEST_CONTEXT); },
      request: async (_org, id) => { asked.push(id); },
    }, { backoffMs: 200, maxBackoffMs: 1_000 });
    await appendMessages(d, [await invoice('drop-0')], 'Dropped');
    // The watcher's own loop on one channel, without the catalog's list.
    (watcher as unknown as { watch(c: Channel, v: string): void }).watch(channel, 'v1');
    try {
      await until('the first connection asks for a run (mail past the cursor)', async () => asked.length === 1, 10_000);
      cut.cut();
      await appendMessages(d, [await invoice('drop-1')], 'Dropped');
      await until('the watcher connects again and asks again', async () => opened >= 2 && asked.length >= 2, 10_000);
      const before = asked.length;
      await new Promise((r) => setTimeout(r, 300));
      await appendMessages(d, [await invoice('drop-2')], 'Dropped');
      await until('IDLE on the new connection hears the next message', async () => asked.length > before, 5_000);
    } finally {
      await watcher.stop();
      await cut.close();
    }
  });

  it('does not watch a server without IDLE: the channel stays on its schedule', async () => {
    let waited = 0;
    const channel = { id: 'chn_noidle', orgId: w.orgId, cursor: null } as unknown as Channel;
    const watcher = new MailWatcher({
      db: w.deps.db, log: silentLogger,
      openMailbox: async () => ({ canIdle: () => false, waitForMail: async () => { waited++; return false; }, close: async () => undefined }) as never,
      request: async () => undefined,
    });
    (watcher as unknown as { watch(c: Channel, v: string): void }).watch(channel, 'v1');
    await new Promise((r) => setTimeout(r, 100));
    await watcher.stop();
    assert.equal(waited, 0);
  });
});
