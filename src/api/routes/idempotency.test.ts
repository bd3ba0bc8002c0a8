import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { freshPostgres, postgresReachable } from '../../../test/helpers/databases.js';
import { startServed, type Served } from '../../../test/helpers/served.js';
import { issueApiKey } from '../../auth/api-keys.js';

const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);

/** POSTs a multipart upload: the fields, then the file. */
async function post(s: Served, path: string, fields: Record<string, string>, file: Buffer, headers: Record<string, string> = {}, key = s.apiKey) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(file)], { type: 'application/pdf' }), 'invoice.pdf');
  const res = await fetch(s.baseUrl + path, { method: 'POST', body: form, headers: { authorization: `Bearer ${key}`, ...headers } });
  return { status: res.status, body: await res.json() as any, headers: res.headers };
}

const invoice = (companyId: string, number = 'F-2024-001') => ({ companyId, type: 'invoice', number, date: '2024-03-14', amount: '121.00', currency: 'EUR' });

async function documentCount(s: Served): Promise<number> {
  return Number((await s.deps.db.selectFrom('documents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

for (const database of [{ name: 'sqlite', postgres: false }, { name: 'postgresql', postgres: true }]) {
  const skip = database.postgres && !(await postgresReachable()) ? 'PostgreSQL is not reachable (install and start postgresql)' : false;
  describe(`uploads sent twice, on ${database.name}`, { skip }, () => {
    const serve = async (t: { after(fn: () => Promise<void>): void }) => {
      const pgdb = database.postgres ? await freshPostgres() : null;
      const s = await startServed(pgdb ? { DATABASE_URL: pgdb.url } : {});
      t.after(async () => { await s.close(); await pgdb?.drop(); });
      return s;
    };

    it('answers a retried upload with the same Idempotency-Key with the first answer, and one document', async (t) => {
      const s = await serve(t);
      const key = { 'idempotency-key': `upload-${randomBytes(8).toString('hex')}` };
      const file = pdf('retried');
      const first = await post(s, '/v1/documents', invoice(s.companyId), file, key);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const again = await post(s, '/v1/documents', invoice(s.companyId), file, key);
      assert.equal(again.status, 201);
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(await documentCount(s), 1);

      const other = await post(s, '/v1/documents', invoice(s.companyId, 'F-2024-002'), pdf('another'), key);
      assert.equal(other.status, 422);
      assert.equal(other.body.error.code, 'idempotency_key_reused');
      assert.match(other.body.error.message, /different request.*new key/);
      assert.equal(await documentCount(s), 1);

      // Keys belong to their caller: another API key's same string is a request of its own.
      const otherKey = await issueApiKey(s.deps.db, s.orgId, (await s.deps.db.selectFrom('users').select('id').executeTakeFirstOrThrow()).id, 'Second');
      const theirs = await post(s, '/v1/documents', invoice(s.companyId, 'F-2024-003'), pdf('theirs'), key, otherKey);
      assert.equal(theirs.status, 201);
      assert.notEqual(theirs.body.id, first.body.id);

      const bad = await post(s, '/v1/documents', invoice(s.companyId), file, { 'idempotency-key': 'x'.repeat(300) });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /Idempotency-Key header must be 1 to 255/);
    });

    it('makes one document of two requests with the same key sent at the same moment', async (t) => {
      const s = await serve(t);
      const key = { 'idempotency-key': 'twice-at-once' };
      const file = pdf('at once');
      const [a, b] = await Promise.all([post(s, '/v1/documents', invoice(s.companyId), file, key), post(s, '/v1/documents', invoice(s.companyId), file, key)]);
      assert.deepEqual([a.status, b.status], [201, 201], JSON.stringify([a.body, b.body]));
      assert.equal(a.body.id, b.body.id);
      assert.equal([a, b].filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 1, 'one of them is the replay');
      assert.equal(await documentCount(s), 1);
    });

    it('makes one new version for a retried version upload with the same key', async (t) => {
      const s = await serve(t);
      const doc = (await post(s, '/v1/documents', invoice(s.companyId), pdf('v1'))).body;
      const key = { 'idempotency-key': 'version-2' };
      const v2 = pdf('v2');
      const first = await post(s, `/v1/documents/${doc.id}/versions`, { counterparty: 'Client NV' }, v2, key);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const again = await post(s, `/v1/documents/${doc.id}/versions`, { counterparty: 'Client NV' }, v2, key);
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.body.versions.length, 2, 'one new version, not two');
      const other = await post(s, `/v1/documents/${doc.id}/versions`, { counterparty: 'Client BV' }, v2, key);
      assert.equal(other.status, 422);
      assert.equal(other.body.error.code, 'idempotency_key_reused');
    });

    it('recognises the same company, type, number and bytes sent twice without a key as the same document', async (t) => {
      const s = await serve(t);
      const file = pdf('sent twice');
      const first = await post(s, '/v1/documents', invoice(s.companyId), file);
      assert.equal(first.status, 201);
      const second = await post(s, '/v1/documents', invoice(s.companyId), file);
      assert.equal(second.status, 200, 'the existing document, not a new one');
      assert.equal(second.body.id, first.body.id);
      assert.equal(second.headers.get('dossier-existing-document'), first.body.id);
      assert.equal(await documentCount(s), 1);
      // Another number with the same bytes is another document (a copy sent as a new invoice is for the user to judge).
      const renumbered = await post(s, '/v1/documents', invoice(s.companyId, 'F-2024-009'), file);
      assert.equal(renumbered.status, 201);
      assert.equal(await documentCount(s), 2);
    });
  });
}
