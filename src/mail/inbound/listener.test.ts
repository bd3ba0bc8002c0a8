import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { createLogger } from '../../log/log.js';
import { sendMail, throwAwayCertificate } from '../../../test/helpers/inbound-smtp.js';
import { InboundSmtp, mailboxesOf, type InboundSmtpOptions } from './listener.js';
import { MailSpool, type Spooled } from './spool.js';

const DOMAIN = 'in.example.com';
const KNOWN = new Set(['acme-purchases-7kq2mx', 'beta-k2m3n4']);
const PAUSED = 'paused-m3n4p5';

interface Delivered { spooled: Spooled; raw: string }

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A listener on a loopback port whose deliveries (a plain callback standing in for intake) are recorded. */
async function listener(o: Partial<InboundSmtpOptions> & { failFirst?: number } = {}) {
  const dir = o.spool?.dir ?? mkdtempSync(join(tmpdir(), 'dossier-spool-'));
  const delivered: Delivered[] = [];
  let failures = o.failFirst ?? 0;
  const server = new InboundSmtp({
    host: '127.0.0.1', port: 0, domain: DOMAIN, tls: null, maxBytes: 200_000, maxClients: 10,
    rate: { perClientPerHour: 1000, perAddressPerHour: 1000 },
    spool: o.spool ?? new MailSpool(dir), mailbox: async (m) => (m === PAUSED ? 'paused' : KNOWN.has(m) ? 'open' : 'unknown'), log: createLogger('silent'), retryMs: 50,
    deliver: async (spooled, raw) => {
      const body = await text(raw);
      if (failures-- > 0) throw new Error('the database is away');
      delivered.push({ spooled, raw: body });
    },
    ...o,
  });
  const port = await server.start();
  return { server, port, delivered, dir, spooledFiles: () => readdirSync(join(dir, 'new')) };
}

/** A plain SMTP dialogue over a socket, for what nodemailer would not send (DATA without SIZE): the last reply line to each command. */
async function dialogue(port: number, commands: string[]): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buffered = '';
  let waiting: (() => void) | null = null;
  socket.on('data', (d: Buffer) => {
    buffered += d.toString('latin1');
    const lines = buffered.split('\r\n');
    buffered = lines.pop()!;
    for (const line of lines) if (/^\d{3} /.test(line)) { replies.push(line); waiting?.(); }
  });
  const next = (count: number) => new Promise<void>((resolve) => { waiting = () => { if (replies.length >= count) resolve(); }; waiting(); });
  await next(1); // the greeting
  for (const c of commands) {
    const before = replies.length;
    socket.write(`${c}\r\n`);
    await next(before + 1);
  }
  socket.destroy();
  return replies;
}

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(() => null, (e: { responseCode?: number; response?: string; rejectedErrors?: Array<{ responseCode?: number; response?: string }> }) => e);
  assert.ok(err, 'the mail is refused');
  const first = err.rejectedErrors?.[0] ?? err;
  return { code: first.responseCode, response: first.response ?? '' };
};

