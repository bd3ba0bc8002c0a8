import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signatures (docs/webhooks.md): `v1,` and the base64 HMAC-SHA256 of
 * `${id}.${timestamp}.${body}`, keyed with the bytes the secret's base64 part (after `whsec_`)
 * stands for. During a rotation two secrets are valid and the header carries one signature per
 * secret, separated by a space; a receiver accepts the message when any one matches.
 */
export const SECRET_PREFIX = 'whsec_';

/** A new signing secret: 32 random bytes, as the specification's `whsec_` + base64. */
export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** The `webhook-signature` header for this message, one `v1,` signature per secret. */
export function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  return secrets.map((s) => `v1,${createHmac('sha256', keyOf(s)).update(`${id}.${timestamp}.${body}`).digest('base64')}`).join(' ');
}

/** The three headers a receiver verifies, for a message sent at `at`. */
export function signedHeaders(secrets: readonly string[], id: string, at: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureHeader(secrets, id, timestamp, body) };
}
