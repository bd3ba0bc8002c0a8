import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { extractDocument, type ExtractionResult, type FailureReason } from './index.js';
import { EINVOICE_FIXTURES } from '../../test/helpers/fixtures.js';

/**
 * Hand-written PDFs, byte by byte, for what no PDF library will produce: compression bombs,
 * encryption markers, reference cycles, missing cross-reference tables.
 */
const invoiceXml = readFileSync(path.resolve(EINVOICE_FIXTURES, 'cii/CII_example9.xml'));

const reasonOf = (r: ExtractionResult): FailureReason | 'ok' => (r.ok ? 'ok' : r.reason);
const messageOf = (r: ExtractionResult): string => (r.ok ? '' : r.message);

function stream(dict: string, data: Buffer, length: string | number = data.length): Buffer {
  return Buffer.concat([Buffer.from(`<< ${dict} /Length ${length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);
}

/** Objects are numbered from 1 in order; object 1 is the catalog. */
function buildPdf(objects: Array<string | Buffer>, options: { trailer?: string; xref?: boolean } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let length = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(length);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), typeof body === 'string' ? Buffer.from(body, 'latin1') : body, Buffer.from('\nendobj\n')]);
    parts.push(chunk);
    length += chunk.length;
  });
  const trailer = `<< /Size ${objects.length + 1} /Root 1 0 R ${options.trailer ?? ''} >>`;
  const table = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  parts.push(Buffer.from(options.xref === false ? `trailer\n${trailer}\n%%EOF\n` : `${table}trailer\n${trailer}\nstartxref\n${length}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** The file name as a UTF-16BE text string with its byte-order mark, as /UF usually is. */
const UTF16_NAME = `<${Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('factur-x.xml', 'utf16le').swap16()]).toString('hex')}>`;

/** A Factur-X skeleton: catalog, one page, the name tree, the file spec; object 6 is the file. */
function facturx(embedded: Buffer, extra: Array<string | Buffer> = [], options: { trailer?: string; xref?: boolean; tree?: string } = {}): Buffer {
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> /AF [5 0 R] >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
    options.tree ?? '<< /Names [(factur-x.xml) 5 0 R] >>',
    `<< /Type /Filespec /F (factur-x.xml) /UF ${UTF16_NAME} /AFRelationship /Alternative /EF << /F 6 0 R /UF 6 0 R >> >>`,
    embedded,
    ...extra,
  ], options);
}

const flateFile = (data: Buffer): Buffer => stream('/Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode', deflateSync(data));

describe('hand-written PDFs', () => {
  it('reads a minimal Factur-X, compressed, stored or hex-encoded', async () => {
    const hexOfFlate = `${deflateSync(invoiceXml).toString('hex').replace(/(.{64})/g, '$1\n')}>`;
    for (const file of [flateFile(invoiceXml), stream('/Type /EmbeddedFile /Subtype /text#2Fxml', invoiceXml),
      stream('/Type /EmbeddedFile /Filter [/ASCIIHexDecode /FlateDecode]', Buffer.from(hexOfFlate))]) {
      const result = await extractDocument({ bytes: facturx(file) });
      assert.ok(result.ok, messageOf(result));
      assert.deepEqual([result.source, result.fields.number?.value, result.pages], ['facturx', '20150483', 1]);
    }
  });

  it('reads a PDF without a cross-reference table by scanning it', async () => {
    const result = await extractDocument({ bytes: facturx(flateFile(invoiceXml), [], { xref: false }) });
    assert.equal(result.ok && result.fields.number?.value, '20150483');
  });

  it('stops an embedded file that inflates past the XML limit (a zip bomb)', async () => {
    const bomb = flateFile(Buffer.alloc(64 * 1024 * 1024)); // 64 MB of zeros, about 64 KB compressed
    assert.ok(bomb.length < 200_000);
    const result = await extractDocument({ bytes: facturx(bomb) });
    assert.equal(reasonOf(result), 'too_large');
    assert.match(messageOf(result), /factur-x\.xml.*more than 50 MB/);
  });

  it('stops at the document-wide decompression budget too', async () => {
    const result = await extractDocument({ bytes: facturx(flateFile(Buffer.alloc(4 * 1024 * 1024))) }, { maxInflatedBytes: 1024 * 1024 });
    assert.equal(reasonOf(result), 'too_large');
    assert.match(messageOf(result), /compression bomb/);
  });

  it('stops an object stream that inflates past its limit', async () => {
    const objStm = stream('/Type /ObjStm /N 1 /First 8 /Filter /FlateDecode', deflateSync(Buffer.alloc(80 * 1024 * 1024, 0x20)));
    const result = await extractDocument({ bytes: facturx(flateFile(invoiceXml), [objStm], { xref: false }) });
    assert.equal(reasonOf(result), 'too_large');
  });

  it('refuses an encrypted PDF, saying why', async () => {
    const result = await extractDocument({ bytes: facturx(flateFile(invoiceXml), ['<< /Filter /Standard /V 2 /R 3 >>'], { trailer: '/Encrypt 7 0 R' }) });
    assert.equal(reasonOf(result), 'unsupported');
    assert.match(messageOf(result), /encrypted/);
  });

  it('survives reference cycles in the name tree and a /Length that points at itself', async () => {
    const selfLength = stream('/Type /EmbeddedFile /Filter /FlateDecode', deflateSync(invoiceXml), '6 0 R');
    const tree = '<< /Names [(factur-x.xml) 5 0 R] /Kids [4 0 R 7 0 R] >>';
    const result = await extractDocument({ bytes: facturx(selfLength, ['<< /Kids [4 0 R 7 0 R] >>'], { tree }) });
    assert.equal(result.ok && result.fields.number?.value, '20150483');
  });

  it('ends absurdly nested objects as malformed', async () => {
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const result = await extractDocument({ bytes: buildPdf([deep]) });
    assert.equal(reasonOf(result), 'malformed');
  });

  it('reads a page count from the page tree and refuses too many pages', async () => {
    const pdf = buildPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 100000 >>']);
    const result = await extractDocument({ bytes: pdf });
    assert.equal(reasonOf(result), 'too_many_pages');
    assert.equal(reasonOf(await extractDocument({ bytes: pdf }, { maxPages: 200_000 })), 'unsupported');
  });

  it('says which compression it cannot read', async () => {
    const lzw = stream('/Type /EmbeddedFile /Filter /LZWDecode', Buffer.from('not really lzw'));
    const result = await extractDocument({ bytes: facturx(lzw) });
    assert.equal(reasonOf(result), 'unsupported');
    assert.match(messageOf(result), /LZWDecode/);
  });

  it('ends a damaged compressed file as malformed', async () => {
    const broken = stream('/Type /EmbeddedFile /Filter /FlateDecode', Buffer.from('definitely not zlib data'));
    assert.equal(reasonOf(await extractDocument({ bytes: facturx(broken) })), 'malformed');
  });
});
