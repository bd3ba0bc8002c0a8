import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createLogger } from '../log/log.js';
import { SmtpMailer } from './smtp.js';

const USER = 'dossier';
const PASSWORD = 'p4ss-word-never-logged';
const LINK = 'https://dossier.example.com/connect/one-time-token-abc123';

interface Received { from: string; to: string[]; raw: string }

/** A real SMTP server on loopback (the smtp-server package speaks the protocol, AUTH included). */
async function startSmtp(): Promise<{ url: (password?: string) => string; received: Received[]; stop(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth: (auth, _session, done) => (auth.username === USER && auth.password === PASSWORD
      ? done(null, { user: USER })
      : done(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }))),
    onData: (stream, session, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: (password = PASSWORD) => `smtp://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function capturedLogger(): { log: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _e, done) { lines.push(chunk.toString('utf8')); done(); } });
  return { log: createLogger('debug', sink), lines };
}

const invitation = {
  to: 'client@example.com',
  subject: 'Connect your folder to Dossier',
  text: `Hello,\n\nPlease choose the folder Dossier collects your invoices from:\n${LINK}\n\nThe link works once.`,
};

describe('SMTP mailer against an SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  before(async () => { smtp = await startSmtp(); });
  after(() => smtp?.stop());

  it('signs in and delivers the mail to the recipient, with its subject and link', async () => {
    const { log, lines } = capturedLogger();
    await new SmtpMailer({ url: smtp.url(), from: 'Dossier <dossier@example.com>' }, log).send(invitation);
    assert.equal(smtp.received.length, 1);
    const [mail] = smtp.received;
    assert.equal(mail!.from, 'dossier@example.com');
    assert.deepEqual(mail!.to, ['client@example.com']);
    assert.match(mail!.raw, /^Subject: Connect your folder to Dossier$/m);
    assert.ok(mail!.raw.replace(/=\r?\n/g, '').includes(LINK), 'the link arrives whole');
    const logged = lines.join('');
    assert.match(logged, /mail sent/);
    assert.match(logged, /client@example\.com/);
    assert.ok(!logged.includes(PASSWORD) && !logged.includes('one-time-token'), 'neither the password nor the link is logged');
  });

  it('says which setting to check when the server refuses the password, without repeating it', async () => {
    const { log, lines } = capturedLogger();
    const before = smtp.received.length;
    const wrong = 'wrong-password-xyz';
    await assert.rejects(new SmtpMailer({ url: smtp.url(wrong), from: 'dossier@example.com' }, log).send(invitation), (e: Error) => {
      assert.match(e.message, /client@example\.com could not be sent/);
      assert.match(e.message, /DOSSIER_SMTP_URL/);
      assert.ok(!e.message.includes(wrong) && !e.message.includes(PASSWORD), e.message);
      return true;
    });
    assert.equal(smtp.received.length, before, 'nothing delivered');
    assert.ok(!lines.join('').includes(wrong));
  });

  it('fails clearly when no server listens there', async () => {
    const { log } = capturedLogger();
    const closed = await startSmtp();
    const url = closed.url();
    await closed.stop();
    await assert.rejects(new SmtpMailer({ url, from: 'dossier@example.com' }, log).send(invitation), /could not be sent .*DOSSIER_SMTP_URL/s);
  });
});
