import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ImapFlow } from 'imapflow';
import { startCollectWorld, type CollectWorld } from '../../../test/helpers/collect.js';
import { appendMessages, composeMail, dovecotSettings, tinyPdf } from '../../../test/helpers/mail.js';
import { startDovecot, DOVECOT_MISSING, type TestDovecot } from '../../../test/servers/dovecot.js';
import { listInbox } from '../../catalog/inbox.js';
import type { Channel } from '../../catalog/channels.js';

const dovecot = await startDovecot();

const invoices = (from: number, count: number) => Promise.all(Array.from({ length: count }, (_, i) => composeMail({
  messageId: `<imap-${from + i}@supplier.example>`, attachments: [{ filename: `inv-${from + i}.pdf`, content: tinyPdf(`imap ${from + i}`) }],
})));

describe('collecting from an IMAP mailbox (Dovecot)', { skip: dovecot ? false : DOVECOT_MISSING }, () => {
  const d = dovecot as TestDovecot;
  let w: CollectWorld;
  before(async () => { w = await startCollectWorld({ readDocuments: false }); });
  after(async () => { await w?.close(); await d?.stop(); });
  const inboxOf = async (c: Channel) => (await listInbox(w.deps.db, w.orgId, { companyId: w.companyId, limit: 1000 })).filter((i) => i.channelId === c.id);

  it('takes each new message once, fetches only new ones, and leaves the mailbox as it was', async () => {
    await appendMessages(d, await invoices(0, 5));
    const channel = await w.channel({ kind: 'email', settings: dovecotSettings(d), mail: { others: 'accept' } });
    assert.equal(channel.state, 'active');
    const first = await w.deps.collect.runs.runNow(w.orgId, channel.id, w.userId);
    assert.equal(first.status, 'done', first.error ?? '');
    assert.deepEqual([first.found, first.collected], [5, 5]);
    const quiet = await w.deps.collect.runs.runNow(w.orgId, channel.id, w.userId);
    assert.deepEqual([quiet.found, quiet.collected], [0, 0]);
    await appendMessages(d, await invoices(5, 2));
    const next = await w.deps.collect.runs.runNow(w.orgId, channel.id, w.userId);
    assert.deepEqual([next.found, next.collected], [2, 2]);
    assert.equal((await inboxOf(channel)).length, 7);
    // By default nothing in the mailbox changes: every message is still there, unread.
    const client = new ImapFlow({ host: d.host, port: d.port, secure: true, auth: { user: d.username, pass: d.password }, tls: { ca: d.certificate }, logger: false });
    await client.connect();
    const box = await client.mailboxOpen('INBOX');
    assert.equal(box.exists, 7);
    const seen = [];
    for await (const m of client.fetch('1:*', { flags: true })) if (m.flags?.has('\\Seen')) seen.push(m.seq);
    assert.deepEqual(seen, []);
    await client.logout();

    // The mailbox rebuilt (a new UIDVALIDITY): read again from the start, nothing filed twice.
    await w.deps.db.updateTable('mail_messages').set({ uid_validity: 1 }).where('channel_id', '=', channel.id).execute();
    await w.deps.db.updateTable('channels').set({ cursor: '1:7' }).where('id', '=', channel.id).execute();
    const reread = await w.deps.collect.runs.runNow(w.orgId, channel.id, w.userId);
    assert.deepEqual([reread.found, reread.collected, reread.skipped], [7, 0, 7]);
    assert.equal((await inboxOf(channel)).length, 7);
  });

  it('moves collected messages to a folder when the channel asks, and refuses a wrong password when created', async () => {
    await appendMessages(d, await invoices(100, 2), 'Moving');
    const channel = await w.channel({ kind: 'email', settings: { ...dovecotSettings(d), mailbox: 'Moving' }, mail: { others: 'accept', processed: { action: 'move', folder: 'Done' } } });
    const run = await w.deps.collect.runs.runNow(w.orgId, channel.id, w.userId);
    assert.deepEqual([run.status, run.collected], ['done', 2]);
    const client = new ImapFlow({ host: d.host, port: d.port, secure: true, auth: { user: d.username, pass: d.password }, tls: { ca: d.certificate }, logger: false });
    await client.connect();
    assert.equal((await client.status('Moving', { messages: true }) || { messages: -1 }).messages, 0);
    assert.equal((await client.status('Done', { messages: true }) || { messages: -1 }).messages, 2);
    await client.logout();
    await assert.rejects(w.channel({ kind: 'email', settings: { ...dovecotSettings(d), password: 'wrong' } }), /could not open the mailbox.*refused the user name or password/);
  });

  it('does not connect to a private address the operator did not allow', async () => {
    const strict = await startCollectWorld({ readDocuments: false, env: { DOSSIER_ALLOW_HOSTS: '' } });
    try {
      await assert.rejects(strict.channel({ kind: 'email', settings: dovecotSettings(d) }), /not allowed/);
    } finally {
      await strict.close();
    }
  });
});
