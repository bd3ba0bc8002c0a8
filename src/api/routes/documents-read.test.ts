import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getCompany } from '../../catalog/organizations.js';
import { multipart, pdf, startApi, type Api } from '../harness.test.js';
import { SAMPLE_INVOICES, textPdf } from '../../../test/helpers/invoice-pdfs.js';

/**
 * Upload with read=true: the fields a user leaves empty are filled from what the file says,
 * with a confidence each so the unsure ones can be checked; what the user sent always wins.
 */

const purchase = () => textPdf(SAMPLE_INVOICES.de[0].lines);

function send(api: Api, fields: Array<[string, string]>, content: Buffer, filename = 'scan.pdf') {
  return api.call({ method: 'POST', url: '/v1/documents', ...multipart([...fields, { name: 'file', filename, type: 'application/pdf', content }]) });
}

test('read=true fills type, date, number, counterparty, amount and currency from a purchase invoice', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const res = await send(api, [['companyId', api.companyId], ['read', 'true']], await purchase());
  assert.equal(res.statusCode, 201, res.body);
  const doc = res.json();
  assert.equal(doc.type, 'purchase_invoice', 'another company\'s invoice is a purchase invoice');
  assert.equal(doc.date, '2024-03-14');
  assert.equal(doc.number, 'RE-2024-0815');
  assert.equal(doc.counterparty, 'Muster Bürobedarf GmbH');
  assert.equal(doc.amount, '119.00');
  assert.equal(doc.currency, 'EUR');
  assert.deepEqual([...doc.reading.filled].sort(), ['amount', 'counterparty', 'currency', 'date', 'number', 'type']);
  assert.equal(doc.reading.ok, true);
  assert.equal(doc.reading.source, 'pdf-text');
  for (const [k, p] of Object.entries(doc.reading.proposed) as [string, { confidence: number }][]) {
    assert.ok(p.confidence > 0 && p.confidence <= 1, `${k} has a confidence`);
  }
  // What was stored is what a later read of the document says.
  const got = (await api.call({ method: 'GET', url: `/v1/documents/${doc.id}` })).json();
  assert.equal(got.number, 'RE-2024-0815');
  assert.equal('reading' in got, false, 'the reading is the upload\'s answer, not part of the document');
  // The text read is searchable, as a collected file's is: the street is in no field.
  const found = (await api.call({ method: 'GET', url: `/v1/documents?q=${encodeURIComponent('hauptstr')}` })).json();
  assert.deepEqual(found.items.map((d: { id: string }) => d.id), [doc.id]);
});

test('read=true keeps what the user sent and fills only the rest', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const res = await send(api, [['companyId', api.companyId], ['read', 'true'], ['number', 'MY-OWN-7'], ['type', 'receipt']], await purchase());
  assert.equal(res.statusCode, 201, res.body);
  const doc = res.json();
  assert.equal(doc.number, 'MY-OWN-7');
  assert.equal(doc.type, 'receipt');
  assert.equal(doc.reading.proposed.number.value, 'RE-2024-0815', 'the proposal is still shown');
  assert.ok(!doc.reading.filled.includes('number') && !doc.reading.filled.includes('type'));
  assert.equal(doc.date, '2024-03-14');
});

test('read=true on the company\'s own credit note: a sales credit note, the buyer as counterparty', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const company = await getCompany(api.deps.db, api.orgId, api.companyId);
  const own = await textPdf([
    `${company.name}`, 'Rue de la Loi 16, 1000 Bruxelles', '', 'NOTE DE CRÉDIT', 'Numéro de la note de crédit : NC-2024-12',
    'Date de la note de crédit : 02/04/2024', '', 'Client :', 'Boulangerie Dupont SRL', '', 'Total TVAC -60,50 EUR',
  ]);
  const res = await send(api, [['companyId', api.companyId], ['read', 'true']], own);
  assert.equal(res.statusCode, 201, res.body);
  const doc = res.json();
  assert.equal(doc.type, 'credit_note');
  assert.equal(doc.number, 'NC-2024-12');
  assert.equal(doc.date, '2024-04-02');
  assert.equal(doc.counterparty, 'Boulangerie Dupont SRL', 'the client, not the company itself');
});

test('read=true without a date sent or read is refused and stores nothing; without read a date is still required', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const res = await send(api, [['companyId', api.companyId], ['read', 'true']], pdf('nothing to read here'));
  assert.equal(res.statusCode, 400, res.body);
  assert.match(res.json().error.message, /No date was sent and none could be read/);
  const plain = await send(api, [['companyId', api.companyId], ['type', 'invoice']], await purchase());
  assert.equal(plain.statusCode, 400, 'without read=true, date stays required');
  const docs = (await api.call({ method: 'GET', url: `/v1/documents?companyId=${api.companyId}` })).json();
  assert.deepEqual(docs.items, []);
  const wrong = await send(api, [['companyId', api.companyId], ['read', 'yes']], await purchase());
  assert.equal(wrong.statusCode, 400, 'read is true or false');
});

test('POST /v1/extract with a companyId proposes the same fields without storing anything', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const body = multipart([['companyId', api.companyId], { name: 'file', filename: 'r.pdf', type: 'application/pdf', content: await purchase() }]);
  const res = await api.call({ method: 'POST', url: '/v1/extract', ...body });
  assert.equal(res.statusCode, 200, res.body);
  const { prefill } = res.json();
  assert.equal(prefill.number.value, 'RE-2024-0815');
  assert.equal(prefill.type.value, 'purchase_invoice');
  assert.equal(prefill.amount.value, '119.00');
  const plain = await api.call({ method: 'POST', url: '/v1/extract', ...multipart([{ name: 'file', filename: 'r.pdf', type: 'application/pdf', content: await purchase() }]) });
  assert.equal('prefill' in plain.json(), false);
  const docs = (await api.call({ method: 'GET', url: `/v1/documents?companyId=${api.companyId}` })).json();
  assert.deepEqual(docs.items, []);
});

test('a plain upload (without read=true) is found by a word of its text once it was read, after the answer', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const file = await purchase();
  const res = await send(api, [['companyId', api.companyId], ['type', 'purchase_invoice'], ['date', '2024-03-14']], file);
  assert.equal(res.statusCode, 201, res.body);
  const doc = res.json();
  assert.equal('reading' in doc, false, 'the answer did not wait for a reading');
  await api.deps.queue.idle();
  // The street is in no field: only the text read from the file can find it.
  const found = (await api.call({ method: 'GET', url: `/v1/documents?q=${encodeURIComponent('hauptstr')}` })).json();
  assert.deepEqual(found.items.map((d: { id: string }) => d.id), [doc.id]);
  // The same file again is the same document: nothing is read twice, the search still finds one.
  const again = await send(api, [['companyId', api.companyId], ['type', 'purchase_invoice'], ['date', '2024-03-14']], file);
  assert.equal(again.statusCode, 200, again.body);
  await api.deps.queue.idle();
  assert.deepEqual((await api.call({ method: 'GET', url: `/v1/documents?q=hauptstr` })).json().items.map((d: { id: string }) => d.id), [doc.id]);
});
