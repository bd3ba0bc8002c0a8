import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCollectWorld, ublInvoice, type CollectWorld } from '../../../test/helpers/collect.js';
import { appendMessages, composeMail, dovecotSettings, fakePng, intakeDeps, mailChannel, mailJob, tinyPdf, zipOf } from '../../../test/helpers/mail.js';
import { startDovecot, DOVECOT_MISSING, type TestDovecot } from '../../../test/servers/dovecot.js';
import { TEST_CONTEXT } from '../../../test/helpers/limits.js';
import { ImapMailbox } from '../../connectors/imap/mailbox.js';
import type { MailboxConnector } from '../../connectors/connector.js';
import type { MailOptions } from '../../domain/channels.js';
import { collectMailbox, type PassResult } from './imap-run.js';

/**
 * Reading IMAP messages from their outline and parts (BINARY where the server offers it, the
 * transfer encoding undone by Dossier where not) must end every message, hostile ones included,
 * exactly as fetching it whole and parsing its MIME does: the same outcome, the same run lines,
 * the same documents filed under the same keys.
 */
const dovecot = await startDovecot();
const LIMIT = 2 * 1024 * 1024;

const raw = (lines: string[]) => Buffer.from(lines.join('\r\n'));
const b64 = (b: Buffer) => b.toString('base64').replace(/.{76}/g, '$&\r\n');

