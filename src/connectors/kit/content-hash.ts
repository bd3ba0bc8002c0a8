import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { HashType } from '../connector.js';
import { dropboxContentHashOf } from './dropbox-content-hash.js';
import { quickXorOf } from './quickxorhash.js';

type Body = Readable | AsyncIterable<Uint8Array>;

async function digestOf(algorithm: string, stream: Body): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of stream) hash.update(chunk as Uint8Array);
  return hash.digest('hex');
}

/**
 * Each provider hash we can compute ourselves, in the encoding the provider reports it. A new
 * provider hash (Dropbox's content_hash, say) is one line here; the conformance suite and the
 * backup verifier both use this table, so they always agree on what can be checked.
 */
const hashers: Partial<Record<HashType, (stream: Body) => Promise<string>>> = {
  sha256: (s) => digestOf('sha256', s),
  sha1: (s) => digestOf('sha1', s),
  md5: (s) => digestOf('md5', s),
  quickxor: (s) => quickXorOf(s),
  dropbox: (s) => dropboxContentHashOf(s),
};

export function canComputeHash(type: HashType): boolean {
  return hashers[type] !== undefined;
}

/** The provider-style hash of a whole stream, consumed chunk by chunk. */
export function contentHashOf(type: HashType, stream: Body): Promise<string> {
  const hasher = hashers[type];
  if (!hasher) throw new Error(`Dossier cannot compute ${type} hashes.`);
  return hasher(stream);
}