describe('inbound SMTP listener', () => {
  const servers: InboundSmtp[] = [];
  after(async () => { for (const s of servers) await s.close(); });
  const started = async (o?: Parameters<typeof listener>[0]) => { const l = await listener(o); servers.push(l.server); return l; };

  it('knows the mailbox of an address and of plus-addressing, only at its own domain', () => {
    assert.deepEqual(mailboxesOf('Acme-Purchases-7kq2mx@IN.example.com', DOMAIN), ['acme-purchases-7kq2mx']);
    assert.deepEqual(mailboxesOf('in+beta-k2m3n4@in.example.com', DOMAIN), ['beta-k2m3n4']);
    assert.deepEqual(mailboxesOf('acme@elsewhere.example.com', DOMAIN), []);
    assert.deepEqual(mailboxesOf('in+@in.example.com', DOMAIN), []);
  });

  it('accepts mail to a known address, hands it over once with its envelope, and empties the spool', async () => {
    const l = await started();
    const info = await sendMail({ port: l.port, to: 'acme-purchases-7kq2mx@in.example.com', subject: 'Invoice F2024-001' });
    assert.match(info.response, /^250/);
    await l.server.idle();
    assert.equal(l.delivered.length, 1);
    const [d] = l.delivered;
    assert.match(d!.raw, /^Subject: Invoice F2024-001$/m);
    assert.equal(d!.spooled.envelope.rcptTo, 'acme-purchases-7kq2mx@in.example.com');
    assert.equal(d!.spooled.envelope.mailFrom, 'supplier@example.org');
    assert.equal(d!.spooled.envelope.helo, 'client.example.org');
    assert.equal(d!.spooled.envelope.secure, false);
    assert.deepEqual(l.spooledFiles(), []);
  });

  it('accepts plus-addressing, and one mail to two channels is handed over once for each', async () => {
    const l = await started();
    await sendMail({ port: l.port, to: ['in+acme-purchases-7kq2mx@in.example.com', 'beta-k2m3n4@in.example.com'] });
    await l.server.idle();
    assert.deepEqual(l.delivered.map((d) => d.spooled.envelope.rcptTo).sort(), ['beta-k2m3n4@in.example.com', 'in+acme-purchases-7kq2mx@in.example.com']);
  });

  it('refuses an unknown address and another domain at RCPT (550), a paused channel for now (450), and nothing is spooled', async () => {
    const l = await started();
    const unknown = await refusal(sendMail({ port: l.port, to: 'nobody@in.example.com' }));
    assert.equal(unknown.code, 550);
    assert.match(unknown.response, /No such address/);
    const relay = await refusal(sendMail({ port: l.port, to: 'acme-purchases-7kq2mx@example.net' }));
    assert.equal(relay.code, 550);
    assert.match(relay.response, /Relaying denied/);
    const paused = await refusal(sendMail({ port: l.port, to: `${PAUSED}@in.example.com` }));
    assert.equal(paused.code, 450, 'a paused channel\'s sender is told to try again later');
    await l.server.idle();
    assert.equal(l.delivered.length, 0);
    assert.deepEqual(l.spooledFiles(), []);
  });

  it('refuses a mail over the size limit (552) and keeps serving', async () => {
    const l = await started({ maxBytes: 50_000 });
    const big = `From: a@example.org\r\nTo: acme-purchases-7kq2mx@in.example.com\r\nSubject: big\r\n\r\n${'x'.repeat(76).concat('\r\n').repeat(1000)}`;
    const refused = await refusal(sendMail({ port: l.port, to: 'acme-purchases-7kq2mx@in.example.com', raw: big }));
    assert.equal(refused.code, 552);
    await sendMail({ port: l.port, to: 'acme-purchases-7kq2mx@in.example.com', subject: 'small' });
    await l.server.idle();
    assert.deepEqual(l.delivered.map((d) => /^Subject: (.*)$/m.exec(d.raw)?.[1]), ['small']);
    assert.deepEqual(readdirSync(join(l.dir, 'tmp')), [], 'nothing of the refused mail is left');
  });

  it('refuses at the end of DATA a mail over the limit from a client that did not say its SIZE', async () => {
    const l = await started({ maxBytes: 50_000 });
    const replies = await dialogue(l.port, ['EHLO client.example.org', 'MAIL FROM:<a@example.org>', 'RCPT TO:<acme-purchases-7kq2mx@in.example.com>', 'DATA',
      `Subject: big\r\n\r\n${'x'.repeat(76).concat('\r\n').repeat(2000)}.`, 'QUIT']);
    assert.match(replies.at(-2)!, /^552 /);
    await l.server.idle();
    assert.equal(l.delivered.length, 0);
    assert.deepEqual(l.spooledFiles(), []);
  });

  it('tells a sender over its hourly rate, and an address over its own, to try again later (451)', async () => {
    const perClient = await started({ rate: { perClientPerHour: 2, perAddressPerHour: 100 } });
    for (let i = 0; i < 2; i++) await sendMail({ port: perClient.port, to: 'acme-purchases-7kq2mx@in.example.com' });
    const third = await refusal(sendMail({ port: perClient.port, to: 'acme-purchases-7kq2mx@in.example.com' }));
    assert.equal(third.code, 451);
    const perAddress = await started({ rate: { perClientPerHour: 100, perAddressPerHour: 1 } });
    await sendMail({ port: perAddress.port, to: 'acme-purchases-7kq2mx@in.example.com' });
    const second = await refusal(sendMail({ port: perAddress.port, to: 'acme-purchases-7kq2mx@in.example.com' }));
    assert.equal(second.code, 451);
    await sendMail({ port: perAddress.port, to: 'beta-k2m3n4@in.example.com' });
    await perAddress.server.idle();
    assert.deepEqual(perAddress.delivered.map((d) => d.spooled.envelope.rcptTo), ['acme-purchases-7kq2mx@in.example.com', 'beta-k2m3n4@in.example.com']);
  });

  it('offers STARTTLS with the operator\'s certificate, and the mail says it came encrypted', async () => {
    const cert = throwAwayCertificate(DOMAIN);
    const l = await started({ tls: { cert: cert.cert, key: cert.key } });
    await sendMail({ port: l.port, to: 'acme-purchases-7kq2mx@in.example.com', tls: { ca: cert.cert } });
    await l.server.idle();
    assert.equal(l.delivered.length, 1);
    assert.equal(l.delivered[0]!.spooled.envelope.secure, true);
  });

  it('keeps a mail spooled while it cannot be filed, and files it when it can', async () => {
    const l = await started({ failFirst: 2 });
    await sendMail({ port: l.port, to: 'acme-purchases-7kq2mx@in.example.com' });
    for (let i = 0; i < 100 && l.delivered.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await l.server.idle();
    assert.equal(l.delivered.length, 1);
    assert.deepEqual(l.spooledFiles(), []);
  });

  it('hands over again, at start, what an earlier process spooled but did not file', async () => {
    const first = await listener({ deliver: async () => { throw new Error('killed before filing'); }, retryMs: 3_600_000 });
    await sendMail({ port: first.port, to: 'acme-purchases-7kq2mx@in.example.com', subject: 'left over' });
    await first.server.idle();
    await first.server.close();
    assert.equal(first.spooledFiles().length, 1);
    const second = await started({ spool: new MailSpool(first.dir) });
    await second.server.idle();
    assert.deepEqual(second.delivered.map((d) => /^Subject: (.*)$/m.exec(d.raw)?.[1]), ['left over']);
    assert.deepEqual(second.spooledFiles(), []);
  });

  it('takes a mail with a huge header and one that is not MIME at all, and keeps serving', async () => {
    const l = await started({ maxBytes: 2_000_000 });
    const hugeHeader = `From: a@example.org\r\nSubject: ${'h'.repeat(500_000)}\r\n\r\nbody\r\n`;
    await sendMail({ port: l.port, to: 'acme-purchases-7kq2mx@in.example.com', raw: hugeHeader });
    await sendMail({ port: l.port, to: 'acme-purchases-7kq2mx@in.example.com', raw: '\u0000\u0001 not a mail at all\r\n--\r\n' });
    await sendMail({ port: l.port, to: 'acme-purchases-7kq2mx@in.example.com', subject: 'after' });
    await l.server.idle();
    assert.equal(l.delivered.length, 3);
    assert.match(l.delivered[2]!.raw, /^Subject: after$/m);
  });
});
