import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { multipart, startApi } from '../harness.test.js';

async function invoicePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  ['Muster GmbH', 'RECHNUNG', 'Rechnungsnummer: 2024-0815', 'Rechnungsdatum: 14.03.2024', 'USt-IdNr.: DE136695976',
    'Summe netto   100,00 EUR', 'Summe MwSt.   19,00 EUR', 'Gesamtbetrag   119,00 EUR']
    .forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 14, size: 10, font }));
  return Buffer.from(await doc.save());
}

const file = (content: Buffer, filename = 'rechnung.pdf') => multipart([{ name: 'file', filename, type: 'application/pdf', content }]);

test('POST /v1/extract reads an uploaded PDF and returns the Extraction', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const res = await api.call({ method: 'POST', url: '/v1/extract', ...file(await invoicePdf()) });
  assert.equal(res.statusCode, 200, res.body);
  const x = res.json();
  assert.equal(x.ok, true);
  assert.equal(x.source, 'pdf-text');
  assert.equal(x.fields.number.value, '2024-0815');
  assert.equal(x.fields.sellerVatId.value, 'DE136695976');
  assert.equal(x.fields.totalWithVat.value, '119.00');
  assert.equal(x.fields.totalWithVat.provenance.kind, 'text');
  assert.equal(x.pages, 1);
});

test('POST /v1/extract answers an unreadable file with the typed failure', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const res = await api.call({ method: 'POST', url: '/v1/extract', ...file(Buffer.from('%PDF-1.7\ngarbage'), 'broken.pdf') });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(Object.keys(res.json()).sort(), ['message', 'ok', 'reason']);
  assert.equal(res.json().ok, false);
  assert.equal(res.json().reason, 'malformed');
});

test('POST /v1/extract needs an API key, a multipart body, and is in the OpenAPI reference', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const anonymous = await api.call({ method: 'POST', url: '/v1/extract', key: null, ...file(await invoicePdf()) });
  assert.equal(anonymous.statusCode, 401);
  const json = await api.call({ method: 'POST', url: '/v1/extract', payload: { file: 'x' } });
  assert.equal(json.statusCode, 415);
  const doc = (await api.call({ method: 'GET', url: '/openapi.json' })).json();
  assert.ok(doc.paths['/v1/extract']?.post, 'documented');
  assert.ok(doc.components.schemas.Extraction, 'the result shape is named');
});
