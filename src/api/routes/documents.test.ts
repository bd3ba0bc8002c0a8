import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { invoiceFields, multipart, pdf, startApi, upload } from '../harness.test.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('an uploaded document comes back with the same bytes, its metadata and its versions', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const content = pdf('first');

  const created = await upload(api, invoiceFields(api.companyId, { currency: 'eur' }), content);
  assert.equal(created.statusCode, 201, created.body);
  const doc = created.json();
  assert.match(doc.id, /^doc_/);
  assert.equal(doc.companyId, api.companyId);
  assert.equal(doc.type, 'invoice');
  assert.equal(doc.number, 'F-2024-001');
  assert.equal(doc.amount, '121.00');
  assert.equal(doc.currency, 'EUR', 'currency codes are stored upper-case');
  assert.equal(doc.businessAccount, null, 'an absent optional field is null');
  assert.equal(doc.versions.length, 1);
  assert.equal(doc.versions[0].sha256, sha256(content));
  assert.equal(doc.versions[0].size, content.length);
  assert.equal('orgId' in doc, false, 'internal columns are not returned');

  const got = await api.call({ method: 'GET', url: `/v1/documents/${doc.id}` });
  assert.equal(got.statusCode, 200);
  assert.deepEqual(got.json().versions, doc.versions);
  assert.deepEqual(got.json().destinations, []);

  const bytes = await api.call({ method: 'GET', url: `/v1/documents/${doc.id}/content` });
  assert.equal(bytes.statusCode, 200);
  assert.equal(sha256(bytes.rawPayload), sha256(content));
  assert.equal(bytes.headers['content-type'], 'application/pdf');
  assert.equal(bytes.headers['content-disposition'], `attachment; filename="invoice.pdf"; filename*=UTF-8''invoice.pdf`);
  assert.equal(bytes.headers['x-content-type-options'], 'nosniff');
});

test('a new file, or new metadata, makes a new version; old versions stay readable', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const v1 = pdf('v1'), v2 = pdf('v2');
  const doc = (await upload(api, invoiceFields(api.companyId), v1)).json();

  const body = multipart([['counterparty', 'Client BV'], { name: 'file', filename: 'Factuur №7 – été.pdf', type: 'application/pdf', content: v2 }]);
  const second = await api.call({ method: 'POST', url: `/v1/documents/${doc.id}/versions`, ...body });
  assert.equal(second.statusCode, 201, second.body);
  assert.equal(second.json().versions.length, 2);
  assert.equal(second.json().counterparty, 'Client BV');
  assert.equal(second.json().number, 'F-2024-001', 'fields not sent stay as they were');

  const patched = await api.call({ method: 'PATCH', url: `/v1/documents/${doc.id}`, payload: { number: 'F-2024-002', amount: null } });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(patched.json().number, 'F-2024-002');
  assert.equal(patched.json().amount, null);
  assert.equal(patched.json().versions.length, 2, 'metadata alone keeps the bytes');

  const current = await api.call({ method: 'GET', url: `/v1/documents/${doc.id}/content` });
  assert.equal(sha256(current.rawPayload), sha256(v2));
  assert.equal(current.headers['content-disposition'],
    `attachment; filename="Factuur _7 _ _t_.pdf"; filename*=UTF-8''${encodeURIComponent('Factuur №7 – été.pdf')}`);
  const first = await api.call({ method: 'GET', url: `/v1/documents/${doc.id}/content?version=${doc.versions[0].id}` });
  assert.equal(sha256(first.rawPayload), sha256(v1));

  // A version of another document is not a version of this one.
  const other = (await upload(api, invoiceFields(api.companyId, { number: 'X-1' }))).json();
  const wrong = await api.call({ method: 'GET', url: `/v1/documents/${doc.id}/content?version=${other.versions[0].id}` });
  assert.equal(wrong.statusCode, 404);
  assert.equal(wrong.json().error.code, 'not_found');

  const nothing = await api.call({ method: 'PATCH', url: `/v1/documents/${doc.id}`, payload: {} });
  assert.equal(nothing.statusCode, 400);
});

test('documents are listed a page at a time, with filters', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const ids: string[] = [];
  for (let i = 1; i <= 5; i++) {
    const type = i === 5 ? 'receipt' : 'invoice';
    ids.push((await upload(api, invoiceFields(api.companyId, { number: `F-${i}`, date: `2024-0${i}-10`, type }))).json().id);
  }

  const seen: string[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const res = await api.call({ method: 'GET', url: `/v1/documents?limit=2${after ? `&after=${after}` : ''}` });
    assert.equal(res.statusCode, 200, res.body);
    const page = res.json() as { items: Array<{ id: string }>; next: string | null };
    assert.ok(page.items.length <= 2);
    seen.push(...page.items.map((d) => d.id));
    after = page.next;
    pages++;
  } while (after);
  assert.equal(pages, 3);
  assert.deepEqual(seen.sort(), [...ids].sort());

  const receipts = await api.call({ method: 'GET', url: `/v1/documents?type=receipt&companyId=${api.companyId}` });
  assert.deepEqual(receipts.json().items.map((d: { id: string }) => d.id), [ids[4]]);
  const spring = await api.call({ method: 'GET', url: '/v1/documents?from=2024-02-01&to=2024-03-31' });
  assert.deepEqual(spring.json().items.map((d: { number: string }) => d.number).sort(), ['F-2', 'F-3']);
  assert.equal(spring.json().next, null);

  const tooMany = await api.call({ method: 'GET', url: '/v1/documents?limit=501' });
  assert.equal(tooMany.statusCode, 400);
  assert.match(tooMany.json().error.message, /limit/);
});

