import assert from 'node:assert/strict';
import { readdir, rename, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCollectWorld, ublInvoice, type CollectWorld } from '../../test/helpers/collect.js';
import { listInbox } from '../catalog/inbox.js';

describe('collecting from a local folder', () => {
  let w: CollectWorld;
  before(async () => { w = await startCollectWorld(); });
  after(() => w?.close());

  it('files each document once, reads it, and never collects it again', async () => {
    const src = await w.folder('once');
    await mkdir(join(src, 'March'));
    await writeFile(join(src, 'a.xml'), ublInvoice({ number: 'A-1' }));
    await writeFile(join(src, 'March', 'b.xml'), ublInvoice({ number: 'B-1', total: '50.00' }));
    await writeFile(join(src, '.DS_Store'), 'not a document');
    const channel = await w.channel({ kind: 'local', folder: src });
    assert.equal(channel.state, 'active');
    const run = await w.deps.collect.runs.runNow(w.orgId, channel.id, w.userId);
    assert.equal(run.status, 'done', run.error ?? '');
    assert.deepEqual([run.found, run.collected, run.skipped, run.duplicates, run.failed], [2, 2, 0, 0, 0]);
    await w.deps.queue.idle(); // each document is read by a job of its own
    const inbox = await listInbox(w.deps.db, w.orgId, { companyId: w.companyId, limit: 100 });
    assert.deepEqual(inbox.map((i) => i.fields.number?.value).sort(), ['A-1', 'B-1']);
    assert.equal(inbox[0]!.fields.number!.confidence, 1);
    assert.equal(inbox[0]!.binderId, channel.binderId);
    assert.equal(inbox[0]!.recipientId, w.userId);

    // Renamed, moved, touched: nothing new.
    await rename(join(src, 'a.xml'), join(src, 'March', 'a-renamed.xml'));
    await utimes(join(src, 'March', 'b.xml'), new Date('2025-01-01'), new Date('2025-01-01'));
    const again = await w.deps.collect.runs.runNow(w.orgId, channel.id, w.userId);
    assert.deepEqual([again.found, again.collected, again.skipped, again.duplicates], [2, 0, 2, 0]);
    const quiet = await w.deps.collect.runs.runNow(w.orgId, channel.id, w.userId);
    assert.deepEqual([quiet.found, quiet.collected], [0, 0]);
    assert.equal((await listInbox(w.deps.db, w.orgId, { companyId: w.companyId, limit: 100 })).length, 2);
  });

  it('collects a changed file again, linked to the first; flags same bytes and same invoice', async () => {
    const src = await w.folder('changes');
    await writeFile(join(src, 'c.xml'), ublInvoice({ number: 'C-1' }));
    const channel = await w.channel({ kind: 'local', folder: src });
    await w.deps.collect.runs.runNow(w.orgId, channel.id, null);
    await writeFile(join(src, 'c.xml'), ublInvoice({ number: 'C-1', total: '242.00' }));
    await utimes(join(src, 'c.xml'), new Date('2025-02-01'), new Date('2025-02-01'));
    await writeFile(join(src, 'copy-of-c.xml'), ublInvoice({ number: 'C-1' })); // the first version's bytes
    await writeFile(join(src, 'c-scan.xml'), ublInvoice({ number: 'C-1', total: '242.00', date: '2024-03-15' })); // same supplier, number, amount
    const run = await w.deps.collect.runs.runNow(w.orgId, channel.id, null);
    const { items } = await w.deps.collect.runs.get(w.orgId, run.id);
    const byPath = Object.fromEntries(items.map((i) => [i.path, i.outcome]));
    assert.equal(byPath['c.xml'], 'changed');
    assert.equal(byPath['copy-of-c.xml'], 'duplicate');
    await w.deps.queue.idle();
    const inbox = await listInbox(w.deps.db, w.orgId, { companyId: w.companyId, limit: 100 });
    const changed = inbox.find((i) => i.sourcePath === 'c.xml' && i.previousId);
    assert.ok(changed, 'the new version is linked to the first');
    const scan = inbox.find((i) => i.sourcePath === 'c-scan.xml')!;
    // Filed at the same time: whichever came second is flagged as the likely duplicate of the other.
    assert.ok(scan.likelyDuplicateOf === changed.id || changed.likelyDuplicateOf === scan.id, 'same supplier, number and amount are flagged');
    assert.equal(inbox.find((i) => i.id === changed.previousId)!.duplicatesSeen, 1);
  });

  it('files the same bytes arriving twice in one run once, and counts the second copy on the first', async () => {
    const src = await w.folder('twice');
    await writeFile(join(src, 'd.xml'), ublInvoice({ number: 'D-1' }));
    await writeFile(join(src, 'd (copy).xml'), ublInvoice({ number: 'D-1' }));
    const channel = await w.channel({ kind: 'local', folder: src });
    const run = await w.deps.collect.runs.runNow(w.orgId, channel.id, null);
    assert.deepEqual([run.found, run.collected, run.duplicates], [2, 1, 1]);
    const filed = (await listInbox(w.deps.db, w.orgId, { companyId: w.companyId, limit: 100 })).filter((i) => i.channelId === channel.id);
    assert.equal(filed.length, 1);
    assert.equal(filed[0]!.duplicatesSeen, 1, 'the copy is counted on the item it duplicates');
  });

  it('with the option on, moves collected files to Collected/ and never collects them from there', async () => {
    const src = await w.folder('moving');
    await writeFile(join(src, 'm.xml'), ublInvoice({ number: 'M-1' }));
    const channel = await w.channel({ kind: 'local', folder: src, moveCollected: true });
    const run = await w.deps.collect.runs.runNow(w.orgId, channel.id, null);
    assert.equal(run.collected, 1);
    assert.deepEqual(await readdir(src), ['Collected']);
    assert.deepEqual(await readdir(join(src, 'Collected')), ['m.xml']);
    const again = await w.deps.collect.runs.runNow(w.orgId, channel.id, null);
    assert.deepEqual([again.found, again.collected], [0, 0]);
  });

  it('a deleted folder puts the channel in needs_attention, and the run says why', async () => {
    const src = await w.folder('vanishing');
    const channel = await w.channel({ kind: 'local', folder: src });
    await rm(src, { recursive: true });
    const run = await w.deps.collect.runs.runNow(w.orgId, channel.id, null);
    assert.equal(run.status, 'failed');
    assert.match(run.error!, /not there any more/);
    const after = await w.deps.collect.channels.get(w.orgId, channel.id);
    assert.equal(after.state, 'needs_attention');
    assert.match(after.stateReason!, /reconnect link/);
    await mkdir(src);
    assert.equal((await w.deps.collect.runs.runNow(w.orgId, channel.id, null)).status, 'done');
    assert.equal((await w.deps.collect.channels.get(w.orgId, channel.id)).state, 'active');
  });

  // What a reviewer confirms or corrects in the inbox is what the vault document, and so its backups, say.
  it('carries corrected and confirmed fields over to the vault document, once, and leaves it alone when nothing changes', async () => {
    const src = await w.folder('review');
    await writeFile(join(src, 'inv.xml'), ublInvoice({ number: 'R-1', seller: 'Supplier NV', total: '121.00', date: '2024-03-14' }));
    const channel = await w.channel({ kind: 'local', folder: src });
    assert.equal((await w.deps.collect.runs.runNow(w.orgId, channel.id, null)).collected, 1);
    await w.deps.queue.idle();
    const [item] = (await listInbox(w.deps.db, w.orgId, { limit: 1000 })).filter((i) => i.channelId === channel.id);
    const was = await w.deps.vault.get(w.orgId, item!.documentId);
    assert.deepEqual([was.number, was.date, was.counterparty, was.amount, was.currency], ['R-1', '2024-03-14', 'Supplier NV', '121.00', 'EUR']);

    await w.deps.collect.inbox.change(w.orgId, w.userId, item!.id, {
      fields: { number: 'R-1B', issueDate: '2024-03-15', sellerName: 'Other Supplier BV', totalWithVat: '242.00', currency: 'usd' },
    });
    const now = await w.deps.vault.get(w.orgId, item!.documentId);
    assert.deepEqual([now.number, now.date, now.counterparty, now.amount, now.currency], ['R-1B', '2024-03-15', 'Other Supplier BV', '242.00', 'USD']);
    assert.ok(now.changeSeq > was.changeSeq, 'a change the backups pick up');
    assert.equal(now.versions.length, 1, 'metadata only: the bytes stay one version');

    // Confirming what is already there, or changing only the status, changes nothing in the vault.
    await w.deps.collect.inbox.change(w.orgId, w.userId, item!.id, { confirm: ['number', 'sellerName'], status: 'done' });
    assert.equal((await w.deps.vault.get(w.orgId, item!.documentId)).changeSeq, now.changeSeq);

    // A cleared date keeps the document's date; a cleared number clears it.
    await w.deps.collect.inbox.change(w.orgId, w.userId, item!.id, { fields: { issueDate: null, number: null } });
    const cleared = await w.deps.vault.get(w.orgId, item!.documentId);
    assert.deepEqual([cleared.number, cleared.date], [null, '2024-03-15']);
  });
});
