import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Deps } from './deps.js';
import { InboundSmtp, mailboxesOf } from '../mail/inbound/listener.js';
import { MailSpool } from '../mail/inbound/spool.js';
import { checkAuthentication, type AuthenticationOptions } from '../mail/inbound/authentication.js';
import { fileReceivedMail, mailboxState } from '../collect/email/received.js';
import { pruneRates, takeRate } from '../catalog/smtp-rates.js';

/** The spool of received mail, in the data folder: what was answered 250 and is not filed yet. */
export const MAIL_SPOOL = 'mail-spool';

export interface InboundMailOptions {
  /** DNS for SPF/DKIM/DMARC (tests give their own); the system's resolver by default. */
  resolver?: AuthenticationOptions['resolver'];
  retryMs?: number;
}

/**
 * Dossier's own SMTP server, when DOSSIER_SMTP_INBOUND is set: the listener (src/mail/inbound)
 * asks the catalog which mailboxes exist, and each spooled mail is checked (SPF, DKIM, DMARC)
 * and filed into its channel by the message intake. Null when the setting is not given.
 */
const HOUR = 3_600_000;

/**
 * The hourly limits counted in the database, so that listeners in several processes (or a
 * restarted one) hold the sender and the address to one limit together. The windows of past
 * hours are cleared once per hour, by whichever take first sees the new hour.
 */
function sharedCounters(deps: Deps, rate: { perClientPerHour: number; perAddressPerHour: number }) {
  let prunedWindow = 0;
  const counter = (scope: string, limit: number) => ({
    take: async (key: string) => {
      const window = Math.floor(Date.now() / HOUR);
      if (window !== prunedWindow) {
        prunedWindow = window;
        await pruneRates(deps.db, HOUR).catch((err: Error) => deps.log.warn({ err: err.message }, 'could not clear past SMTP rate windows'));
      }
      return takeRate(deps.db, scope, key, limit, HOUR);
    },
  });
  return { perClient: counter('client', rate.perClientPerHour), perAddress: counter('address', rate.perAddressPerHour) };
}

export async function startInboundMail(deps: Deps, o: InboundMailOptions = {}): Promise<InboundSmtp | null> {
  const c = deps.config.inboundSmtp;
  if (!c) return null;
  const readPem = (path: string, what: string) => {
    try { return readFileSync(path); } catch (e) {
      throw new Error(`Dossier cannot start: the SMTP TLS ${what} ${path} cannot be read (${(e as Error).message}).`, { cause: e });
    }
  };
  const tls = c.tls ? { cert: readPem(c.tls.certFile, 'certificate'), key: readPem(c.tls.keyFile, 'key') } : null;
  const intake = { db: deps.db, log: deps.log, vault: deps.vault, blobs: deps.blobs, readDocuments: true, readLater: deps.collect.readLater };
  const server = new InboundSmtp({
    host: c.host, port: c.port, domain: c.domain, tls, maxBytes: c.maxBytes, rate: c.rate, maxClients: c.maxClients, counters: sharedCounters(deps, c.rate),
    spool: new MailSpool(join(deps.config.dataDir, MAIL_SPOOL)), log: deps.log, retryMs: o.retryMs,
    mailbox: (mailbox) => mailboxState(intake, mailbox),
    deliver: async (s, raw) => {
      const [mailbox] = mailboxesOf(s.envelope.rcptTo, c.domain);
      if (!mailbox) {
        // The domain setting changed since this mail was accepted: it belongs to no channel now.
        raw.destroy();
        deps.log.warn({ to: s.envelope.rcptTo, domain: c.domain }, 'a spooled mail is for another domain than DOSSIER_SMTP_DOMAIN; it is dropped');
        return;
      }
      const auth = await checkAuthentication(createReadStream(s.path), { mailFrom: s.envelope.mailFrom, remoteAddress: s.envelope.remoteAddress, helo: s.envelope.helo },
        { mta: c.domain, resolver: o.resolver });
      await fileReceivedMail(intake, { mailbox, envelopeFrom: s.envelope.mailFrom, rcptTo: s.envelope.rcptTo, remoteAddress: s.envelope.remoteAddress }, raw, auth);
    },
  });
  await server.start();
  return server;
}