test('bad uploads are refused with a 4xx that names what to fix, and store nothing', async (t) => {
  const api = await startApi({ maxUploadBytes: 1024 });
  t.after(() => api.close());
  const file = { name: 'file', filename: 'a.pdf', type: 'application/pdf', content: pdf() };

  const bad = await upload(api, invoiceFields(api.companyId, { date: '2024-02-30', amount: '12,50', type: 'bill' }));
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'invalid_input');
  for (const field of ['date', 'amount', 'type']) assert.match(bad.json().error.message, new RegExp(`${field}:`));

  // Fields after the file cannot be read before the bytes are stored: refused, not ignored.
  const late = multipart([['companyId', api.companyId], ['type', 'invoice'], file, ['date', '2024-03-14']]);
  const lateRes = await api.call({ method: 'POST', url: '/v1/documents', ...late });
  assert.equal(lateRes.statusCode, 400);
  assert.match(lateRes.json().error.message, /date: is missing.*fields first and the file last/);

  const trailing = multipart([...invoiceFields(api.companyId), file, ['counterparty', 'Late NV']]);
  const trailingRes = await api.call({ method: 'POST', url: '/v1/documents', ...trailing });
  assert.equal(trailingRes.statusCode, 400);
  assert.match(trailingRes.json().error.message, /after the file/);

  const noFile = await api.call({ method: 'POST', url: '/v1/documents', ...multipart(invoiceFields(api.companyId)) });
  assert.equal(noFile.statusCode, 400);
  assert.match(noFile.json().error.message, /no file/);

  const big = await upload(api, invoiceFields(api.companyId), Buffer.concat([pdf(), Buffer.alloc(4096, 1)]));
  assert.equal(big.statusCode, 413);
  assert.deepEqual(Object.keys(big.json().error).sort(), ['code', 'message', 'params', 'reason']);
  assert.deepEqual([big.json().error.reason, big.json().error.params], ['file_too_large', { bytes: 1024 }]);
  assert.equal(big.json().error.code, 'too_large');
  assert.match(big.json().error.message, /1 KiB/);

  const json = await api.call({ method: 'POST', url: '/v1/documents', payload: { companyId: api.companyId } });
  assert.equal(json.statusCode, 415);

  const unknownCompany = await upload(api, invoiceFields('cmp_aaaaaaaaaaaaaaaaaaaa'));
  assert.equal(unknownCompany.statusCode, 404);

  const list = await api.call({ method: 'GET', url: '/v1/documents' });
  assert.deepEqual(list.json().items, [], 'no refused upload left a document behind');

  const patch = await api.call({ method: 'PATCH', url: '/v1/documents/doc_aaaaaaaaaaaaaaaaaaaa', payload: { date: 'yesterday', colour: 'red' } });
  assert.equal(patch.statusCode, 400);
  assert.match(patch.json().error.message, /date: Write dates as YYYY-MM-DD/);
  assert.match(patch.json().error.message, /colour/);
});

test('a file is kept by what it is, not by its name: an empty file and a program are refused with the reason, on every upload path', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(2048, 1)]);
  const empty = await upload(api, invoiceFields(api.companyId, { number: 'E-1' }), Buffer.alloc(0), 'empty.pdf');
  assert.equal(empty.statusCode, 400, empty.body);
  assert.equal(empty.json().error.reason, 'file_empty');
  assert.equal(empty.json().error.params.file, 'empty.pdf');
  const program = await upload(api, invoiceFields(api.companyId, { number: 'E-2' }), exe, 'invoice.pdf');
  assert.equal(program.statusCode, 400, program.body);
  assert.equal(program.json().error.reason, 'file_type_refused');
  assert.match(program.json().error.message, /"invoice\.pdf" is not a PDF.*Windows program/);
  assert.equal((await api.call({ method: 'GET', url: `/v1/documents?companyId=${api.companyId}` })).json().items.length, 0, 'nothing was kept');

  const kept: Array<[string, Buffer<ArrayBuffer>]> = [
    ['e.xml', Buffer.from('\ufeff<?xml version="1.0"?><Invoice/>')], ['scan.png', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')],
    ['photo.jpg', Buffer.from('ffd8ffe000104a464946', 'hex')], ['scan.tif', Buffer.from('49492a0008000000', 'hex')],
  ];
  for (const [name, content] of kept) {
    const res = await upload(api, invoiceFields(api.companyId, { number: name }), content, name);
    assert.equal(res.statusCode, 201, `${name}: ${res.body}`);
  }
  const docId = (await upload(api, invoiceFields(api.companyId, { number: 'V-1' }))).json().id;
  const version = await api.call({ method: 'POST', url: `/v1/documents/${docId}/versions`, ...multipart([{ name: 'file', filename: 'v.pdf', type: 'application/pdf', content: exe }]) });
  assert.equal(version.statusCode, 400, version.body);
  assert.equal(version.json().error.reason, 'file_type_refused');
});
