import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { closeExtraction, configureExtraction, extractDocument, extractionStats, type ExtractionResult } from '../../src/extract/index.js';
import { pdfBomb } from '../../src/extract/testing/bombs.js';
import { multipart, startApi } from '../../src/api/harness.test.js';

/**
 * Compression bombs against the reading of untrusted files (docs/security.md, "Untrusted
 * files"): a 1 MB PDF whose page unpacks to 1 GiB must cost its extraction thread, never the
 * thread that answers requests, and must end as a typed failure with nothing left running.
 */

const MiB = 1024 * 1024;

async function invoicePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  ['Muster GmbH', 'RECHNUNG', 'Rechnungsnummer: 2024-0815', 'Rechnungsdatum: 14.03.2024', 'Gesamtbetrag   119,00 EUR']
    .forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 14, size: 10, font }));
  return Buffer.from(await doc.save());
}

const upload = (content: Buffer, filename = 'bomb.pdf') => multipart([{ name: 'file', filename, type: 'application/pdf', content }]);

/** Resolves once `check` holds, looking every few milliseconds. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

after(() => closeExtraction());

describe('PDF compression bombs', () => {
  it('are refused at the decompression limit, in an extraction thread, while this thread keeps running', async () => {
    configureExtraction({});
    const bomb = await pdfBomb();
    assert.ok(bomb.length < 2 * MiB, `the bomb is small on disk (${bomb.length} bytes)`);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    let settled = false;
    const reading = extractDocument({ bytes: bomb, filename: 'bomb.pdf' }).finally(() => { settled = true; });
    await until(() => ticks > 0 || settled);
    assert.equal(settled, false, 'this thread ran a timer while the bomb was being read');
    const result = await reading;
    clearInterval(ticker);
    assert.equal(result.ok, false);
    assert.equal((result as Extract<ExtractionResult, { ok: false }>).reason, 'too_large');
    assert.match((result as { message: string }).message, /compression bomb/);
  });

  it('past that limit, ends at the time limit with its thread terminated, while /health answers; the next PDF reads normally', async (t) => {
    const api = await startApi();
    t.after(() => api.close());
    // One thread, no waiting line, and a decompression limit the bomb fits under: only the
    // time limit is left to stop pdfjs, which would otherwise hold the whole stream.
    configureExtraction({ workers: 1, queue: 0, limits: { maxInflatedBytes: 512 * MiB, timeoutMs: 2000 } });
    const bomb = await pdfBomb(256 * MiB);

    let settled = false;
    const posted = api.call({ method: 'POST', url: '/v1/extract', ...upload(bomb) }).finally(() => { settled = true; });
    await until(() => extractionStats()?.busy === 1 || settled);
    assert.equal(settled, false, 'the bomb is being read');

    const health = await api.call({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200);
    assert.equal(settled, false, '/health was answered while the bomb was still being read');

    const refused = await api.call({ method: 'POST', url: '/v1/extract', ...upload(await invoicePdf(), 'rechnung.pdf') });
    assert.equal(refused.statusCode, 503, refused.body);
    assert.equal(refused.json().error.code, 'busy');
    assert.ok(Number(refused.headers['retry-after']) > 0, 'a busy answer says when to try again');

    const res = await posted;
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().ok, false);
    assert.ok(['timeout', 'too_large'].includes(res.json().reason), res.body);
    assert.equal(extractionStats()?.replaced, 1, 'the bomb\'s thread was ended and replaced');

    const next = await api.call({ method: 'POST', url: '/v1/extract', ...upload(await invoicePdf(), 'rechnung.pdf') });
    assert.equal(next.statusCode, 200, next.body);
    assert.equal(next.json().ok, true, next.body);
    assert.equal(next.json().fields.number.value, '2024-0815');
  });
});
