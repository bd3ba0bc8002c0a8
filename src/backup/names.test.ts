import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { startCollectWorld, type CollectWorld } from '../../test/helpers/collect.js';
import { postgresReachable } from '../../test/helpers/databases.js';
import { documentsByIds } from '../catalog/documents.js';
import { deliveriesFor, markSyncedMany, recordIntents } from '../catalog/deliveries.js';
import { getCompany } from '../catalog/organizations.js';
import { renderPath } from '../domain/layout.js';
import type { NameRules } from '../domain/names.js';
import { planPage } from './names.js';
import { fillNameFolds } from '../catalog/migrations/025-delivery-name-folds.js';
import { toCandidate } from './sync.js';

const pgOk = await postgresReachable();
const posix: NameRules = { set: 'posix', caseInsensitive: false, maxComponentBytes: 255 };
const folding: NameRules = { ...posix, caseInsensitive: true };

// A pass reads the names a destination holds per page, from the ledger, instead of holding them all (docs/scale.md).
for (const postgres of [false, true]) {
  describe(`names a page may take, read from the ledger (${postgres ? 'PostgreSQL' : 'SQLite'})`, { skip: postgres && !pgOk && 'PostgreSQL is not reachable' }, () => {
    let w: CollectWorld;
    before(async () => { w = await startCollectWorld({ postgres }); });
    after(() => w?.close());

    it('goes down the " (n)" row as far as the ledger says names are taken, and tells case apart only where the destination does', async () => {
      const dst = await w.deps.backup.add(w.orgId, {
        companyId: w.companyId, name: `Names ${postgres}`, kind: 'local', settings: { root: await w.folder(`names-${postgres}`) }, layout: '{file}',
        startDate: null, schedule: 'daily@03:00', restoreDeleted: true, respectFolderDeletions: false,
      });
      await w.deps.queue.idle(); // its first pass, over no documents yet; daily, so no other pass starts
      const add = async (label: string) => (await w.deps.vault.create(w.orgId, w.companyId,
        { type: 'invoice', number: null, date: '2024-05-01', counterparty: null, amount: null, currency: null, businessAccount: null },
        { body: Readable.from([Buffer.from(`%PDF-1.4 ${label}`)]), filename: 'same.pdf', mime: 'application/pdf' })).id;
      const held = [await add('1'), await add('2'), await add('3'), await add('4')];
      const fresh = await add('new');
      const company = await getCompany(w.deps.db, w.orgId, w.companyId);
      const [candidate] = (await documentsByIds(w.deps.db, [fresh])).map(toCandidate);
      const name = (n: number) => renderPath('{file}', candidate!, company, posix, n === 1 ? '' : ` (${n})`);
      // Four documents hold the name and its (2) and (3) forms, and one writes (4): beyond the first tries.
      await markSyncedMany(w.deps.db, w.orgId, dst.id, held.slice(0, 3).map((id, i) => ({ documentId: id, versionId: `v${i}`, remotePath: name(i + 1), remoteId: null, sha256: 'x', size: 1 })));
      await recordIntents(w.deps.db, w.orgId, dst.id, [{ documentId: held[3]!, path: name(4).toUpperCase() }]);
      // Paths beyond ASCII, whose folds the upgrade leaves to JavaScript ("İ" folds to two code
      // points there, and PostgreSQL's lower() follows its locale), beside one half ASCII.
      const [wide, half] = [await add('wide'), await add('half')];
      await markSyncedMany(w.deps.db, w.orgId, dst.id, [{ documentId: wide, versionId: 'vw', remotePath: 'İSTANBUL/Ärger ÉTÉ.pdf', remoteId: null, sha256: 'x', size: 1 },
        { documentId: half, versionId: 'vh', remotePath: 'Plain/ASCII.PDF', remoteId: null, sha256: 'x', size: 1 }]);
      await recordIntents(w.deps.db, w.orgId, dst.id, [{ documentId: half, path: 'Straße/Ölung.PDF' }]);

      const planned = async (rules: NameRules) => {
        const ledger = await deliveriesFor(w.deps.db, dst.id, [fresh]);
        const { actions } = await planPage(w.deps.db, dst.id, [candidate!], ledger, { template: '{file}', company, rules, startDate: null, canMove: true });
        assert.equal(actions[0]!.op, 'upload');
        return (actions[0] as { path: string }).path;
      };
      assert.equal(await planned(posix), name(4), 'a case-sensitive destination holds "(4)" in capitals as another name');
      assert.equal(await planned(folding), name(5), 'a case-insensitive one counts it as taken');

      // Rows written before migration 025 had no folds: the upgrade fills them, and the names are found again.
      await w.deps.db.updateTable('deliveries').set({ remote_fold: null, intent_fold: null }).where('destination_id', '=', dst.id).execute();
      assert.equal(await planned(folding), name(1), 'without folds no name is found (what the upgrade must fix)');
      await fillNameFolds(w.deps.db);
      assert.equal(await planned(folding), name(5));
      const rows = await w.deps.db.selectFrom('deliveries').select(['remote_path', 'remote_fold', 'intent_path', 'intent_fold']).where('destination_id', '=', dst.id).execute();
      for (const r of rows) assert.deepEqual([r.remote_fold, r.intent_fold], [r.remote_path?.toLowerCase() ?? null, r.intent_path?.toLowerCase() ?? null]);
      assert.ok(rows.some((r) => r.remote_fold === 'i̇stanbul/ärger été.pdf'), 'the non-ASCII path is folded as a pass folds it');
      assert.ok(rows.some((r) => r.remote_fold === 'plain/ascii.pdf' && r.intent_fold === 'straße/ölung.pdf'));
    });
  });
}
