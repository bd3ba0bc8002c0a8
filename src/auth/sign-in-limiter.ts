import { isIPv6 } from 'node:net';
import type { Db } from '../catalog/db.js';
import { countAttempt, deleteExpiredAttempts, forgetAttempts, uncountAttempt } from '../catalog/sign-in-attempts.js';
import { sha256Hex } from './hash.js';

/**
 * Slows down password guessing (docs/security.md, "Sign-in, sessions and headers"):
 * - 5 attempts per account and client address in 15 minutes: the guesser of one account is
 *   stopped, while its real user, from their own address, still signs in;
 * - 20 failed attempts per client address in 15 minutes, whatever the accounts: one address
 *   cannot try a common password on every account of a firm.
 * Every attempt is counted before its password is checked, in one atomic statement of the
 * database, so 30 guesses arriving at once, at one process or several, still check at most 5
 * passwords. A successful sign-in clears its account's count and takes its attempt back from
 * the address's.
 */
export const SIGN_IN_LIMITS = { perAccountAndClient: 5, perClient: 20, windowMs: 15 * 60_000 };

export interface SignInGate {
  /** 0: check the password; else the milliseconds until this client may try again. */
  retryAfterMs: number;
  succeeded(): Promise<void>;
}


/**
 * The address a limit applies to. An IPv6 client usually holds a whole /64 and can pick any
 * address in it, so the /64 is the client.
 */
export function clientKey(ip: string): string {
  const plain = ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (!isIPv6(plain)) return plain;
  const [head = '', tail = ''] = plain.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = plain.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

export class SignInLimiter {
  constructor(private readonly db: Db, private readonly limits = SIGN_IN_LIMITS, private readonly now: () => number = Date.now) {}

  /** Counts an attempt to sign in as `email` from `ip`, and says whether it may go ahead. */
  async attempt(email: string, ip: string): Promise<SignInGate> {
    const client = clientKey(ip);
    const accountKey = sha256Hex(`account:${email.toLowerCase()}\nclient:${client}`);
    const clientOnlyKey = sha256Hex(`client:${client}`);
    const now = this.now();
    const account = await countAttempt(this.db, accountKey, this.limits.windowMs, now);
    const overall = await countAttempt(this.db, clientOnlyKey, this.limits.windowMs, now);
    // A new window is a good moment to clear the ones that have passed.
    if (account.count === 1) await deleteExpiredAttempts(this.db, now);
    let wait = 0;
    if (account.count > this.limits.perAccountAndClient) wait = Math.max(wait, account.resetAt - now);
    if (overall.count > this.limits.perClient) wait = Math.max(wait, overall.resetAt - now);
    return {
      retryAfterMs: wait,
      succeeded: async () => {
        await forgetAttempts(this.db, accountKey);
        await uncountAttempt(this.db, clientOnlyKey);
      },
    };
  }
}
