/**
 * QuickXorHash written straight from its definition (research/providers.md 1.5), kept apart from
 * the connector's buffered version on purpose: the emulator is the referee the connector's hash is
 * checked against, so the two must not share code. Per byte, XOR it into the 160-bit register at
 * bit offset (11·i) mod 160, wrapping past bit 159; then XOR the length into the last 8 bytes.
 */
export class ReferenceQuickXor {
  private readonly register = new Uint8Array(21);
  private index = 0;

  update(data: Uint8Array): void {
    const r = this.register;
    for (let j = 0; j < data.length; j++) {
      const bit = (this.index * 11) % 160;
      const value = data[j]! << (bit & 7);
      r[bit >> 3] = r[bit >> 3]! ^ (value & 0xff);
      // Bits past bit 159 wrap around to byte 0.
      const next = (bit >> 3) + 1;
      r[next === 20 ? 0 : next] = r[next === 20 ? 0 : next]! ^ (value >> 8);
      this.index++;
    }
  }

  digest(): string {
    const out = Buffer.from(this.register.subarray(0, 20));
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(this.index));
    for (let b = 0; b < 8; b++) out[12 + b]! ^= length[b]!;
    return out.toString('base64');
  }
}

export function quickXor(data: Uint8Array): string {
  const h = new ReferenceQuickXor();
  h.update(data);
  return h.digest();
}
