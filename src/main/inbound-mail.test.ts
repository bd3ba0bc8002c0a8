import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCollectWorld, type CollectWorld } from '../../test/helpers/collect.js';
import { sendMail } from '../../test/helpers/inbound-smtp.js';
import { composeMail, tinyPdf } from '../../test/helpers/mail.js';
import { listInbox } from '../catalog/inbox.js';
import { listCollectRunItems, listCollectRuns } from '../catalog/collect-runs.js';
import { getMailMessage } from '../catalog/mail-messages.js';
import { updateChannel, type Channel } from '../catalog/channels.js';
import { DEFAULT_MAIL_OPTIONS } from '../domain/channels.js';
import type { InboundSmtp } from '../mail/inbound/listener.js';
import { startInboundMail } from './inbound-mail.js';

/** DNS where the supplier's SPF lists the loopback address: what a sender on this machine passes with. */
const resolver = async (domain: string, rrtype: string) => {
  if (rrtype === 'TXT' && domain === 'supplier.example') return [['v=spf1 ip4:127.0.0.1 -all']];
  throw Object.assign(new Error(`ENOTFOUND ${domain}`), { code: 'ENOTFOUND' });
};

const refusedWith = async (p: Promise<unknown>) => {
  const e = await p.then(() => null, (err: { responseCode?: number; rejectedErrors?: Array<{ responseCode?: number }> }) => err);
  return e?.rejectedErrors?.[0]?.responseCode ?? e?.responseCode ?? null;
};

for (const postgres of [false, true]) {
  describe(`mail received by Dossier's SMTP server, filed into its channel (${postgres ? 'PostgreSQL' : 'SQLite'})`, () => {
    let w: CollectWorld;
    let smtp: InboundSmtp;
    let channel: Channel;
    let address = '';
    before(async () => {
      w = await startCollectWorld({ postgres, env: { DOSSIER_SMTP_INBOUND: '127.0.0.1:0', DOSSIER_SMTP_DOMAIN: 'in.example.com' } });
      smtp = (await startInboundMail(w.deps, { resolver }))!;
      channel = await w.channel({ kind: 'email', name: 'Acme – Purchases' });
      // Every sender is let in (the default holds mail from senders off the allow-list for review).
      channel = await updateChannel(w.deps.db, w.orgId, channel.id, { options: { mail: { ...DEFAULT_MAIL_OPTIONS, others: 'accept' } } });
      address = (await w.deps.collect.channels.intakeAddress(w.orgId, channel.id))!;
    });
    after(async () => { await smtp?.close(); await w?.close(); });
    const inbox = async () => (await listInbox(w.deps.db, w.orgId, { companyId: w.companyId, limit: 1000 })).filter((i) => i.channelId === channel.id);

    it('gives the channel an address of its own made from its name, active at once', () => {
      assert.match(address, /^acme-purchases-[a-z2-9]{6}@in\.example\.com$/);
      assert.equal(channel.state, 'active');
    });

    it('files an attachment once, however often the same mail comes, with its SPF result and a run per mail', async () => {
      const mail = { port: smtp.port, from: 'ap@supplier.example', to: address, subject: 'Invoice F-1', attachments: [{ filename: 'F-1.pdf', content: tinyPdf('F-1') }] };
      const first = await sendMail({ ...mail });
      assert.match(first.response, /^250/);
      await smtp.idle();
      const items = await inbox();
      assert.deepEqual(items.map((i) => i.filename), ['F-1.pdf']);
      const m = await getMailMessage(w.deps.db, channel.id, `mid:${first.messageId.replace(/^<|>$/g, '')}`);
      assert.deepEqual([m?.source, m?.outcome, m?.spf, m?.envelopeFrom], ['smtp', 'collected', 'pass', 'ap@supplier.example']);

      // A sender's retry after a lost 250 sends the same message (same Message-ID) again.
      const raw = await composeMail({ messageId: first.messageId, from: 'ap@supplier.example', subject: 'Invoice F-1', attachments: [{ filename: 'F-1.pdf', content: tinyPdf('F-1') }] });
      await sendMail({ port: smtp.port, from: 'ap@supplier.example', to: address, raw });
      await smtp.idle();
      assert.equal((await inbox()).length, 1, 'filed once');
      const runs = (await listCollectRuns(w.deps.db, w.orgId, channel.id, 10)).filter((r) => r.trigger === 'smtp');
      assert.equal(runs.length, 2);
      assert.ok(runs.every((r) => r.status === 'done'));
      const lines = await listCollectRunItems(w.deps.db, w.orgId, runs.at(-1)!.id, 0, 100);
      assert.deepEqual(lines.map((l) => l.outcome).sort(), ['collected', 'received']);
    });

    it('refuses at RCPT an address no channel has, and a removed channel\'s', async () => {
      assert.equal(await refusedWith(sendMail({ port: smtp.port, to: 'nobody@in.example.com' })), 550);
      const gone = await w.channel({ kind: 'email', name: 'Gone', mailbox: 'gone-soon' });
      await updateChannel(w.deps.db, w.orgId, gone.id, { state: 'removed' });
      assert.equal(await refusedWith(sendMail({ port: smtp.port, to: 'gone-soon@in.example.com' })), 550);
      await assert.rejects(w.channel({ kind: 'email', name: 'Again', mailbox: 'gone-soon' }), /taken/, 'a removed channel\'s address is never given again');
    });

    it('gives hostile mail an outcome in the history, and keeps serving', async () => {
      const before = (await listCollectRuns(w.deps.db, w.orgId, channel.id, 50)).length;
      await sendMail({ port: smtp.port, to: address, raw: `From: x@supplier.example\r\nSubject: ${'h'.repeat(400_000)}\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: application/pdf\r\n\r\n%PDF-broken` });
      await sendMail({ port: smtp.port, to: address, raw: Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a]) });
      await sendMail({ port: smtp.port, from: 'ap@supplier.example', to: address, subject: 'after', attachments: [{ filename: 'after.pdf', content: tinyPdf('after') }] });
      await smtp.idle();
      const runs = await listCollectRuns(w.deps.db, w.orgId, channel.id, 50);
      assert.equal(runs.length, before + 3, 'a run for each');
      for (const r of runs.slice(0, 3)) {
        const lines = await listCollectRunItems(w.deps.db, w.orgId, r.id, 0, 100);
        assert.ok(lines.length > 0, 'each mail has its outcome in the history');
      }
      assert.ok((await inbox()).some((i) => i.filename === 'after.pdf'));
    });
  });
}
