import { fail, ExtractionError, type Budget } from '../budget.js';
import { decodeStream } from './filters.js';
import { PdfDict, PdfName, PdfParser, PdfRef, PdfStream, PdfSyntaxError, type PdfValue } from './objects.js';

/**
 * Random access to the objects of a PDF: the cross-reference chain (tables and streams,
 * incremental updates via /Prev), compressed object streams, and, when the cross-reference
 * data is missing or wrong, a rebuild by scanning the file for "n g obj", as PDF viewers do.
 */

type XrefEntry = { kind: 'offset'; offset: number } | { kind: 'compressed'; stream: number };

const MAX_XREF_SECTIONS = 256;
const MAX_REF_DEPTH = 32;
/** Object streams may hold at most this much decoded data each; real ones are a few hundred KB. */
const MAX_OBJECT_STREAM_BYTES = 64 * 1024 * 1024;

export class PdfDocument {
  private readonly entries = new Map<number, XrefEntry>();
  private readonly cache = new Map<number, PdfValue>();
  private readonly objectStreams = new Map<number, { buf: Buffer; offsets: Map<number, number> }>();
  private scanned: Map<number, number> | null = null;
  private readonly resolving = new Set<number>();
  trailer = new PdfDict(new Map());
  /** The cross-reference data was unusable and the file had to be rebuilt by scanning. */
  repaired = false;

  private constructor(readonly buf: Buffer, readonly budget: Budget) {}

  /** Repaired and without an end-of-file marker: most likely cut off, and parts may be missing. */
  get truncated(): boolean {
    return this.repaired && !this.buf.subarray(Math.max(0, this.buf.length - 1024)).includes('%%EOF', 0, 'latin1');
  }

  /** Opens a PDF; damaged cross-reference data is rebuilt, hopeless files fail as malformed. */
  static open(buf: Buffer, budget: Budget): PdfDocument {
    const doc = new PdfDocument(buf, budget);
    try {
      doc.readXrefChain();
    } catch (err) {
      if (err instanceof ExtractionError && err.reason !== 'malformed') throw err;
      doc.entries.clear();
      doc.trailer = new PdfDict(new Map());
    }
    if (!(doc.resolve(doc.trailer.get('Root')) instanceof PdfDict)) doc.rebuild();
    if (doc.trailer.get('Encrypt') !== undefined) {
      fail('unsupported', 'The PDF is encrypted, so its embedded files cannot be read. Ask the sender for an unprotected copy (Factur-X and ZUGFeRD files are never encrypted).');
    }
    if (!(doc.resolve(doc.trailer.get('Root')) instanceof PdfDict)) {
      fail('malformed', 'The PDF is damaged: its document catalog cannot be found. Ask the sender for a new copy.');
    }
    return doc;
  }

  catalog(): PdfDict {
    return this.resolve(this.trailer.get('Root')) as PdfDict;
  }

  /** Page count from the page tree root, or null when the file does not say. */
  pageCount(): number | null {
    const pages = this.resolve(this.catalog().get('Pages'));
    const count = pages instanceof PdfDict ? this.resolve(pages.get('Count')) : undefined;
    return typeof count === 'number' && Number.isInteger(count) && count >= 0 ? count : null;
  }

  /** Follows references until a direct value; unknown objects are null, as the spec says. */
  resolve(value: PdfValue | undefined, depth = 0): PdfValue | undefined {
    if (!(value instanceof PdfRef)) return value;
    if (depth > MAX_REF_DEPTH) return undefined;
    return this.resolve(this.object(value.num), depth + 1);
  }

  decode(stream: PdfStream, cap: number, what: string): Buffer {
    return decodeStream(stream, this.budget, cap, what);
  }

  private object(num: number): PdfValue | undefined {
    if (this.cache.has(num)) return this.cache.get(num);
    if (this.resolving.has(num)) return undefined; // a reference cycle, e.g. a /Length pointing at its own stream
    this.budget.checkTime();
    this.resolving.add(num);
    try {
      const value = this.load(num);
      this.cache.set(num, value ?? null);
      return value;
    } finally {
      this.resolving.delete(num);
    }
  }

  private load(num: number): PdfValue | undefined {
    const entry = this.entries.get(num);
    if (entry?.kind === 'compressed') return this.fromObjectStream(entry.stream, num);
    const fromTable = entry ? this.parseAt(entry.offset, num) : undefined;
    if (fromTable !== undefined) return fromTable;
    const offset = this.scan().get(num);
    return offset === undefined ? undefined : this.parseAt(offset, num);
  }

