import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { HashType } from '../connector.js';
import { DropboxContentHash } from './dropbox-content-hash.js';
import { QuickXorHash } from './quickxorhash.js';

type Body = Readable | AsyncIterable<Uint8Array>;

/** A hash fed in chunks of any size; digest() gives it in the encoding the provider reports. */
interface Hasher {
  update(chunk: Uint8Array): unknown;
  digest(): string;
}

const digestHasher = (algorithm: string): Hasher => {
  const hash = createHash(algorithm);
  return { update: (chunk) => hash.update(chunk), digest: () => hash.digest('hex') };
};

/**
 * Each provider hash we can compute ourselves, in the encoding the provider reports it. A new
 * provider hash (Dropbox's content_hash, say) is one line here; the conformance suite and the
 * backup verifier both use this table, so they always agree on what can be checked.
 */
const hashers: Partial<Record<HashType, () => Hasher>> = {
  sha256: () => digestHasher('sha256'),
  sha1: () => digestHasher('sha1'),
  md5: () => digestHasher('md5'),
  quickxor: () => new QuickXorHash(),
  dropbox: () => new DropboxContentHash(),
};

export function canComputeHash(type: HashType): boolean {
  return hashers[type] !== undefined;
}

function hasherFor(type: HashType): Hasher {
  const make = hashers[type];
  if (!make) throw new Error(`Dossier cannot compute ${type} hashes.`);
  return make();
}

/** The provider-style hash of a whole stream, consumed chunk by chunk. */
export async function contentHashOf(type: HashType, stream: Body): Promise<string> {
  const hasher = hasherFor(type);
  for await (const chunk of stream) hasher.update(chunk as Uint8Array);
  return hasher.digest();
}

/**
 * A pass-through stream that computes a provider-style hash of what flows through it, so an
 * upload and the hash its verification needs cost one read of the data, not two. The hash is
 * there only once the stream has ended, i.e. the reader took everything (`complete`).
 */
export class ContentHashingStream extends Transform {
  private readonly hasher: Hasher;
  bytes = 0;
  private digested: string | null = null;

  constructor(type: HashType) {
    super();
    this.hasher = hasherFor(type);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hasher.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.digested = this.hasher.digest();
    done();
  }

  /** Everything passed through and the source ended. */
  get complete(): boolean {
    return this.digested !== null;
  }

  /** The hash of everything that passed through; only once `complete`. */
  digest(): string {
    if (this.digested === null) throw new Error('The stream has not ended: its hash covers only part of the data.');
    return this.digested;
  }
}
