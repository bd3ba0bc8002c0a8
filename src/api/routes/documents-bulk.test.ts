import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { invoiceFields, multipart, otherOrganization, pdf, startApi, upload, type Api } from '../harness.test.js';
import { member } from '../../../test/security/members.js';
import { insertUser } from '../../catalog/users.js';
import { issueApiKey } from '../../auth/api-keys.js';
import { RIGHTS } from '../../domain/rights.js';

async function textPdf(lines: string[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 18, size: 11, font }));
  return Buffer.from(await doc.save());
}

/** A channel that collected these PDFs from a client's folder; their vault documents, by file name. */
async function collect(api: Api, files: Record<string, Buffer>): Promise<{ docs: Record<string, string>; binderId: string }> {
  const folder = await api.folder('client');
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(folder, name), bytes);
  const adminId = (await api.call({ method: 'GET', url: '/v1/users/me' })).json().id;
  const channel = (await api.call({
    method: 'POST', url: '/v1/channels',
    payload: { companyId: api.companyId, name: 'client', kind: 'local', folder, recipientId: adminId, binderName: 'Purchases' },
  })).json();
  await api.call({ method: 'POST', url: `/v1/channels/${channel.id}/run`, payload: { confirm: true } });
  await api.deps.queue.idle();
  const items = (await api.call({ method: 'GET', url: `/v1/inbox?binderId=${channel.binderId}` })).json().items as Array<{ filename: string; documentId: string }>;
  return { docs: Object.fromEntries(items.map((i) => [i.filename, i.documentId])), binderId: channel.binderId };
}

const list = async (api: Api, query: string, key?: string) => {
  const res = await api.call({ method: 'GET', url: `/v1/documents?companyId=${api.companyId}&${query}`, key });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { items: Array<{ id: string; number: string | null }>; next: string | null };
};

test('the documents list finds the words of a collected PDF, sorts with pages that follow on, and filters by backup state', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const { docs } = await collect(api, {
    'office.pdf': await textPdf(['Factuur 2024-17', 'Kantoorbenodigdheden: balpennen en ordners', 'Totaal 48,40 EUR']),
    'coffee.pdf': await textPdf(['Rechnung', 'Kaffeebohnen, geliefert nach Gent']),
  });
  const found = await list(api, 'q=balpennen');
  assert.deepEqual(found.items.map((d) => d.id), [docs['office.pdf']]);
  assert.deepEqual((await list(api, 'q=kaffee%20gent')).items.map((d) => d.id), [docs['coffee.pdf']]);
  const reader = await member(api, []);
  assert.deepEqual((await list(api, 'q=balpennen', reader.key)).items, [], 'a collected document stays hidden without review_inbox, in a search too');

  for (const n of ['C-3', 'a-1', 'B-2']) await upload(api, invoiceFields(api.companyId, { number: n }));
  const numbers: Array<string | null> = [];
  let after = '';
  for (let i = 0; i < 10; i++) {
    const page = await list(api, `sort=number&order=desc&limit=2${after}`);
    numbers.push(...page.items.map((d) => d.number));
    if (!page.next) break;
    after = `&after=${encodeURIComponent(page.next)}`;
  }
  assert.deepEqual(numbers.slice(0, 3), ['C-3', 'B-2', 'a-1'], 'descending, any case, over pages of two');
  assert.equal(numbers.length, 5, 'every document once');
  const wrong = await api.call({ method: 'GET', url: `/v1/documents?sort=amount&after=${encodeURIComponent('not-a-cursor')}` });
  assert.equal(wrong.statusCode, 400);
  assert.equal(wrong.json().error.reason, 'invalid_cursor');

  assert.equal((await list(api, 'backup=synced')).items.length, 0, 'no backup yet');
  const root = await api.folder('nas');
  const dst = (await api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'NAS', kind: 'local', settings: { root } } })).json();
  await api.deps.queue.idle();
  assert.equal((await list(api, 'backup=synced')).items.length, 5);
  assert.equal((await list(api, 'backup=pending')).items.length, 0);
  assert.ok(dst.id);
});

