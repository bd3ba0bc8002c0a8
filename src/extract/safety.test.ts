import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { extractDocument, type ExtractionResult, type FailureReason } from './index.js';
import { EINVOICE_FIXTURES } from '../../test/helpers/fixtures.js';

/**
 * Hostile and broken input: every case ends in a typed result, none throws, none reads a
 * file it names or expands an entity.
 */
const fixture = (dir: string, file: string): Buffer => readFileSync(path.resolve(EINVOICE_FIXTURES, dir, file));

const reasonOf = (r: ExtractionResult): FailureReason | 'ok' => (r.ok ? 'ok' : r.reason);
const messageOf = (r: ExtractionResult): string => (r.ok ? '' : r.message);

/** A small deterministic generator, so "random" inputs are the same in every run. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

describe('unsafe XML', () => {
  const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&lol9;</ID></Invoice>`;
  const EXTERNAL = `<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&xxe;</ID></Invoice>`;
  const PARAMETER = `<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<Invoice><ID>1</ID></Invoice>`;
  const EXTERNAL_DTD = `<?xml version="1.0"?><!DOCTYPE Invoice SYSTEM "file:///etc/passwd"><Invoice><ID>1</ID></Invoice>`;
  const LATE_ENTITY = `<Invoice><ID>1</ID><!ENTITY x "y"></Invoice>`;

  for (const [name, xml] of [['billion laughs', BILLION_LAUGHS], ['an external entity to /etc/passwd', EXTERNAL],
    ['a remote parameter entity', PARAMETER], ['an external DTD', EXTERNAL_DTD], ['a declaration after the root', LATE_ENTITY]] as const) {
    it(`refuses ${name} before parsing`, async () => {
      const result = await extractDocument({ bytes: Buffer.from(xml), filename: 'invoice.xml' });
      assert.equal(reasonOf(result), 'unsafe_xml');
      assert.doesNotMatch(messageOf(result), /root:|lol{5}/);
    });
  }

  it('refuses a DOCTYPE hidden in UTF-16', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(EXTERNAL.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>'), 'utf16le')]);
    assert.equal(reasonOf(await extractDocument({ bytes })), 'unsafe_xml');
  });

  it('does not follow XInclude', async () => {
    const xml = fixture('ubl', 'ubl-tc434-example9.xml').toString('utf8').replace('<cbc:ID>20150483</cbc:ID>',
      '<cbc:ID>20150483</cbc:ID><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>');
    const result = await extractDocument({ bytes: Buffer.from(xml) });
    assert.ok(result.ok);
    assert.doesNotMatch(result.text, /root:/);
  });

  it('ends absurd nesting as malformed, without a stack overflow', async () => {
    const depth = 100_000;
    const xml = `<Invoice>${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}</Invoice>`;
    const result = await extractDocument({ bytes: Buffer.from(xml) });
    assert.equal(reasonOf(result), 'malformed');
    assert.match(messageOf(result), /nests elements more than 100 deep/);
  });
});

describe('limits', () => {
  it('refuses a 60 MB input before looking at it', async () => {
    const bytes = Buffer.alloc(60 * 1024 * 1024, 0x20);
    bytes.write('<?xml version="1.0"?><Invoice>', 0);
    const result = await extractDocument({ bytes });
    assert.equal(reasonOf(result), 'too_large');
    assert.match(messageOf(result), /60 MB.*50 MB/);
  });

  it('honours a lower input limit', async () => {
    assert.equal(reasonOf(await extractDocument({ bytes: fixture('ubl', 'it-g2g-td01-split-payment.xml') }, { maxInputBytes: 1024 * 1024 })), 'too_large');
  });

  it('honours the XML size limit', async () => {
    assert.equal(reasonOf(await extractDocument({ bytes: fixture('ubl', 'it-g2g-td01-split-payment.xml') }, { maxXmlBytes: 1024 * 1024 })), 'too_large');
  });

  it('stops when the time budget is spent', async () => {
    const result = await extractDocument({ bytes: fixture('cii', 'CII_example1.xml') }, { timeoutMs: 0 });
    assert.equal(reasonOf(result), 'timeout');
  });

  it('ignores nonsense limits and uses the defaults', async () => {
    const result = await extractDocument({ bytes: fixture('cii', 'CII_example1.xml') }, { maxInputBytes: Number.NaN, timeoutMs: -5 });
    assert.equal(reasonOf(result), 'ok');
  });

  it('ends a 50 MB image that is not a real JPEG as a typed failure, without decoding it whole', async () => {
    const bytes = Buffer.alloc(50_000_000);
    Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(bytes);
    const result = await extractDocument({ bytes, filename: 'scan.jpg', mime: 'image/jpeg' });
    assert.ok(['malformed', 'unsupported'].includes(reasonOf(result)), `${reasonOf(result)}: ${messageOf(result)}`);
    assert.match(messageOf(result), /./);
  });
});

describe('garbage', () => {
  const cases: Array<[string, Buffer, FailureReason, { filename?: string; mime?: string }?]> = [
    ['random bytes', pseudoRandomBytes(4096, 7), 'unsupported'],
    ['random bytes named like a PDF', pseudoRandomBytes(4096, 8), 'malformed', { filename: 'invoice.pdf' }],
    ['random bytes sent as XML', pseudoRandomBytes(4096, 9), 'malformed', { mime: 'application/xml' }],
    ['a PDF header followed by noise', Buffer.concat([Buffer.from('%PDF-1.7\n'), pseudoRandomBytes(20_000, 10)]), 'malformed'],
    ['an empty file', Buffer.alloc(0), 'malformed'],
    // The PNG signature then noise: a damaged image, refused before any OCR.
    ['a PNG', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pseudoRandomBytes(100, 11)]), 'malformed'],
    ['a ZIP archive', Buffer.concat([Buffer.from('PK\x03\x04'), pseudoRandomBytes(100, 12)]), 'unsupported'],
    ['an HTML error page', Buffer.from('<!DOCTYPE html><html><body>Session expired</body></html>'), 'unsupported'],
    ['XML that is not an invoice', Buffer.from('<?xml version="1.0"?><Order><ID>1</ID></Order>'), 'unsupported'],
    ['XML cut in half', fixture('cii', 'CII_example2.xml').subarray(0, 8000), 'malformed'],
    ['text', Buffer.from('Invoice 2024-001, total 12,50 EUR'), 'unsupported'],
  ];
  for (const [name, bytes, reason, hints] of cases) {
    it(`${name} -> ${reason}`, async () => {
      const result = await extractDocument({ bytes, ...hints });
      assert.equal(reasonOf(result), reason, messageOf(result));
      assert.ok(messageOf(result).length > 20, 'the message says what happened');
    });
  }

  it('answers something typed for input that is not a buffer at all', async () => {
    const result = await extractDocument({ bytes: undefined as unknown as Buffer });
    assert.equal(reasonOf(result), 'unsupported');
  });

  it('never throws on damaged copies of real e-invoices', async () => {
    const sources = [fixture('ubl', 'guide-example2.xml'), fixture('cii', 'CII_example5.xml')];
    let seed = 1;
    for (const source of sources) {
      for (let round = 0; round < 40; round++) {
        const copy = Buffer.from(source);
        const noise = pseudoRandomBytes(16, seed++);
        for (let k = 0; k < 8; k++) copy[(noise[k]! * 257 + noise[k + 8]! * 13 + round * 997) % copy.length] = noise[k]!;
        const cut = round % 3 === 0 ? copy.subarray(0, (round * 7919) % copy.length) : copy;
        const result = await extractDocument({ bytes: cut });
        assert.equal(typeof result.ok, 'boolean');
        if (!result.ok) assert.ok(['malformed', 'unsupported', 'unsafe_xml'].includes(result.reason), `${result.reason}: ${result.message}`);
      }
    }
  });
});
