import { randomInt } from 'node:crypto';

/**
 * The mailbox of a channel's address (acme-purchases in acme-purchases@in.example.com): lower
 * case letters, digits, dots, dashes and underscores, starting and ending with a letter or digit.
 * No "+": that separates plus-addressing (in+acme-purchases@...).
 */
export const MAILBOX_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export const isMailbox = (s: string) => MAILBOX_PATTERN.test(s) && !s.includes('..');

/** No 0/o, 1/l: a suffix someone may type from a printed page. */
const SUFFIX_LETTERS = 'abcdefghijkmnpqrstuvwxyz23456789';

/**
 * A mailbox made from a channel's name, with a random suffix so that addresses cannot be guessed
 * from company names (spam to a guessed address would land in the inbox): "Acme – Purchases"
 * becomes acme-purchases-7kq2mx.
 */
export function mailboxFromName(name: string): string {
  const slug = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  const suffix = Array.from({ length: 6 }, () => SUFFIX_LETTERS[randomInt(SUFFIX_LETTERS.length)]).join('');
  return slug ? `${slug}-${suffix}` : `in-${suffix}`;
}
