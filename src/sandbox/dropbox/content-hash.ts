import { createHash } from 'node:crypto';

const BLOCK = 4 * 1024 * 1024;

/**
 * The content_hash the service reports (docs/providers/dropbox.md, "Hashes"), over a stored buffer. Kept
 * apart from the connectors' streaming hasher on purpose: the emulator must not share code with
 * the client it checks, or one bug would agree with itself.
 */
export function contentHash(data: Buffer): string {
  const outer = createHash('sha256');
  for (let at = 0; at < data.length; at += BLOCK) outer.update(createHash('sha256').update(data.subarray(at, at + BLOCK)).digest());
  return outer.digest('hex');
}
