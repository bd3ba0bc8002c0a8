import type { Readable } from 'node:stream';

/** Bytes in the digest: the register is 160 bits wide. */
const WIDTH_BYTES = 20;
const WIDTH_BITS = WIDTH_BYTES * 8;
const SHIFT = 11;
/**
 * Input byte i lands at bit offset (11·i) mod 160, which repeats every 160 bytes (11 and 160
 * share no factor). So bytes whose indexes are equal mod 160 can first be XORed together in a
 * plain 160-byte buffer (one XOR per input byte, no shifting), and the shifting done once at the
 * end. rclone keeps 11×160 bytes for the same purpose; 160 is enough and gives the same result.
 */
const CELLS = WIDTH_BITS;

/**
 * Microsoft's QuickXorHash, the hash OneDrive reports for every file (file.hashes.quickXorHash).
 * Streaming: update() with any chunking gives the same digest as one update() with everything.
 */
const WORDS = CELLS / 4;
/** Rounds XORed per block: bounds the scratch copy for unaligned input to 64,000 bytes. */
const ROUNDS_PER_BLOCK = 400;

export class QuickXorHash {
  private readonly cells = new Uint8Array(CELLS);
  private readonly words = new Uint32Array(this.cells.buffer);
  private readonly scratch = new Uint8Array(ROUNDS_PER_BLOCK * CELLS);
  private readonly scratchWords = new Uint32Array(this.scratch.buffer);
  /** Total bytes seen; a Number is exact up to 2^53, far beyond any file OneDrive stores. */
  private length = 0;

  update(chunk: Uint8Array): this {
    const cells = this.cells;
    let at = this.length % CELLS;
    let i = 0;
    // Head: finish the current 160-byte round so the main loop starts aligned.
    while (at !== 0 && i < chunk.length) {
      cells[at] = cells[at]! ^ chunk[i++]!;
      at = at + 1 === CELLS ? 0 : at + 1;
    }
    const end = chunk.length;
    // Whole rounds, four bytes per XOR: byte order does not matter to XOR as long as both views
    // share it. A Uint32Array view needs 4-byte alignment, so unaligned input goes through a copy.
    const words = this.words;
    while (i + CELLS <= end) {
      const n = Math.min(ROUNDS_PER_BLOCK, Math.floor((end - i) / CELLS)) * CELLS;
      const at4 = chunk.byteOffset + i;
      let view: Uint32Array;
      if (at4 % 4 === 0) view = new Uint32Array(chunk.buffer, at4, n / 4);
      else {
        this.scratch.set(chunk.subarray(i, i + n));
        view = this.scratchWords.subarray(0, n / 4);
      }
      for (let j = 0; j < view.length; j += WORDS) {
        for (let k = 0; k < WORDS; k++) words[k] = words[k]! ^ view[j + k]!;
      }
      i += n;
    }
    for (let k = 0; i < end; i++, k++) cells[k] = cells[k]! ^ chunk[i]!;
    this.length += chunk.length;
    return this;
  }

  /** The 20-byte hash, base64 as Graph writes it. Does not change the state. */
  digest(): string {
    // One spare byte catches the bits of the last cell that run past bit 159; they wrap to bit 0.
    const out = new Uint8Array(WIDTH_BYTES + 1);
    for (let k = 0; k < CELLS; k++) {
      const bit = (k * SHIFT) % WIDTH_BITS;
      const shifted = this.cells[k]! << (bit % 8);
      out[bit >> 3] = out[bit >> 3]! ^ (shifted & 0xff);
      out[(bit >> 3) + 1] = out[(bit >> 3) + 1]! ^ (shifted >> 8);
    }
    out[0] = out[0]! ^ out[WIDTH_BYTES]!;
    // The length, as a 64-bit little-endian integer, goes into the last 8 bytes.
    let length = this.length;
    for (let b = 0; b < 8; b++) {
      out[WIDTH_BYTES - 8 + b] = out[WIDTH_BYTES - 8 + b]! ^ (length % 256);
      length = Math.floor(length / 256);
    }
    return Buffer.from(out.subarray(0, WIDTH_BYTES)).toString('base64');
  }
}

/** QuickXorHash (base64) of a whole stream, consumed chunk by chunk. */
export async function quickXorOf(stream: Readable | AsyncIterable<Uint8Array>): Promise<string> {
  const hash = new QuickXorHash();
  for await (const chunk of stream) hash.update(chunk as Uint8Array);
  return hash.digest();
}