  private parseAt(offset: number, expected: number): PdfValue | undefined {
    try {
      const parsed = new PdfParser(this.buf, offset).indirect((ref) => this.lengthOf(ref));
      return parsed.num === expected ? parsed.value : undefined;
    } catch (err) {
      if (err instanceof PdfSyntaxError) return undefined;
      throw err;
    }
  }

  private lengthOf(ref: PdfRef): number | null {
    const value = this.resolve(ref);
    return typeof value === 'number' ? value : null;
  }

  private fromObjectStream(streamNum: number, num: number): PdfValue | undefined {
    let decoded = this.objectStreams.get(streamNum);
    if (!decoded) {
      const stream = this.object(streamNum);
      if (!(stream instanceof PdfStream)) return undefined;
      decoded = this.decodeObjectStream(stream);
      this.objectStreams.set(streamNum, decoded);
    }
    const offset = decoded.offsets.get(num);
    if (offset === undefined) return undefined;
    try {
      return new PdfParser(decoded.buf, offset).value();
    } catch (err) {
      if (err instanceof PdfSyntaxError) return undefined;
      throw err;
    }
  }

  private decodeObjectStream(stream: PdfStream): { buf: Buffer; offsets: Map<number, number> } {
    const buf = this.decode(stream, MAX_OBJECT_STREAM_BYTES, 'An object stream of the PDF');
    const n = stream.dict.get('N'), first = stream.dict.get('First');
    const offsets = new Map<number, number>();
    if (typeof n !== 'number' || typeof first !== 'number') return { buf, offsets };
    const header = new PdfParser(buf, 0);
    try {
      for (let i = 0; i < n && header.pos < first; i++) offsets.set(header.integer(), first + header.integer());
    } catch (err) {
      if (!(err instanceof PdfSyntaxError)) throw err;
    }
    return { buf, offsets };
  }

  // ---- cross-reference chain --------------------------------------------------------------

  private readXrefChain(): void {
    // the last startxref counts: incremental updates append their own
    const tail = this.buf.toString('latin1', Math.max(0, this.buf.length - 4096));
    const m = /^startxref\s+(\d+)/.exec(tail.slice(tail.lastIndexOf('startxref')));
    if (!m) fail('malformed', 'no startxref');
    let offset: number | null = Number(m[1]);
    const seen = new Set<number>();
    const trailers: PdfDict[] = [];
    while (offset !== null && !seen.has(offset) && seen.size < MAX_XREF_SECTIONS) {
      seen.add(offset);
      this.budget.checkTime();
      const trailer = this.readXrefSection(offset);
      trailers.push(trailer);
      const hybrid = trailer.get('XRefStm');
      if (typeof hybrid === 'number' && !seen.has(hybrid)) { seen.add(hybrid); this.readXrefSection(hybrid); }
      const prev = trailer.get('Prev');
      offset = typeof prev === 'number' ? prev : null;
    }
    // the newest trailer wins, but some writers put /Root only in an older one
    this.trailer = trailers.find((t) => t.get('Root') !== undefined) ?? trailers[0] ?? this.trailer;
    const encrypt = trailers.find((t) => t.get('Encrypt') !== undefined)?.get('Encrypt');
    if (encrypt !== undefined && this.trailer.get('Encrypt') === undefined) this.trailer.entries.set('Encrypt', encrypt);
  }

  private readXrefSection(offset: number): PdfDict {
    const parser = new PdfParser(this.buf, offset);
    try {
      if (parser.startsWith('xref')) return this.readXrefTable(parser);
      const { value } = parser.indirect((ref) => this.lengthOf(ref));
      const type = value instanceof PdfStream ? value.dict.get('Type') : undefined;
      if (!(value instanceof PdfStream) || !(type instanceof PdfName) || type.name !== 'XRef') fail('malformed', 'no xref stream');
      this.readXrefStream(value);
      return value.dict;
    } catch (err) {
      if (err instanceof PdfSyntaxError) return fail('malformed', err.message);
      throw err;
    }
  }

  private readXrefTable(parser: PdfParser): PdfDict {
    parser.word(); // "xref"
    while (!parser.startsWith('trailer')) {
      const start = parser.integer();
      const count = parser.integer();
      if (count < 0 || count > this.buf.length / 18) fail('malformed', 'impossible xref subsection');
      for (let i = 0; i < count; i++) {
        const offset = parser.integer();
        parser.integer(); // generation
        const type = parser.word();
        if (type === 'n' && !this.entries.has(start + i)) this.entries.set(start + i, { kind: 'offset', offset });
        else if (type !== 'n' && type !== 'f') fail('malformed', 'bad xref entry');
      }
    }
    parser.word(); // "trailer"
    const trailer = parser.value();
    if (!(trailer instanceof PdfDict)) fail('malformed', 'trailer is not a dictionary');
    return trailer;
  }

