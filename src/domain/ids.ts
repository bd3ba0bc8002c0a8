import { randomBytes } from 'node:crypto';

/**
 * Ids are a short type prefix plus 20 random base32 characters: readable in logs
 * ("doc_..." is a document), unguessable, and sortable enough for humans.
 */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export type IdPrefix = 'org' | 'usr' | 'key' | 'cmp' | 'doc' | 'ver' | 'dst' | 'con' | 'run' | 'job' | 'bnd' | 'chn' | 'inv' | 'crn' | 'inb' | 'uin' | 'itr' | 'whe' | 'msg' | 'wha' | 'inc' | 'exp';

export function newId(prefix: IdPrefix): string {
  const bytes = randomBytes(20);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return `${prefix}_${out}`;
}
