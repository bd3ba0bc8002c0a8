import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Passwords are stored as scrypt hashes: "scrypt$N$r$p$salt$hash", salt and hash in base64url.
 * The parameters travel with the hash, so they can be raised later without breaking old ones.
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 10;

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time; a malformed or missing hash is "no", after the same amount of work. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = stored?.split('$') ?? [];
  const [kind, n, r, p, salt, hash] = parts;
  const wellFormed = parts.length === 6 && kind === 'scrypt' && !!salt && !!hash;
  const o = wellFormed ? { N: Number(n), r: Number(r), p: Number(p) } : PARAMS;
  if (!Number.isInteger(o.N) || o.N > 2 ** 20 || !Number.isInteger(o.r) || o.r > 32 || !Number.isInteger(o.p) || o.p > 4) return false;
  const expected = wellFormed ? Buffer.from(hash!, 'base64url') : Buffer.alloc(KEY_LENGTH);
  const actual = await derive(password, wellFormed ? Buffer.from(salt!, 'base64url') : Buffer.alloc(16), o);
  return wellFormed && expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** An initial password that is easy to type from a terminal: four groups of five letters and digits. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}
