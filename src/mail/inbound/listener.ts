import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { WindowCounter, type RateCounter } from './rate.js';
import type { Envelope, MailSpool, Spooled } from './spool.js';

export interface InboundSmtpOptions {
  host: string;
  port: number;
  /** The domain mail is accepted for (the operator's MX points here); every other is refused as relaying. */
  domain: string;
  /** The operator's certificate and key (PEM) for STARTTLS; null: no STARTTLS offered. */
  tls: { cert: Buffer; key: Buffer } | null;
  /** Largest message, in bytes: announced with SIZE, and a longer one is refused (552). */
  maxBytes: number;
  /** Messages per hour one remote address may send, and one of our addresses may receive. */
  rate: { perClientPerHour: number; perAddressPerHour: number };
  /** Where those hourly counts are kept: shared by every listener process (the database), or, left out, this process's memory. */
  counters?: { perClient: RateCounter; perAddress: RateCounter };
  /** Connections at once. */
  maxClients: number;
  spool: MailSpool;
  /**
   * Whether a mailbox (the part before @, or after + in plus-addressing) takes mail: a channel's
   * that collects (open), one that is paused (the sender is told to try later), or none.
   */
  mailbox(mailbox: string): Promise<MailboxState>;
  /** A spooled copy, durable and answered 250; resolves once it is filed (then it leaves the spool). Throws: kept and tried again. */
  deliver(spooled: Spooled, raw: Readable): Promise<void>;
  log: Logger;
  /** How long to wait before handing over again a copy whose delivery failed. */
  retryMs?: number;
}

export type MailboxState = 'open' | 'paused' | 'unknown';

/** An SMTP reply: smtp-server sends an error's responseCode and message as the reply line. */
const reply = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/** The mailboxes an address may name here: `acme@domain`, and `anything+acme@domain` (plus-addressing). */
export function mailboxesOf(address: string, domain: string): string[] {
  const at = address.lastIndexOf('@');
  if (at < 1 || address.slice(at + 1).toLowerCase() !== domain.toLowerCase()) return [];
  const local = address.slice(0, at).toLowerCase();
  const plus = local.indexOf('+');
  return plus >= 0 ? [local.slice(plus + 1)].filter(Boolean) : [local];
}

/**
 * Dossier's own way in for mail: an SMTP server (the smtp-server package speaks the protocol) for
 * the operator's domain. It refuses at RCPT an address no channel has, refuses over-size and
 * too-frequent mail, spools what it accepts durably before answering 250, and hands each copy to
 * `deliver` one at a time (filing is CPU work: reading the attachments), again after a crash.
 */
export class InboundSmtp {
  private server: SMTPServer | null = null;
  private readonly perClient: RateCounter;
  private readonly perAddress: RateCounter;
  private readonly queue: Spooled[] = [];
  private running: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly o: InboundSmtpOptions) {
    this.perClient = o.counters?.perClient ?? new WindowCounter(o.rate.perClientPerHour, 3_600_000);
    this.perAddress = o.counters?.perAddress ?? new WindowCounter(o.rate.perAddressPerHour, 3_600_000);
  }

  /** Listens, and hands over what an earlier process spooled but did not file. Resolves with the port. */
  async start(): Promise<number> {
    await this.o.spool.open();
    const leftover = await this.o.spool.pending();
    if (leftover.length) this.o.log.info({ mails: leftover.length }, 'mails spooled before a stop are handed to intake again');
    this.enqueue(leftover);
    const o = this.o;
    this.server = new SMTPServer({
      name: o.domain,
      banner: 'Dossier',
      size: o.maxBytes,
      maxClients: o.maxClients,
      authOptional: true,
      disabledCommands: o.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      ...(o.tls && { key: o.tls.key, cert: o.tls.cert }),
      logger: false,
      onMailFrom: (_address, session, done) => void Promise.resolve(this.perClient.take(session.remoteAddress)).then(
        (ok) => done(ok ? undefined : reply(451, '4.7.1 Too many messages from your address; try again later')),
        (err: Error) => { o.log.warn({ err: err.message }, 'the inbound SMTP rate could not be counted'); done(reply(451, '4.3.0 Try again later')); }),
      onRcptTo: (address, session, done) => void this.checkRecipient(address, session).then(() => done(), done),
      onData: (stream, session, done) => void this.receive(stream, session).then(() => done(), done),
    });
    this.server.on('error', (err) => o.log.warn({ err: err.message }, 'inbound SMTP connection error'));
    await new Promise<void>((resolve, reject) => {
      this.server!.server.once('error', reject);
      this.server!.listen(o.port, o.host, () => resolve());
    });
    const port = (this.server.server.address() as AddressInfo).port;
    o.log.info({ host: o.host, port, domain: o.domain, starttls: !!o.tls }, 'receiving mail by SMTP');
    return port;
  }

  private async checkRecipient(address: SMTPServerAddress, _session: SMTPServerSession): Promise<void> {
    const boxes = mailboxesOf(address.address, this.o.domain);
    if (boxes.length === 0) throw reply(550, '5.7.1 Relaying denied: this server only receives mail for ' + this.o.domain);
    const state = await this.o.mailbox(boxes[0]!);
    if (state === 'unknown') throw reply(550, '5.1.1 No such address here');
    if (state === 'paused') throw reply(450, '4.2.1 This address takes no mail for now; try again later');
    if (!(await this.perAddress.take(boxes[0]!))) throw reply(451, '4.7.1 This address receives too many messages; try again later');
  }

  /** Spools the message, one copy per recipient, durably; only then does smtp-server answer 250. */
  private async receive(stream: Readable, session: SMTPServerSession): Promise<void> {
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const receivedAt = new Date().toISOString();
    const envelopes: Envelope[] = session.envelope.rcptTo.map((r) => ({
      mailFrom, rcptTo: r.address.toLowerCase(), remoteAddress: session.remoteAddress, helo: session.hostNameAppearsAs ?? '', secure: session.secure, receivedAt,
    }));
    const spooled = await this.o.spool.write(stream, envelopes, this.o.maxBytes);
    if (spooled.length === 0) throw reply(552, `5.3.4 Message too big: at most ${this.o.maxBytes} bytes`);
    this.o.log.info({ from: mailFrom, to: envelopes.map((e) => e.rcptTo), client: session.remoteAddress }, 'mail received');
    this.enqueue(spooled);
  }

  private enqueue(items: Spooled[]): void {
    this.queue.push(...items);
    this.running ??= this.drain().finally(() => { this.running = null; });
  }

  private async drain(): Promise<void> {
    const failed: Spooled[] = [];
    while (!this.closed && this.queue.length) {
      const s = this.queue.shift()!;
      try {
        await this.o.deliver(s, this.o.spool.read(s));
        await this.o.spool.done(s);
      } catch (err) {
        this.o.log.error({ err: (err as Error).message, mail: s.id, to: s.envelope.rcptTo }, 'a received mail could not be filed; it stays spooled and is tried again');
        failed.push(s);
      }
    }
    if (failed.length && !this.closed) {
      this.retryTimer = setTimeout(() => { this.retryTimer = null; this.enqueue(failed); }, this.o.retryMs ?? 60_000);
      this.retryTimer.unref();
    }
  }

  /** The port it listens on (a test's port 0 made real). */
  get port(): number { return (this.server!.server.address() as AddressInfo).port; }

  /** Resolves once every copy handed over so far is filed or failed (tests, and a stop). */
  async idle(): Promise<void> { while (this.running) await this.running; }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    await this.running;
  }
}
