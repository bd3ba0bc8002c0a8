import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCollectWorld, ublInvoice, type CollectWorld } from '../../../test/helpers/collect.js';
import { composeMail, fakePng, intakeDeps, mailChannel, mailJob, tinyPdf, zipOf } from '../../../test/helpers/mail.js';
import { listInbox } from '../../catalog/inbox.js';
import { getMailMessage } from '../../catalog/mail-messages.js';
import type { Channel } from '../../catalog/channels.js';
import { intakeMessage, type MailSource } from './message-intake.js';

const smtp: MailSource = { kind: 'smtp', envelopeFrom: 'ap@supplier.example', rcptTo: 'invoices@dossier.example', remoteAddress: '192.0.2.7' };
const outcomes = (r: { items: Array<{ path: string; outcome: string }> }) => Object.fromEntries(r.items.map((i) => [i.path.split('/').pop(), i.outcome]));

for (const postgres of [false, true]) {
  describe(`taking in an e-mail message (${postgres ? 'PostgreSQL' : 'SQLite'})`, () => {
    let w: CollectWorld;
    before(async () => { w = await startCollectWorld({ postgres }); });
    after(() => w?.close());
    const inboxOf = async (c: Channel) => (await listInbox(w.deps.db, w.orgId, { companyId: w.companyId, limit: 1000 })).filter((i) => i.channelId === c.id);

    it('files each document attachment once, into the channel binder for its recipient, and leaves logos and signatures', async () => {
      const channel = await mailChannel(w, {});
      const raw = await composeMail({
        messageId: '<first@supplier.example>',
        html: '<p>Invoice attached</p><img src="cid:logo@x">',
        attachments: [
          { filename: 'invoice-1.pdf', content: tinyPdf('one') },
          { filename: 'invoice-1.xml', content: ublInvoice({ number: 'M-1' }) },
          { filename: 'logo.png', content: fakePng(4_000), cid: 'logo@x' },
          { filename: 'banner.png', content: fakePng(60_000), cid: 'banner@x' }, // not shown by the HTML: an attached picture
          { filename: 'smime.p7s', content: Buffer.from('0\x82\x05 not a document'), contentType: 'application/pkcs7-signature' },
          { filename: 'scan.pdf.txt', content: tinyPdf('named wrongly') }, // content decides, not the name
        ],
      });
      const r = await intakeMessage(intakeDeps(w), await mailJob(w, channel), raw, smtp, { spf: 'pass', dkim: 'pass', dmarc: 'pass' });
      assert.equal(r.outcome, 'collected');
      assert.equal(r.filed, 4);
      const by = outcomes(r);
      assert.equal(by['invoice-1.pdf'], 'collected');
      assert.equal(by['invoice-1.xml'], 'collected');
      assert.equal(by['logo.png'], 'inline_image');
      assert.equal(by['banner.png'], 'collected');
      assert.equal(by['smime.p7s'], 'not_a_document');
      assert.equal(by['scan.pdf.txt.pdf'], 'collected');
      const inbox = await inboxOf(channel);
      assert.equal(inbox.length, 4);
      assert.ok(inbox.every((i) => i.binderId === channel.binderId && i.recipientId === w.userId));
      const m = await getMailMessage(w.deps.db, channel.id, 'mid:first@supplier.example');
      assert.deepEqual([m?.outcome, m?.spf, m?.dkim, m?.dmarc, m?.fromAddress, m?.documents], ['collected', 'pass', 'pass', 'pass', 'ap@supplier.example', 4]);

      // The same message again (delivered twice, or by IMAP and SMTP): nothing new.
      const again = await intakeMessage(intakeDeps(w), await mailJob(w, channel), raw, { kind: 'imap', mailbox: 'INBOX', uidValidity: 7, uid: 1 });
      assert.equal(again.outcome, 'already_collected');
      assert.equal(again.filed, 0);
      assert.equal((await inboxOf(channel)).length, 4);

      // Forwarded by someone else: a new message, the same attachment, recorded as a duplicate.
      const forward = await composeMail({ messageId: '<fwd@client.example>', from: 'boss@client.example', subject: 'Fwd: Invoice', attachments: [{ filename: 'invoice-1.pdf', content: tinyPdf('one') }] });
      const fwd = await intakeMessage(intakeDeps(w), await mailJob(w, channel), forward, smtp);
      assert.equal(fwd.outcome, 'duplicate');
      const item = fwd.items.find((i) => i.outcome === 'duplicate')!;
      assert.equal(item.inboxItemId, inbox.find((i) => i.filename === 'invoice-1.pdf')!.id);
      assert.equal((await inboxOf(channel)).length, 4);
    });

    it('opens a ZIP of documents, and refuses a ZIP bomb, an archive in an archive and paths that climb out', async () => {
      const channel = await mailChannel(w, { maxAttachmentBytes: 2 * 1024 * 1024 });
      const inner = await zipOf([{ name: 'x.pdf', bytes: tinyPdf('inner') }]);
      const raw = await composeMail({
        messageId: '<zips@supplier.example>',
        attachments: [
          { filename: 'march.zip', content: await zipOf([{ name: 'docs/a.pdf', bytes: tinyPdf('zip a') }, { name: 'b.xml', bytes: ublInvoice({ number: 'Z-1' }) }, { name: 'readme.txt', bytes: Buffer.from('hi') }, { name: 'nested.zip', bytes: inner }]) },
          { filename: 'bomb.zip', content: await zipOf([{ name: 'zeros.pdf', bytes: Buffer.concat([tinyPdf('bomb'), Buffer.alloc(50 * 1024 * 1024)]) }]) },
          { filename: 'climb.zip', content: await zipOf([{ name: 'ok.pdf', bytes: tinyPdf('climb ok') }]).then((z) => Buffer.from(z.toString('latin1').replaceAll('ok.pdf', '../x.p'), 'latin1')) },
        ],
      });
      const r = await intakeMessage(intakeDeps(w), await mailJob(w, channel), raw, smtp);
      const by = outcomes(r);
      assert.equal(by['a.pdf'], 'collected');
      assert.equal(by['b.xml'], 'collected');
      assert.equal(by['readme.txt'], 'not_a_document');
      assert.equal(by['nested.zip'], 'unsafe_archive');
      assert.equal(by['bomb.zip'], 'unsafe_archive');
      assert.equal(by['climb.zip'], 'unsafe_archive');
      assert.deepEqual((await inboxOf(channel)).map((i) => i.filename).sort(), ['a.pdf', 'b.xml']);
    });

    it('ends hostile mail in its outcome, files nothing of it, and takes the next message as usual', async () => {
      const channel = await mailChannel(w, { maxAttachmentBytes: 1024 * 1024 });
      const job = await mailJob(w, channel);
      const garbage = await intakeMessage(intakeDeps(w), job, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x00, 0x0a]), smtp);
      assert.equal(garbage.outcome, 'malformed');
      const hugeHeaders = Buffer.from(`From: a@b.example\r\nX-Junk: ${'x'.repeat(300 * 1024)}\r\nSubject: big\r\n\r\nbody\r\n`);
      assert.equal((await intakeMessage(intakeDeps(w), job, hugeHeaders, smtp)).outcome, 'malformed');
      // A large attachment is dropped as it streams; the small one beside it is filed.
      const big = await composeMail({ messageId: '<big@x>', attachments: [{ filename: 'huge.pdf', content: Buffer.concat([tinyPdf('huge'), Buffer.alloc(3 * 1024 * 1024, 7)]) }, { filename: 'small.pdf', content: tinyPdf('small') }] });
      const bigR = await intakeMessage(intakeDeps(w), job, big, smtp);
      assert.equal(outcomes(bigR)['huge.pdf'], 'too_large');
      assert.equal(outcomes(bigR)['small.pdf'], 'collected');
      // Messages attached in messages, five deep: the first levels are opened, deeper ones not.
      let nested = await composeMail({ messageId: '<n5@x>', attachments: [{ filename: 'deep.pdf', content: tinyPdf('deepest') }] });
      for (let i = 4; i >= 1; i--) nested = await composeMail({ messageId: `<n${i}@x>`, attachments: [{ filename: `level${i}.eml`, content: nested, contentType: 'message/rfc822' }, { filename: `level${i}.pdf`, content: tinyPdf(`level ${i}`) }] });
      const deep = outcomes(await intakeMessage(intakeDeps(w), job, nested, smtp));
      assert.equal(deep['level1.pdf'], 'collected');
      assert.equal(deep['level3.pdf'], 'collected');
      assert.equal(deep['level4.pdf'], 'collected');
      assert.equal(deep['level4.eml'], 'too_deep');
      assert.equal(deep['deep.pdf'], undefined);
      // Names with folders and hidden direction marks, encoded as MIME words.
      const names = await composeMail({ messageId: '<names@x>', attachments: [
        { filename: '../../etc/passwd', content: tinyPdf('passwd') },
        { filename: 'C:\\Windows\\evil.pdf', content: tinyPdf('windows') },
        { filename: 'invoice\u202Efdp.exe', content: tinyPdf('rtlo') },
      ] });
      const named = (await intakeMessage(intakeDeps(w), job, names, smtp)).items.filter((i) => i.outcome === 'collected').map((i) => i.path.split('/').pop()).sort();
      assert.deepEqual(named, ['evil.pdf', 'invoicefdp.exe.pdf', 'passwd.pdf']);
      // Still taking mail: an ordinary message after all of them.
      const fine = await intakeMessage(intakeDeps(w), job, await composeMail({ messageId: '<after@x>', attachments: [{ filename: 'ok.pdf', content: tinyPdf('after hostile') }] }), smtp);
      assert.equal(fine.outcome, 'collected');
    });

    it('files the body of a message without documents as a PDF only when the channel asks, once', async () => {
      const plain = () => composeMail({ messageId: '<body-1@supplier.example>', subject: 'Invoice 2024-88', text: 'Amount due: EUR 121.00\nPay by 31 March.' });
      const off = await mailChannel(w, {});
      const none = await intakeMessage(intakeDeps(w), await mailJob(w, off), await plain(), smtp);
      assert.deepEqual([none.outcome, none.filed], ['no_documents', 0]);
      const on = await mailChannel(w, { bodyToPdf: true });
      const job = await mailJob(w, on);
      const first = await intakeMessage(intakeDeps(w), job, await plain(), smtp);
      assert.deepEqual([first.outcome, first.filed], ['collected', 1]);
      const [item] = await inboxOf(on);
      assert.equal(item!.filename, 'Invoice 2024-88.pdf');
      const doc = await w.deps.vault.get(w.orgId, item!.documentId);
      assert.equal(doc.versions[0]!.mime, 'application/pdf');
      // The same message again (a pass after a crash): the same bytes, so already collected, not a second item.
      assert.equal((await intakeMessage(intakeDeps(w), job, await plain(), smtp)).outcome, 'already_collected');
      // HTML only, and a logo: the text of the HTML, without its markup, and the logo is not a document.
      const html = await composeMail({ messageId: '<body-2@supplier.example>', subject: 'HTML invoice', text: undefined, html: '<h1>Invoice 9</h1><p>Total <b>EUR 50.00</b></p><img src="cid:logo@x"><script>alert(1)</script>', attachments: [{ filename: 'logo.png', content: fakePng(3_000), cid: 'logo@x' }] });
      assert.equal((await intakeMessage(intakeDeps(w), job, html, smtp)).filed, 1);
      assert.deepEqual((await inboxOf(on)).map((i) => i.filename).sort(), ['HTML invoice.pdf', 'Invoice 2024-88.pdf']);
      // A message with a document attached is filed as its document only.
      const attached = await intakeMessage(intakeDeps(w), job, await composeMail({ messageId: '<body-3@supplier.example>', attachments: [{ filename: 'real.pdf', content: tinyPdf('real') }] }), smtp);
      assert.deepEqual(Object.values(outcomes(attached)).filter((o) => o === 'collected').length, 1);
      assert.equal((await inboxOf(on)).length, 3);
    });

    it('lets in, refuses or holds senders as the allow-list and its policy say', async () => {
      const mail = (from: string, id: string) => composeMail({ from, messageId: `<${id}@x>`, attachments: [{ filename: `${id}.pdf`, content: tinyPdf(id) }] });
      const refuse = await mailChannel(w, { allowList: ['ap@supplier.example', 'acme.example'], others: 'refuse' });
      const job = await mailJob(w, refuse);
      assert.equal((await intakeMessage(intakeDeps(w), job, await mail('ap@supplier.example', 'al1'), smtp)).outcome, 'collected');
      assert.equal((await intakeMessage(intakeDeps(w), job, await mail('Billing <billing@eu.acme.example>', 'al2'), smtp)).outcome, 'collected');
      assert.equal((await intakeMessage(intakeDeps(w), job, await mail('other@supplier.example', 'al3'), smtp)).outcome, 'refused');
      assert.equal((await intakeMessage(intakeDeps(w), job, await mail('x@notacme.example', 'al4'), smtp)).outcome, 'refused');
      // The From of a listed sender, but DMARC says the domain did not send it.
      assert.equal((await intakeMessage(intakeDeps(w), job, await mail('ap@supplier.example', 'al5'), smtp, { dmarc: 'fail' })).outcome, 'refused');
      assert.equal((await inboxOf(refuse)).length, 2);

      const hold = await mailChannel(w, { allowList: ['acme.example'], others: 'hold' });
      const held = await intakeMessage(intakeDeps(w), await mailJob(w, hold), await mail('stranger@elsewhere.example', 'h1'), smtp);
      assert.equal(held.outcome, 'held');
      const kept = await getMailMessage(w.deps.db, hold.id, 'mid:h1@x');
      assert.ok(kept?.rawSha256 && (await w.deps.blobs.has(kept.rawSha256)), 'the held message is kept whole');
      assert.equal((await inboxOf(hold)).length, 0);
      assert.deepEqual((await w.deps.collect.runs.held(w.orgId, hold.id)).map((m) => m.messageKey), ['mid:h1@x']);
      // Let in by a user: filed then, from the kept copy.
      const released = await w.deps.collect.runs.releaseHeld(w.orgId, hold.id, 'mid:h1@x', w.userId);
      assert.equal(released.outcome, 'collected');
      assert.equal((await inboxOf(hold)).length, 1);
      assert.deepEqual(await w.deps.collect.runs.held(w.orgId, hold.id), []);
      await assert.rejects(w.deps.collect.runs.releaseHeld(w.orgId, hold.id, 'mid:h1@x', w.userId), /not held/);

      const accept = await mailChannel(w, { allowList: [], others: 'accept' });
      assert.equal((await intakeMessage(intakeDeps(w), await mailJob(w, accept), await mail('anyone@anywhere.example', 'ac1'), smtp)).outcome, 'collected');
    });
  });
}
