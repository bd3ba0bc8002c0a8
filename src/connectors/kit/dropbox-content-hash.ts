import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';

/** Dropbox hashes files in 4 MiB blocks (docs/providers/dropbox.md, "Hashes"). */
export const DROPBOX_BLOCK_BYTES = 4 * 1024 * 1024;

/**
 * Dropbox's content_hash, fed in chunks of any size: the SHA-256 of each 4 MiB block, those raw
 * digests hashed again with SHA-256, hex in lower case. Memory stays at two hash states, so a
 * 2 GiB file costs what a 2 KiB one does.
 */
export class DropboxContentHash {
  private readonly overall = createHash('sha256');
  private block: Hash = createHash('sha256');
  private inBlock = 0;

  update(data: Uint8Array): this {
    let at = 0;
    while (at < data.length) {
      const take = Math.min(DROPBOX_BLOCK_BYTES - this.inBlock, data.length - at);
      this.block.update(data.subarray(at, at + take));
      this.inBlock += take;
      at += take;
      if (this.inBlock === DROPBOX_BLOCK_BYTES) this.closeBlock();
    }
    return this;
  }

  private closeBlock(): void {
    this.overall.update(this.block.digest());
    this.block = createHash('sha256');
    this.inBlock = 0;
  }

  /** The hex content_hash; the hasher is spent afterwards. An empty input gives SHA-256 of nothing. */
  digest(): string {
    if (this.inBlock > 0) this.closeBlock();
    return this.overall.digest('hex');
  }
}

/** Dropbox content_hash of a buffer (one request's data, say). */
export const dropboxContentHash = (data: Uint8Array): string => new DropboxContentHash().update(data).digest();

/** Dropbox content_hash of a whole stream, consumed chunk by chunk. */
export async function dropboxContentHashOf(stream: Readable | AsyncIterable<Uint8Array>): Promise<string> {
  const hash = new DropboxContentHash();
  for await (const chunk of stream) hash.update(chunk as Uint8Array);
  return hash.digest();
}