async function corpus(): Promise<Buffer[]> {
  let nested = await composeMail({ messageId: '<o-n3@x>', attachments: [{ filename: 'deep.pdf', content: tinyPdf('outline deepest') }] });
  for (let i = 2; i >= 1; i--) nested = await composeMail({ messageId: `<o-n${i}@x>`, attachments: [{ filename: `level${i}.eml`, content: nested, contentType: 'message/rfc822' }, { filename: `level${i}.pdf`, content: tinyPdf(`outline level ${i}`) }] });
  return [
    // Documents beside a logo the HTML shows, a picture it does not, a signature and a misnamed PDF.
    await composeMail({
      messageId: '<o-logos@supplier.example>', html: '<p>Invoice attached</p><img src="cid:logo@x">',
      attachments: [
        { filename: 'invoice-1.pdf', content: tinyPdf('outline one') },
        { filename: 'invoice-1.xml', content: ublInvoice({ number: 'O-1' }) },
        { filename: 'logo.png', content: fakePng(4_000), cid: 'logo@x' },
        { filename: 'shown.png', content: fakePng(40_000), cid: 'shown@x', contentDisposition: 'inline' },
        { filename: 'banner.png', content: fakePng(60_000), cid: 'banner@x' },
        { filename: 'smime.p7s', content: Buffer.from('0\x82\x05 not a document'), contentType: 'application/pkcs7-signature' },
        { filename: 'scan.pdf.txt', content: tinyPdf('outline named wrongly') },
      ],
    }),
    await composeMail({ messageId: '<o-shown@x>', html: '<p>Logo</p><img src="cid:pasted@x">', attachments: [{ filename: 'pasted.png', content: fakePng(40_000), cid: 'pasted@x', contentDisposition: 'inline' }] }),
    // ZIPs: documents, a bomb, an archive in an archive, a path that climbs out.
    await composeMail({
      messageId: '<o-zips@x>',
      attachments: [
        { filename: 'march.zip', content: await zipOf([{ name: 'docs/a.pdf', bytes: tinyPdf('outline zip a') }, { name: 'readme.txt', bytes: Buffer.from('hi') }, { name: 'nested.zip', bytes: await zipOf([{ name: 'x.pdf', bytes: tinyPdf('in') }]) }]) },
        { filename: 'bomb.zip', content: await zipOf([{ name: 'zeros.pdf', bytes: Buffer.concat([tinyPdf('outline bomb'), Buffer.alloc(50 * 1024 * 1024)]) }]) },
        { filename: 'climb.zip', content: await zipOf([{ name: 'ok.pdf', bytes: tinyPdf('outline climb') }]).then((z) => Buffer.from(z.toString('latin1').replaceAll('ok.pdf', '../x.p'), 'latin1')) },
      ],
    }),
    // Over the limit beside one under it (fetched whole: only there is its decoded size known).
    await composeMail({ messageId: '<o-big@x>', attachments: [{ filename: 'huge.pdf', content: Buffer.concat([tinyPdf('outline huge'), Buffer.alloc(3 * 1024 * 1024, 7)]) }, { filename: 'small.pdf', content: tinyPdf('outline small') }] }),
    nested,
    // Names with folders, direction marks and MIME words, and a name that RFC 2231 encodes as a MIME word.
    await composeMail({ messageId: '<o-names@x>', attachments: [
      { filename: '../../etc/passwd', content: tinyPdf('outline passwd') },
      { filename: 'C:\\Windows\\evil.pdf', content: tinyPdf('outline windows') },
      { filename: 'invoice\u202Efdp.exe', content: tinyPdf('outline rtlo') },
      { filename: 'r\u00e9sum\u00e9 f\u00e4ktura.pdf', content: tinyPdf('outline accents') },
    ] }),
    raw(['From: ap@supplier.example', 'Message-ID: <o-2231@x>', 'Subject: =?utf-8?B?4pyTIEludm9pY2U=?=', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '',
      '--b', 'Content-Type: text/plain', '', 'see attached', '--b',
      'Content-Type: application/octet-stream', "Content-Disposition: attachment; filename*=utf-8''a%3D%3Futf-8%3FQ%3F%3D2Eexe%3F%3D", 'Content-Transfer-Encoding: base64', '', b64(tinyPdf('outline 2231')), '--b',
      'Content-Type: application/pdf; name="=?utf-8?Q?..=2F..=2Fx=2Epdf?="', 'Content-Transfer-Encoding: base64', '', b64(tinyPdf('outline mime word')), '--b--', '']),
    // Transfer encodings: quoted-printable and 8bit XML, and one no parser knows.
    raw(['From: ap@supplier.example', 'Message-ID: <o-cte@x>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="c"', '',
      '--c', 'Content-Type: application/xml; name="qp.xml"', 'Content-Disposition: attachment', 'Content-Transfer-Encoding: quoted-printable', '',
      ublInvoice({ number: 'O-QP' }).toString().replace(/=/g, '=3D').replace(/\n/g, '=0A=\r\n'), '--c',
      'Content-Type: application/xml; name="8bit.xml"', 'Content-Disposition: attachment', 'Content-Transfer-Encoding: 8bit', '', ublInvoice({ number: 'O-8BIT' }).toString(), '--c--', '']),
    raw(['From: ap@supplier.example', 'Message-ID: <o-uu@x>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="u"', '',
      '--u', 'Content-Type: application/pdf; name="uu.pdf"', 'Content-Transfer-Encoding: x-uuencode', '', tinyPdf('outline uu').toString(), '--u--', '']),
    // A message that is one PDF, without a multipart around it (as some scanners send): its part 1 is its body.
    raw(['From: scanner@supplier.example', 'Message-ID: <o-single@x>', 'MIME-Version: 1.0', 'Content-Type: application/pdf; name="scan.pdf"', 'Content-Transfer-Encoding: base64', '', b64(tinyPdf('outline single part')), '']),
    // Broken MIME: a boundary that never comes, a base64 part with junk, no Message-ID, no attachments, huge headers.
    raw(['From: ap@supplier.example', 'Message-ID: <o-noboundary@x>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="never"', '', 'just text', '']),
    raw(['From: ap@supplier.example', 'Message-ID: <o-junk@x>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="j"', '',
      '--j', 'Content-Type: application/pdf; name="junk.pdf"', 'Content-Transfer-Encoding: base64', '', `${b64(tinyPdf('outline junk'))}\r\n!!**??`, '--j--', '']),
    await composeMail({ attachments: [{ filename: 'no-id.pdf', content: tinyPdf('outline no id') }] }).then((m) => Buffer.from(m.toString('latin1').replace(/^Message-ID:.*\r\n/im, ''), 'latin1')),
    await composeMail({ messageId: '<o-plain@x>', text: 'No attachment here.' }),
    Buffer.from(`From: a@b.example\r\nMessage-ID: <o-huge@x>\r\nX-Junk: ${'x'.repeat(300 * 1024)}\r\nSubject: big\r\n\r\nbody\r\n`),
    // An ordinary message after all of them.
    await composeMail({ messageId: '<o-after@x>', attachments: [{ filename: 'ok.pdf', content: tinyPdf('outline after') }] }),
  ];
}

/** What a pass did, without what differs between databases (ids): each run line's key, path, outcome and reason. */
const shape = (r: PassResult) => r.outcomes.map((o) => ({ message: o.messageKey, outcome: o.outcome, filed: o.filed, items: o.items.map((i) => `${i.key} | ${i.path} | ${i.outcome} | ${i.error ?? ''}`) }));

