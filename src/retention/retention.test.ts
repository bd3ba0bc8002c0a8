import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../../test/helpers/databases.js';
import type { Db } from '../catalog/db.js';
import { createCompany, createOrganization } from '../catalog/organizations.js';
import { insertDocumentsIn, type DocumentMeta } from '../catalog/documents.js';
import { referencedBlobs } from '../catalog/blob-references.js';
import { searchEntries } from '../catalog/audit.js';
import { verifyChain } from '../audit/verify.js';
import { DomainError } from '../domain/errors.js';
import { retainedUntil } from '../domain/retention.js';
import { RetentionService } from './service.js';
import { refuseAuditAppends } from '../../test/helpers/refuse-audit.js';

const operator = { kind: 'system' as const, id: 'cli' };
const meta = (date: string, number: string): DocumentMeta => ({ type: 'invoice', number, date, counterparty: null, amount: null, currency: null, businessAccount: null });

async function setUp(db: Db) {
  const orgId = await createOrganization(db, 'Firm');
  const company = await createCompany(db, orgId, { name: 'Acme', language: 'de', timeZone: 'Europe/Berlin' });
  const docs = await db.transaction().execute((trx) => insertDocumentsIn(trx, orgId, company.id, [
    { meta: meta('2012-03-14', 'OLD-1'), blob: { sha256: 'a'.repeat(64), size: 1, filename: 'a.pdf', mime: 'application/pdf' } },
    { meta: meta('2013-06-01', 'OLD-2'), blob: { sha256: 'b'.repeat(64), size: 1, filename: 'b.pdf', mime: 'application/pdf' } },
    { meta: meta('2030-01-02', 'NEW-1'), blob: { sha256: 'c'.repeat(64), size: 1, filename: 'c.pdf', mime: 'application/pdf' } },
  ]));
  // Received long ago too: the period runs from the end of the later of the two years.
  await db.updateTable('documents').set({ created_at: '2014-01-05T10:00:00.000Z' }).where('number', 'like', 'OLD-%').execute();
  return { orgId, companyId: company.id, old1: docs[0]!.id, old2: docs[1]!.id, recent: docs[2]!.id };
}

const refusal = (code: string) => (e: unknown) => e instanceof DomainError && e.code === code;

assert.equal(retainedUntil('2024-03-14', '2024-03-20T00:00:00Z', 10), '2035-01-01');
assert.equal(retainedUntil('2023-12-31', '2025-01-02T00:00:00Z', 7), '2033-01-01');

for (const database of await testDatabases()) {
  describe(`retention on ${database.name}`, { skip: database.skip }, () => {
    const open: Array<() => Promise<void>> = [];
    after(async () => { for (const drop of open) await drop(); });

    it('refuses to delete inside the period or under a hold, and the purge deletes only what is past its period', async () => {
      const { db, drop } = await database.open();
      open.push(drop);
      const { orgId, companyId, old1, old2, recent } = await setUp(db);
      const retention = new RetentionService(db);
      assert.deepEqual(await retention.policy(orgId, companyId), { companyId, preset: null, years: 10, legalHold: false, holdReason: null });
      await retention.setPolicy(orgId, companyId, { preset: 'de' }, operator);

      // Received in 2014, kept 10 years: until 2025-01-01.
      await assert.rejects(retention.deleteDocument(orgId, old1, operator, '2024-12-31'), refusal('retention_period'));
      await assert.rejects(retention.deleteDocument(orgId, recent, operator, '2026-01-01'), refusal('retention_period'));

      await retention.setDocumentHold(orgId, old2, true, operator);
      await assert.rejects(retention.deleteDocument(orgId, old2, operator, '2026-01-01'), refusal('legal_hold'));

      await retention.setPolicy(orgId, companyId, { legalHold: true, holdReason: 'tax audit 2026' }, operator);
      await assert.rejects(retention.deleteDocument(orgId, old1, operator, '2026-01-01'), refusal('legal_hold'));
      await assert.rejects(retention.purge(orgId, companyId, '2020-01-01', operator, { at: '2026-01-01' }), refusal('legal_hold'));
      await retention.setPolicy(orgId, companyId, { legalHold: false }, operator);

      const dry = await retention.purge(orgId, companyId, '2031-01-01', operator, { at: '2026-01-01', dryRun: true });
      assert.deepEqual([dry.deleted, dry.kept], [[old1], { retained: 1, held: 1 }]);
      assert.equal((await db.selectFrom('documents').select('id').where('org_id', '=', orgId).execute()).length, 3);

      // The purge's own entry failing takes its deletions (and their entries) with it.
      const allow = await refuseAuditAppends(db, 'retention.purged');
      await assert.rejects(retention.purge(orgId, companyId, '2031-01-01', operator, { at: '2026-01-01' }), /audit append refused/);
      assert.equal((await db.selectFrom('documents').select('id').where('org_id', '=', orgId).execute()).length, 3);
      assert.equal((await searchEntries(db, orgId, { type: 'document.deleted', limit: 10 })).length, 0);
      await allow();

      const done = await retention.purge(orgId, companyId, '2031-01-01', operator, { at: '2026-01-01' });
      assert.deepEqual(done.deleted, [old1]);
      const left = (await db.selectFrom('documents').select('id').where('org_id', '=', orgId).orderBy('id').execute()).map((r) => r.id);
      assert.deepEqual(left, [old2, recent].sort());
      // The blob clean-up removes only what nothing refers to: the purged version's bytes, never a kept one's.
      assert.deepEqual([...await referencedBlobs(db, ['a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64)])].sort(), ['b'.repeat(64), 'c'.repeat(64)]);

      const deleted = await searchEntries(db, orgId, { type: 'document.deleted', limit: 10 });
      assert.deepEqual(deleted.map((e) => [e.object_id, e.actor_kind, e.actor_id]), [[old1, 'system', 'cli']]);
      const purged = await searchEntries(db, orgId, { type: 'retention.purged', limit: 10 });
      assert.deepEqual(JSON.parse(purged[0]!.details), { before: '2031-01-01', years: 10, deleted: 1, keptRetained: 1, keptHeld: 1 });
      assert.equal((await searchEntries(db, orgId, { type: 'settings.changed', limit: 10 })).length, 4);
      assert.equal((await verifyChain(db, orgId)).ok, true);

      await assert.rejects(retention.setPolicy(orgId, companyId, { years: 0 }, operator), refusal('invalid_input'));
    });
  });
}
