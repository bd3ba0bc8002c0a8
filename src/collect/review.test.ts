import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCollectWorld, ublInvoice, type CollectWorld } from '../../test/helpers/collect.js';
import { listInbox } from '../catalog/inbox.js';

/** What a reviewer confirms or corrects in the inbox is what the vault document, and so its backups, say. */
describe('reviewing a collected document', () => {
  let w: CollectWorld;
  before(async () => { w = await startCollectWorld(); });
  after(() => w?.close());

  it('carries corrected and confirmed fields over to the vault document, once, and leaves it alone when nothing changes', async () => {
    const src = await w.folder('review');
    await writeFile(join(src, 'inv.xml'), ublInvoice({ number: 'R-1', seller: 'Supplier NV', total: '121.00', date: '2024-03-14' }));
    const channel = await w.channel({ kind: 'local', folder: src });
    assert.equal((await w.deps.collect.runs.runNow(w.orgId, channel.id, null)).collected, 1);
    const [item] = await listInbox(w.deps.db, w.orgId, { limit: 10 });
    const before = await w.deps.vault.get(w.orgId, item!.documentId);
    assert.deepEqual([before.number, before.date, before.counterparty, before.amount, before.currency], ['R-1', '2024-03-14', 'Supplier NV', '121.00', 'EUR']);

    await w.deps.collect.inbox.change(w.orgId, w.userId, item!.id, {
      fields: { number: 'R-1B', issueDate: '2024-03-15', sellerName: 'Other Supplier BV', totalWithVat: '242.00', currency: 'usd' },
    });
    const after = await w.deps.vault.get(w.orgId, item!.documentId);
    assert.deepEqual([after.number, after.date, after.counterparty, after.amount, after.currency], ['R-1B', '2024-03-15', 'Other Supplier BV', '242.00', 'USD']);
    assert.ok(after.changeSeq > before.changeSeq, 'a change the backups pick up');
    assert.equal(after.versions.length, 1, 'metadata only: the bytes stay one version');

    // Confirming what is already there, or changing only the status, changes nothing in the vault.
    await w.deps.collect.inbox.change(w.orgId, w.userId, item!.id, { confirm: ['number', 'sellerName'], status: 'done' });
    assert.equal((await w.deps.vault.get(w.orgId, item!.documentId)).changeSeq, after.changeSeq);

    // A cleared date keeps the document's date; a cleared number clears it.
    await w.deps.collect.inbox.change(w.orgId, w.userId, item!.id, { fields: { issueDate: null, number: null } });
    const cleared = await w.deps.vault.get(w.orgId, item!.documentId);
    assert.deepEqual([cleared.number, cleared.date], [null, '2024-03-15']);
  });
});
