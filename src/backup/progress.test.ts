import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { postgresReachable } from '../../test/helpers/databases.js';
import { createWorld } from '../../test/helpers/world.js';
import { markSyncedMany, recordIntents } from '../catalog/deliveries.js';

const DOCUMENTS = 2500;

for (const database of [{ name: 'sqlite', postgres: false }, { name: 'postgresql', postgres: true }]) {
  const skip = database.postgres && !(await postgresReachable()) ? 'PostgreSQL is not reachable (install and start postgresql)' : false;
  describe(`a destination's progress on ${database.name}`, { skip }, () => {
    it('counts every document it is to hold as pending during a first copy of more than one page', async (t) => {
      const w = await createWorld({ postgres: database.postgres });
      t.after(() => w.close());
      const { vault } = w.deps;
      // Its first copy (of nothing yet) done before the documents come: the test plays the copy's first page.
      const dst = await w.deps.backup.add(w.orgId, {
        companyId: w.companyId, name: 'Backup', kind: 'testmem', settings: { store: 'progress' }, layout: 'company-year-type',
        startDate: '2024-01-01', schedule: 'daily@03:00', restoreDeleted: true, respectFolderDeletions: false,
      });
      await w.deps.queue.idle();
      const blob = await vault.stage(Readable.from([Buffer.from('%PDF-1.4 the same scan')]));
      const docs = await vault.recordStaged(w.orgId, w.companyId, (_trx, record) => record(Array.from({ length: DOCUMENTS }, (_, i) => ({
        meta: { type: 'invoice', number: `F-${i}`, date: i < 100 ? '2023-12-31' : '2024-03-14', counterparty: null, amount: null, currency: null, businessAccount: null },
        blob: { ...blob, filename: `f-${i}.pdf`, mime: 'application/pdf' },
      }))));
      const inScope = docs.slice(100);
      // The first page of a first copy: its transfers recorded, part of them done.
      const page = inScope.slice(0, 1000);
      await recordIntents(w.deps.db, w.orgId, dst.id, page.map((d, i) => ({ documentId: d.id, path: `p/${i}.pdf` })));
      await markSyncedMany(w.deps.db, w.orgId, dst.id, page.slice(0, 600).map((d, i) => ({
        documentId: d.id, versionId: d.currentVersionId, remotePath: `p/${i}.pdf`, remoteId: null, sha256: blob.sha256, size: blob.size,
      })));
      let status = await w.deps.backup.status(w.orgId, dst.id, false);
      assert.deepEqual(status.documents, { synced: 600, pending: DOCUMENTS - 100 - 600, failed: 0 }, 'documents before the start date are not counted');

      // A new version of a synced document is pending again until it is sent.
      await vault.update(w.orgId, page[0]!.id, {}, { body: Readable.from([Buffer.from('%PDF-1.4 corrected')]), filename: 'f.pdf', mime: 'application/pdf' });
      status = await w.deps.backup.status(w.orgId, dst.id, false);
      assert.deepEqual(status.documents, { synced: 599, pending: DOCUMENTS - 100 - 599, failed: 0 });
    });
  });
}
