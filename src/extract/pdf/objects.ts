/**
 * PDF object syntax (ISO 32000-1, 7.2-7.3): just enough of a lexer and parser to walk the
 * cross-reference data, the document catalog and embedded files. It never interprets page
 * content. Every loop is bounded by the buffer and nesting is capped, so hostile input ends
 * in a PdfSyntaxError rather than a hang or a stack overflow.
 */

export class PdfName {
  constructor(readonly name: string) {}
}

export class PdfRef {
  constructor(readonly num: number, readonly gen: number) {}
}

export class PdfString {
  constructor(readonly bytes: Buffer) {}

  /** Text strings are UTF-16BE with a BOM, UTF-8 with a BOM, or PDFDocEncoding (Latin-1 here). */
  text(): string {
    const b = this.bytes;
    if (b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b.subarray(2));
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8');
    return b.toString('latin1');
  }
}

export class PdfDict {
  constructor(readonly entries: Map<string, PdfValue>) {}
  get(key: string): PdfValue | undefined {
    return this.entries.get(key);
  }
}

/** A stream with its raw (still encoded) bytes; a view into the file, not a copy. */
export class PdfStream {
  constructor(readonly dict: PdfDict, readonly data: Buffer) {}
}

export type PdfValue = number | boolean | null | PdfName | PdfString | PdfRef | PdfDict | PdfStream | PdfValue[];

export class PdfSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'PdfSyntaxError';
  }
}

const MAX_DEPTH = 64;
/**
 * Implementation limits, far above what the objects read here (catalog, page tree root,
 * file specifications, cross-reference data) ever hold, and low enough that a hostile
 * object cannot make a parsed copy many times its own size.
 */
const MAX_STRING_BYTES = 1024 * 1024;
const MAX_ITEMS = 1_000_000;
/** \n \r \t \b \f \( \) \\ in literal strings. */
const ESCAPES: Record<number, number> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x66: 0x0c, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };
const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
const isDelimiter = (c: number | undefined): boolean =>
  c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25;
const isRegular = (c: number | undefined): boolean => c !== undefined && !isSpace(c) && !isDelimiter(c);

/** Resolves the /Length of a stream when it is an indirect reference. */
export type LengthResolver = (ref: PdfRef) => number | null;

export class PdfParser {
  constructor(readonly buf: Buffer, public pos = 0) {}

  skipSpace(): void {
    const buf = this.buf;
    while (this.pos < buf.length) {
      const c = buf[this.pos];
      if (isSpace(c)) this.pos++;
      else if (c === 0x25) { // comment to end of line
        while (this.pos < buf.length && buf[this.pos] !== 0x0a && buf[this.pos] !== 0x0d) this.pos++;
      } else break;
    }
  }

  /** The next bare keyword or number token, without consuming it when `peek` is set. */
  word(peek = false): string {
    this.skipSpace();
    const start = this.pos;
    let end = start;
    while (end < this.buf.length && isRegular(this.buf[end])) end++;
    if (!peek) this.pos = end;
    return this.buf.toString('latin1', start, end);
  }

  startsWith(text: string): boolean {
    this.skipSpace();
    return this.buf.toString('latin1', this.pos, this.pos + text.length) === text;
  }

  integer(): number {
    const w = this.word();
    if (!/^[+-]?\d+$/.test(w)) throw new PdfSyntaxError(`expected an integer, found "${w.slice(0, 20)}"`, this.pos);
    return Number(w);
  }