  private readXrefStream(stream: PdfStream): void {
    const data = this.decode(stream, MAX_OBJECT_STREAM_BYTES, 'The cross-reference stream of the PDF');
    const w = stream.dict.get('W');
    if (!Array.isArray(w) || w.length < 3 || !w.every((x) => typeof x === 'number' && x >= 0 && x <= 8)) fail('malformed', 'bad /W');
    const [w1, w2, w3] = w as number[];
    const size = stream.dict.get('Size');
    const index = stream.dict.get('Index');
    const ranges = Array.isArray(index) ? index.filter((x): x is number => typeof x === 'number') : [0, typeof size === 'number' ? size : 0];
    const rowLength = w1! + w2! + w3!;
    if (rowLength === 0) fail('malformed', 'empty xref stream rows');
    let pos = 0;
    const field = (width: number, fallback: number): number => {
      if (width === 0) return fallback;
      let v = 0;
      for (let k = 0; k < width; k++) v = v * 256 + (data[pos++] ?? 0);
      return v;
    };
    for (let r = 0; r + 1 < ranges.length; r += 2) {
      const first = ranges[r]!, count = ranges[r + 1]!;
      for (let i = 0; i < count && pos + rowLength <= data.length; i++) {
        const type = field(w1!, 1), a = field(w2!, 0);
        field(w3!, 0); // generation or index within the object stream: objects are found by number
        if (this.entries.has(first + i)) continue;
        if (type === 1) this.entries.set(first + i, { kind: 'offset', offset: a });
        else if (type === 2) this.entries.set(first + i, { kind: 'compressed', stream: a });
      }
    }
  }

  // ---- rebuilding a damaged file -----------------------------------------------------------

  private text: string | null = null;
  /** The whole file as a one-byte-per-char string, made once: scanning needs regular expressions. */
  private latin1(): string {
    this.text ??= this.buf.toString('latin1');
    return this.text;
  }

  /** Offsets of every "n g obj" in the file; the last definition of a number wins, as in an update. */
  private scan(): Map<number, number> {
    if (this.scanned) return this.scanned;
    this.budget.checkTime();
    const text = this.latin1();
    const found = new Map<number, number>();
    const re = /(\d{1,10})\s+(\d{1,5})\s+obj\b/g;
    let m: RegExpExecArray | null;
    let n = 0;
    while ((m = re.exec(text)) !== null) {
      if (++n % 4096 === 0) this.budget.checkTime();
      found.set(Number(m[1]), m.index);
    }
    this.scanned = found;
    return found;
  }

  private rebuild(): void {
    this.repaired = true;
    const offsets = this.scan();
    this.entries.clear();
    this.cache.clear();
    this.objectStreams.clear();
    for (const [num, offset] of offsets) this.entries.set(num, { kind: 'offset', offset });
    const text = this.latin1();
    let root: PdfValue | undefined;
    let encrypt: PdfValue | undefined;
    for (const [num, offset] of offsets) {
      const head = text.slice(offset, offset + 1024);
      if (!/\/(ObjStm|Catalog|XRef)\b/.test(head)) continue;
      const value = this.object(num);
      const dict = value instanceof PdfStream ? value.dict : value instanceof PdfDict ? value : null;
      const type = dict?.get('Type');
      if (!(type instanceof PdfName)) continue;
      if (type.name === 'Catalog') root = new PdfRef(num, 0);
      if (type.name === 'XRef') { root ??= dict!.get('Root'); encrypt ??= dict!.get('Encrypt'); }
      if (type.name === 'ObjStm' && value instanceof PdfStream) this.indexObjectStream(num, value);
    }
    const trailerAt = text.lastIndexOf('trailer');
    if (trailerAt >= 0) {
      try {
        const parser = new PdfParser(this.buf, trailerAt + 'trailer'.length);
        const trailer = parser.value();
        if (trailer instanceof PdfDict) { root = trailer.get('Root') ?? root; encrypt = trailer.get('Encrypt') ?? encrypt; }
      } catch (err) {
        if (!(err instanceof PdfSyntaxError)) throw err;
      }
    }
    const entries = new Map<string, PdfValue>();
    if (root !== undefined) entries.set('Root', root);
    if (encrypt !== undefined) entries.set('Encrypt', encrypt);
    this.trailer = new PdfDict(entries);
  }

  private indexObjectStream(streamNum: number, stream: PdfStream): void {
    const decoded = this.decodeObjectStream(stream);
    this.objectStreams.set(streamNum, decoded);
    for (const num of decoded.offsets.keys()) {
      if (!this.entries.has(num)) this.entries.set(num, { kind: 'compressed', stream: streamNum });
    }
  }
}