/** The same mailbox without the outline methods: every message fetched whole, as before them. */
const wholeOnly = (box: ImapMailbox): MailboxConnector => Object.assign(Object.create(box) as ImapMailbox, { outlines: undefined, sections: undefined });

describe('reading IMAP messages from their outline and parts (Dovecot)', { skip: dovecot ? false : DOVECOT_MISSING }, () => {
  const d = dovecot as TestDovecot;
  const settings = () => ({ ...dovecotSettings(d), port: d.port, tls: true, mailbox: 'Outline' });
  const worlds: CollectWorld[] = [];
  before(async () => { await appendMessages(d, await corpus(), 'Outline'); });
  after(async () => { for (const w of worlds) await w.close(); await d?.stop(); });

  const pass = async (how: 'whole' | 'binary' | 'decoded', mail: Partial<MailOptions> = {}) => {
    const w = await startCollectWorld({ readDocuments: false });
    worlds.push(w);
    const channel = await mailChannel(w, { maxAttachmentBytes: LIMIT, ...mail });
    const box = await ImapMailbox.connect(settings(), TEST_CONTEXT, undefined, { binary: how === 'binary' });
    try {
      return await collectMailbox(intakeDeps(w), await mailJob(w, channel), how === 'whole' ? wholeOnly(box) : box);
    } finally {
      await box.close();
    }
  };

  it('ends every message as reading it whole does, with BINARY and without, and fetches whole only what it must', async () => {
    const whole = await pass('whole');
    assert.equal(whole.whole, 16);
    const byWhole = shape(whole);
    // The rules hold at all (the reference is not itself wrong): a few outcomes spelled out.
    const line = (path: string) => byWhole.flatMap((m) => m.items).find((i) => i.split(' | ')[1]!.endsWith(path))?.split(' | ')[2];
    assert.deepEqual([line('/invoice-1.pdf'), line('/logo.png'), line('/shown.png'), line('/pasted.png'), line('/banner.png'), line('/smime.p7s')], ['collected', 'inline_image', 'collected', 'inline_image', 'collected', 'not_a_document']);
    assert.deepEqual([line('/bomb.zip'), line('/climb.zip'), line('/march.zip/a.pdf'), line('/huge.pdf'), line('/small.pdf'), line('/level2.eml/deep.pdf')], ['unsafe_archive', 'unsafe_archive', 'collected', 'too_large', 'collected', 'collected']);
    assert.deepEqual([line('/passwd.pdf'), line('/evil.pdf'), line('/qp.xml'), line('/8bit.xml'), line('/junk.pdf'), line('/scan.pdf')], ['collected', 'collected', 'collected', 'collected', 'collected', 'collected']);
    assert.deepEqual(byWhole.find((m) => m.message.startsWith('sha256:') && m.outcome === 'malformed')?.items.length, 1);
    for (const how of ['binary', 'decoded'] as const) {
      const r = await pass(how);
      assert.deepEqual(shape(r), byWhole, `read from parts (${how}) as whole`);
      // Fetched whole: the message over the limit, the attached messages, the unknown encoding,
      // the multipart without parts, no Message-ID, no attachment, huge headers (7); with BINARY
      // also the part with junk in its base64, which Dovecot refuses to decode (so the refusal's
      // way is taken, and without BINARY it is not: Dossier decoded that part itself). The scan
      // asked for in the same command (its section is also 1) is still read from its part: a
      // refused command is asked again message by message.
      assert.equal(r.whole, how === 'binary' ? 8 : 7);
    }
  });

  it('holds, refuses and makes body PDFs as reading whole does', async () => {
    const cases: Array<{ mail: Partial<MailOptions>; whole: number }> = [
      // Held messages are kept whole for review: every one is fetched whole.
      { mail: { allowList: ['trusted.example'], others: 'hold' }, whole: 16 },
      // Refused ones need nothing past their header: no part is fetched (whole: no Message-ID, huge headers).
      { mail: { allowList: ['trusted.example'], others: 'refuse' }, whole: 2 },
      // A body PDF needs the text: the message with only a picture the HTML shows is fetched again whole (8 + 1).
      { mail: { others: 'accept', bodyToPdf: true }, whole: 9 },
    ];
    for (const { mail, whole } of cases) {
      const reference = shape(await pass('whole', mail));
      const r = await pass('binary', mail);
      assert.deepEqual(shape(r), reference, JSON.stringify(mail));
      assert.equal(r.whole, whole, JSON.stringify(mail));
    }
  });
});