  value(depth = 0): PdfValue {
    if (depth > MAX_DEPTH) throw new PdfSyntaxError('objects nested too deeply', this.pos);
    this.skipSpace();
    const buf = this.buf;
    const c = buf[this.pos];
    if (c === undefined) throw new PdfSyntaxError('unexpected end of file', this.pos);
    if (c === 0x2f) return this.name();
    if (c === 0x28) return this.literalString();
    if (c === 0x3c) return buf[this.pos + 1] === 0x3c ? this.dict(depth) : this.hexString();
    if (c === 0x5b) return this.array(depth);
    const start = this.pos;
    const w = this.word();
    if (w === 'true') return true;
    if (w === 'false') return false;
    if (w === 'null') return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(w)) {
      if (/^\d+$/.test(w)) { // "n g R" is a reference
        const save = this.pos;
        const gen = this.word();
        if (/^\d+$/.test(gen) && this.word() === 'R') return new PdfRef(Number(w), Number(gen));
        this.pos = save;
      }
      return Number(w);
    }
    throw new PdfSyntaxError(`unexpected "${w.slice(0, 20) || String.fromCharCode(c)}"`, start);
  }

  private name(): PdfName {
    const buf = this.buf;
    let end = ++this.pos;
    while (end < buf.length && isRegular(buf[end])) end++;
    const raw = buf.toString('latin1', this.pos, end);
    this.pos = end;
    return new PdfName(raw.replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
  }

  private literalString(): PdfString {
    const buf = this.buf;
    const out: number[] = [];
    let depth = 1;
    let i = this.pos + 1;
    while (i < buf.length) {
      const c = buf[i++]!;
      if (c === 0x5c) { // backslash escapes
        const n = buf[i++];
        if (n === undefined) break;
        const escaped = ESCAPES[n];
        if (escaped !== undefined) out.push(escaped);
        else if (n >= 0x30 && n <= 0x37) {
          let code = n - 0x30;
          for (let k = 0; k < 2 && buf[i]! >= 0x30 && buf[i]! <= 0x37; k++) code = code * 8 + (buf[i++]! - 0x30);
          out.push(code & 0xff);
        } else if (n === 0x0d) { if (buf[i] === 0x0a) i++; } // line continuation
        else if (n !== 0x0a) out.push(n);
        continue;
      }
      if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) break;
      out.push(c);
      if (out.length > MAX_STRING_BYTES) throw new PdfSyntaxError('string too long', this.pos);
    }
    if (depth !== 0) throw new PdfSyntaxError('unterminated string', this.pos);
    this.pos = i;
    return new PdfString(Buffer.from(out));
  }

  private hexString(): PdfString {
    const end = this.buf.indexOf(0x3e, this.pos);
    if (end < 0) throw new PdfSyntaxError('unterminated hex string', this.pos);
    if (end - this.pos > 2 * MAX_STRING_BYTES + 2) throw new PdfSyntaxError('string too long', this.pos);
    let hex = this.buf.toString('latin1', this.pos + 1, end).replace(/[^0-9A-Fa-f]/g, '');
    if (hex.length % 2) hex += '0';
    this.pos = end + 1;
    return new PdfString(Buffer.from(hex, 'hex'));
  }

  private array(depth: number): PdfValue[] {
    this.pos++;
    const items: PdfValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.buf.length) throw new PdfSyntaxError('unterminated array', this.pos);
      if (this.buf[this.pos] === 0x5d) { this.pos++; return items; }
      if (items.length >= MAX_ITEMS) throw new PdfSyntaxError('array too long', this.pos);
      items.push(this.value(depth + 1));
    }
  }

  private dict(depth: number): PdfDict {
    this.pos += 2;
    const entries = new Map<string, PdfValue>();
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.buf.length) throw new PdfSyntaxError('unterminated dictionary', this.pos);
      if (this.buf[this.pos] === 0x3e && this.buf[this.pos + 1] === 0x3e) { this.pos += 2; return new PdfDict(entries); }
      const key = this.value(depth + 1);
      if (!(key instanceof PdfName)) throw new PdfSyntaxError('dictionary key is not a name', this.pos);
      if (entries.size >= MAX_ITEMS) throw new PdfSyntaxError('dictionary too long', this.pos);
      entries.set(key.name, this.value(depth + 1));
    }
  }

  /** Reads "num gen obj ... endobj" at the current position, streams included. */
  indirect(lengthOf: LengthResolver): { num: number; gen: number; value: PdfValue } {
    const num = this.integer();
    const gen = this.integer();
    if (this.word() !== 'obj') throw new PdfSyntaxError('expected "obj"', this.pos);
    const value = this.value();
    if (value instanceof PdfDict && this.startsWith('stream')) {
      return { num, gen, value: this.stream(value, lengthOf) };
    }
    return { num, gen, value };
  }

  private stream(dict: PdfDict, lengthOf: LengthResolver): PdfStream {
    const buf = this.buf;
    this.pos += 'stream'.length;
    if (buf[this.pos] === 0x0d) this.pos++;
    if (buf[this.pos] === 0x0a) this.pos++;
    const start = this.pos;
    const declared = dict.get('Length');
    const length = typeof declared === 'number' ? declared : declared instanceof PdfRef ? lengthOf(declared) : null;
    if (length !== null && Number.isInteger(length) && length >= 0 && start + length <= buf.length) {
      this.pos = start + length;
      if (this.startsWith('endstream')) {
        this.pos += 'endstream'.length;
        return new PdfStream(dict, buf.subarray(start, start + length));
      }
    }
    // A wrong or missing /Length is common in damaged files: fall back to the end marker.
    const end = buf.indexOf('endstream', start, 'latin1');
    if (end < 0) throw new PdfSyntaxError('stream without "endstream" (the file is truncated)', start);
    let dataEnd = end;
    if (buf[dataEnd - 1] === 0x0a) dataEnd--;
    if (buf[dataEnd - 1] === 0x0d) dataEnd--;
    this.pos = end + 'endstream'.length;
    return new PdfStream(dict, buf.subarray(start, Math.max(start, dataEnd)));
  }
}