test('bulk: send again, move to a binder and mark done; each document\'s outcome with its reason, and the rights each needs', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const { docs, binderId } = await collect(api, { 'one.pdf': await textPdf(['one']), 'two.pdf': await textPdf(['two']) });
  const uploaded = (await upload(api, invoiceFields(api.companyId, { number: 'UP-1', date: '2020-01-01' }))).json().id as string;
  const recent = (await upload(api, invoiceFields(api.companyId, { number: 'UP-2', date: '2024-06-01' }))).json().id as string;
  const root = await api.folder('nas');
  const dst = (await api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'NAS', kind: 'local', settings: { root }, startDate: '2024-01-01' } })).json();
  await api.deps.queue.idle();
  const path = (await api.call({ method: 'GET', url: `/v1/documents/${recent}` })).json().destinations[0].remotePath as string;
  await rm(join(root, path)); // lost at the destination: sending again puts it back

  const b = await otherOrganization(api);
  const theirs = (await api.call({ method: 'POST', url: '/v1/documents', key: b.apiKey, ...multipart([...invoiceFields(b.companyId), { name: 'file', filename: 'b.pdf', type: 'application/pdf', content: pdf('b') }]) })).json().id as string;

  const resend = await api.call({ method: 'POST', url: '/v1/documents/bulk/resend', payload: { destinationId: dst.id, documentIds: [recent, uploaded, theirs, 'doc_aaaa', recent] } });
  assert.equal(resend.statusCode, 200, resend.body);
  assert.deepEqual(resend.json().succeeded, [recent]);
  assert.deepEqual(resend.json().failed.map((f: { documentId: string; reason: string }) => [f.documentId, f.reason]),
    [[uploaded, 'before_start_date'], [theirs, 'not_found'], ['doc_aaaa', 'not_found']], 'another organization\'s document is answered as a missing one');
  await api.deps.queue.idle();
  assert.ok((await readFile(join(root, path))).length > 0, 'the lost file is back');

  // Without review_inbox, a collected document is refused by name (as opening it is).
  const backups = await member(api, ['manage_destinations']);
  const asBackups = await api.call({ method: 'POST', url: '/v1/documents/bulk/resend', key: backups.key, payload: { destinationId: dst.id, documentIds: [docs['one.pdf']!, recent] } });
  assert.deepEqual(asBackups.json().succeeded, [recent]);
  assert.deepEqual(asBackups.json().failed.map((f: { reason: string }) => f.reason), ['needs_review_inbox']);

  const binder = (await api.call({ method: 'POST', url: '/v1/binders', payload: { companyId: api.companyId, name: 'Costs' } })).json();
  const moved = await api.call({ method: 'POST', url: '/v1/documents/bulk/binder', payload: { binderId: binder.id, documentIds: [docs['one.pdf']!, docs['two.pdf']!, recent] } });
  assert.equal(moved.statusCode, 200, moved.body);
  assert.deepEqual(moved.json().succeeded, [docs['one.pdf'], docs['two.pdf']]);
  assert.deepEqual(moved.json().failed, [{ documentId: recent, reason: 'not_in_inbox', message: 'This document was not collected into the inbox.' }]);
  const inBinder = (await api.call({ method: 'GET', url: `/v1/inbox?binderId=${binder.id}` })).json().items;
  assert.equal(inBinder.length, 2);
  assert.equal((await api.call({ method: 'GET', url: `/v1/inbox?binderId=${binderId}` })).json().items.length, 0);
  const theirBinder = await api.call({ method: 'POST', url: '/v1/documents/bulk/binder', key: b.apiKey, payload: { binderId: binder.id, documentIds: [docs['one.pdf']!] } });
  assert.equal(theirBinder.statusCode, 404, 'another organization does not see the binder');

  const done = await api.call({ method: 'POST', url: '/v1/documents/bulk/done', payload: { documentIds: [docs['one.pdf']!] } });
  assert.deepEqual(done.json().succeeded, [docs['one.pdf']]);
  const again = await api.call({ method: 'POST', url: '/v1/documents/bulk/done', payload: { documentIds: [docs['one.pdf']!, docs['two.pdf']!] } });
  assert.deepEqual(again.json().succeeded, [docs['one.pdf'], docs['two.pdf']], 'one already done counts as done');
  const statuses = (await api.call({ method: 'GET', url: `/v1/inbox?binderId=${binder.id}` })).json().items.map((i: { status: string }) => i.status);
  assert.deepEqual(statuses, ['done', 'done']);
  const fromB = await api.call({ method: 'POST', url: '/v1/documents/bulk/done', key: b.apiKey, payload: { documentIds: [docs['two.pdf']!] } });
  assert.deepEqual(fromB.json(), { succeeded: [], failed: [{ documentId: docs['two.pdf'], reason: 'not_found', message: 'This document does not exist in this organization.' }] });

  // Every role: each route needs its right, an admin holds them all; a member of the other organization acts on nothing here.
  const bUser = await insertUser(api.deps.db, b.orgId, { email: 'b@example.com', name: 'B', role: 'member', rights: RIGHTS });
  const bMember = await issueApiKey(api.deps.db, b.orgId, bUser.id, 'b');
  const routes = [
    ['resend', 'manage_destinations', { destinationId: dst.id, documentIds: [recent] }],
    ['binder', 'review_inbox', { binderId: binder.id, documentIds: [docs['one.pdf']] }],
    ['done', 'review_inbox', { documentIds: [docs['one.pdf']] }],
  ] as const;
  for (const [route, right, payload] of routes) {
    const url = `/v1/documents/bulk/${route}`;
    const lacking = await member(api, RIGHTS.filter((r) => r !== right));
    const refused = await api.call({ method: 'POST', url, key: lacking.key, payload });
    assert.equal(refused.statusCode, 403, `${route} without ${right}`);
    assert.equal(refused.json().error.reason, 'missing_right');
    const holder = await member(api, [right]);
    const allowed = await api.call({ method: 'POST', url, key: holder.key, payload });
    assert.equal(allowed.statusCode, 200, `${route} with ${right}: ${allowed.body}`);
    assert.equal(allowed.json().succeeded.length, 1, route);
    assert.equal((await api.call({ method: 'POST', url, key: null, payload })).statusCode, 401);
    const other = await api.call({ method: 'POST', url, key: bMember, payload });
    if (route === 'done') assert.deepEqual(other.json().succeeded, [], 'another organization\'s member');
    else assert.equal(other.statusCode, 404, `${route}: the backup or binder of another organization is missing to its member`);
  }
  await api.call({ method: 'POST', url: `/v1/destinations/${dst.id}/pause` });
  const paused = await api.call({ method: 'POST', url: '/v1/documents/bulk/resend', payload: { destinationId: dst.id, documentIds: [recent] } });
  assert.equal(paused.statusCode, 409);
  assert.equal(paused.json().error.reason, 'destination_paused');
});
