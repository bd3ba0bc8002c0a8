import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { startCollectWorld, type CollectWorld } from '../../test/helpers/collect.js';
import { postgresReachable } from '../../test/helpers/databases.js';
import type { Db } from '../catalog/db.js';
import { documentsByIds, documentsChangedSince } from '../catalog/documents.js';
import { deliveriesFor, markSyncedMany, remotePaths } from '../catalog/deliveries.js';
import { getDestination, type DestinationRow } from '../catalog/destinations.js';
import { getCompany } from '../catalog/organizations.js';
import { renderPath, resolveLayout } from '../domain/layout.js';
import { collisionKey, type NameRules } from '../domain/names.js';
import { previewChange, type ChangePreview } from './change-preview.js';
import { plan } from './planner.js';
import { toCandidate } from './sync.js';

const pgOk = await postgresReachable();
const posix: NameRules = { set: 'posix', caseInsensitive: false, maxComponentBytes: 255 };

/** The preview as it was before it was paged: every name at the destination in one map, then the planner over all documents. */
async function previewHoldingEveryName(db: Db, dst: DestinationRow, rules: NameRules, change: { layout: string; startDate: string | null }): Promise<ChangePreview> {
  const taken = new Map<string, string>();
  for (const r of await remotePaths(db, dst.id)) taken.set(collisionKey(r.path, rules), r.documentId);
  const ctx = { template: resolveLayout(change.layout), company: await getCompany(db, dst.orgId, dst.companyId), rules, startDate: change.startDate, canMove: true, taken };
  const docs = await documentsChangedSince(db, dst.companyId, 0, 100_000);
  const out: ChangePreview = { moves: 0, uploads: 0, skipped: 0, unchanged: 0 };
  for (const a of plan(docs.map(toCandidate), await deliveriesFor(db, dst.id, docs.map((d) => d.id)), ctx)) {
    if (a.op === 'move') out.moves++;
    else if (a.op === 'upload') out.uploads++;
    else if (a.reason === 'before_start_date') out.skipped++;
    else out.unchanged++;
  }
  return out;
}

for (const postgres of [false, true]) {
  describe(`layout change preview, paged (${postgres ? 'PostgreSQL' : 'SQLite'})`, { skip: postgres && !pgOk && 'PostgreSQL is not reachable' }, () => {
    let w: CollectWorld;
    before(async () => { w = await startCollectWorld({ postgres }); });
    after(() => w?.close());

    it('counts what the planner over every name would, collisions across pages included, holding only a page\'s names', async () => {
      const { id } = await w.deps.backup.add(w.orgId, {
        companyId: w.companyId, name: 'Preview', kind: 'local', settings: { root: await w.folder(`preview-${postgres}`) }, layout: '{file}',
        startDate: null, schedule: 'daily@03:00', restoreDeleted: true, respectFolderDeletions: false,
      });
      await w.deps.queue.idle(); // its first pass, over no documents yet; daily, so no other pass starts
      const add = async (label: string, facts: { number: string; date: string }) => (await w.deps.vault.create(w.orgId, w.companyId,
        { type: 'invoice', counterparty: 'ACME', amount: null, currency: null, businessAccount: null, ...facts },
        { body: Readable.from([Buffer.from(`%PDF-1.4 ${label}`)]), filename: 'a.pdf', mime: 'application/pdf' })).id;
      // Six documents that render to the same name under any layout, twenty that do not, two before the new start date.
      const same: string[] = [];
      for (let i = 0; i < 6; i++) same.push(await add(`same ${i}`, { number: 'INV-1', date: '2024-05-01' }));
      const distinct: string[] = [];
      for (let i = 0; i < 20; i++) distinct.push(await add(`distinct ${i}`, { number: `N-${i}`, date: '2024-06-01' }));
      for (let i = 0; i < 2; i++) await add(`old ${i}`, { number: `OLD-${i}`, date: '2023-01-01' });

      const company = await getCompany(w.deps.db, w.orgId, w.companyId);
      const candidates = new Map((await documentsByIds(w.deps.db, [...same, ...distinct])).map((d) => [d.id, toCandidate(d)]));
      const path = (template: string, docId: string, n = 1) => renderPath(template, candidates.get(docId)!, company, posix, n === 1 ? '' : ` (${n})`);
      const synced = (docId: string, remotePath: string) => ({ documentId: docId, versionId: candidates.get(docId)!.versionId, remotePath, remoteId: null, sha256: 'x', size: 1 });
      const next = '{company}/{file}';
      await markSyncedMany(w.deps.db, w.orgId, id, [
        // Four of the six where the flat layout put them (the name, then " (2)" to " (4)")...
        ...same.slice(0, 4).map((d, i) => synced(d, path('{file}', d, i + 1))),
        // ...one already where the new layout's " (2)" form is: it stays, and the others go round it.
        synced(same[4]!, path(next, same[4]!, 2)),
        // The sixth was never sent. Of the others, one is already where the new layout puts it.
        ...distinct.slice(0, 19).map((d) => synced(d, path('{file}', d))),
        synced(distinct[19]!, path(next, distinct[19]!)),
      ]);

      const dst = await getDestination(w.deps.db, w.orgId, id);
      const change = { layout: next, startDate: '2024-01-01' };
      const expected = await previewHoldingEveryName(w.deps.db, dst, posix, change);
      assert.deepEqual(expected, { moves: 23, uploads: 1, skipped: 2, unchanged: 2 }, 'the case has moves, an upload, documents left out and some staying');
      const namesAtDestination = (await remotePaths(w.deps.db, id)).length;
      for (const pageSize of [1, 2, 5, 500]) {
        let held = 0;
        const got = await previewChange(w.deps.db, dst, posix, change, { pageSize, onPage: (n) => { held = Math.max(held, n); } });
        assert.deepEqual(got, expected, `the same answer with pages of ${pageSize}`);
        if (pageSize === 2) assert.ok(held <= 12 && held < namesAtDestination / 2, `a page holds ${held} names, of the ${namesAtDestination} at the destination`);
      }
      // Nothing was written: the ledger and the names are as they were, and the temporary table is gone.
      assert.equal((await remotePaths(w.deps.db, id)).length, namesAtDestination);
      assert.deepEqual(await previewChange(w.deps.db, dst, posix, change, { pageSize: 3 }), expected, 'a second preview starts from nothing the first one claimed');
    });
  });
}
