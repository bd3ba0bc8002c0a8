import { Resolver } from 'node:dns/promises';
import type { Readable } from 'node:stream';
import { authenticate, type DNSResolver } from 'mailauth';

/** What the receiving side could check of who sent a mail (RFC 8601 words: pass, fail, none, temperror, ...). */
export interface MailAuthentication { spf: string; dkim: string; dmarc: string }

export interface AuthenticationOptions {
  /** The DNS lookups: the system's resolver by default; tests give their own. */
  resolver?: DNSResolver;
  /** Our host name, as Authentication-Results would name it. */
  mta: string;
  /** One DNS lookup, and the whole check, give up after these: offline, the results say temperror instead of hanging. */
  lookupTimeoutMs?: number;
  totalTimeoutMs?: number;
}

const timeoutError = (what: string) => Object.assign(new Error(`DNS lookup timed out: ${what}`), { code: 'ETIMEOUT' });

function systemResolver(timeoutMs: number): DNSResolver {
  const r = new Resolver({ timeout: timeoutMs, tries: 1 });
  return (domain, rrtype) => r.resolve(domain, rrtype) as Promise<string[][] | string[]>;
}

/**
 * A resolver whose every lookup ends within `lookupMs`, and fails at once past `deadline`: an
 * unreachable DNS server turns into ETIMEOUT, which mailauth reports as temperror.
 */
function bounded(resolve: DNSResolver, lookupMs: number, deadline: number): DNSResolver {
  return (domain, rrtype) => {
    const left = Math.min(lookupMs, deadline - Date.now());
    if (left <= 0) return Promise.reject(timeoutError(`${rrtype} ${domain}`));
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      resolve(domain, rrtype),
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(timeoutError(`${rrtype} ${domain}`)), left); }),
    ]).finally(() => clearTimeout(timer));
  };
}

/** The DKIM verdict over all signatures: pass if one passes, none without any, else the first one's result. */
function dkimVerdict(results: Array<{ status: { result: string } }> | undefined): string {
  if (!results?.length) return 'none';
  return results.find((r) => r.status.result === 'pass')?.status.result ?? results[0]!.status.result;
}

/**
 * SPF for the client's address and MAIL FROM (or HELO), DKIM signatures, and DMARC for the
 * From domain, checked by mailauth. Never throws and never hangs: what could not be checked in
 * time is temperror, what the message does not allow checking is none.
 */
export async function checkAuthentication(
  message: Readable | Buffer,
  envelope: { mailFrom: string; remoteAddress: string; helo: string },
  o: AuthenticationOptions,
): Promise<MailAuthentication> {
  const lookupMs = o.lookupTimeoutMs ?? 3000;
  const totalMs = o.totalTimeoutMs ?? 15_000;
  const deadline = Date.now() + totalMs;
  const resolver = bounded(o.resolver ?? systemResolver(lookupMs), lookupMs, deadline);
  let timer: NodeJS.Timeout | undefined;
  const unchecked: MailAuthentication = { spf: 'temperror', dkim: 'temperror', dmarc: 'temperror' };
  try {
    const checked = authenticate(message, {
      ip: envelope.remoteAddress.replace(/^::ffff:/, ''), helo: envelope.helo || undefined, sender: envelope.mailFrom || undefined,
      mta: o.mta, resolver, disableArc: true, disableBimi: true,
      // As the RFCs say: a changed body is dkim=fail (the lenient default says neutral).
      strict: true,
    }).then((r) => ({
      spf: r.spf ? r.spf.status.result : 'none',
      dkim: dkimVerdict(r.dkim?.results),
      dmarc: r.dmarc ? r.dmarc.status.result : 'none',
    }));
    // The message stream itself could stall; the deadline holds for everything.
    const late = new Promise<MailAuthentication>((resolve) => { timer = setTimeout(() => resolve(unchecked), totalMs + 1000); });
    return await Promise.race([checked, late]);
  } catch {
    return unchecked;
  } finally {
    clearTimeout(timer);
  }
}
