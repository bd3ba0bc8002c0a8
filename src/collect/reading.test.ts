import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCollectWorld, ublInvoice, type CollectWorld } from '../../test/helpers/collect.js';
import { postgresReachable } from '../../test/helpers/databases.js';
import { composeMail, intakeDeps, mailChannel, mailJob } from '../../test/helpers/mail.js';
import { getInboxItem, listInbox } from '../catalog/inbox.js';
import type { Channel } from '../catalog/channels.js';
import { DomainError } from '../domain/errors.js';
import { intakeMessage, type MailSource } from './email/message-intake.js';

const smtp: MailSource = { kind: 'smtp', envelopeFrom: 'ap@supplier.example', rcptTo: 'invoices@dossier.example', remoteAddress: '192.0.2.7' };
const pgOk = await postgresReachable();

// Reading a collected document is a job (READ_JOB): on the in-process queue with SQLite, on pg-boss with PostgreSQL.
for (const postgres of [false, true]) {
  describe(`reading collected documents as jobs (${postgres ? 'PostgreSQL, pg-boss' : 'SQLite, in-process queue'})`, { skip: postgres && !pgOk && 'PostgreSQL is not reachable' }, () => {
    let w: CollectWorld;
    before(async () => { w = await startCollectWorld({ postgres }); });
    after(() => w?.close());

    /** Files one message's attachments with their reading queued to `queued` instead of the job queue, so the test decides when they are read. */
    const fileHeld = async (channel: Channel, messageId: string, attachments: Array<{ filename: string; content: Buffer }>) => {
      const queued: string[] = [];
      const deps = { ...intakeDeps(w, true), readLater: async (_org: string, ids: string[]) => { queued.push(...ids); } };
      const r = await intakeMessage(deps, await mailJob(w, channel), await composeMail({ messageId, attachments }), smtp);
      assert.equal(r.outcome, 'collected');
      return queued;
    };

    it('files the document at once as being read; its job fills the fields, the vault metadata and the text, once', async () => {
      const channel = await mailChannel(w, {});
      const queued = await fileHeld(channel, '<read-1@supplier.example>', [{ filename: 'inv.xml', content: ublInvoice({ number: 'RJ-1', seller: 'Reader Supplies NV', total: '242.00' }) }]);
      assert.equal(queued.length, 1, 'one reading job per new document');
      const filed = await getInboxItem(w.deps.db, w.orgId, queued[0]!);
      assert.equal(filed.status, 'reading');
      assert.deepEqual(filed.fields, {});
      assert.equal(filed.extraction.reason, 'reading');
      const before = await w.deps.vault.get(w.orgId, filed.documentId);
      assert.equal(before.number, null, 'nothing read yet');

      // A reviewer cannot change it meanwhile: the job's fields would overwrite the change.
      await assert.rejects(w.deps.collect.inbox.change(w.orgId, w.userId, filed.id, { status: 'done' }),
        (e: unknown) => e instanceof DomainError && e.code === 'conflict' && e.why?.reason === 'inbox_item_reading');

      // Queued twice (a retry, a second sweep): the item's id is the job's key, and a read item is not read again.
      await w.deps.collect.reading.queue(w.orgId, queued);
      await w.deps.collect.reading.queue(w.orgId, queued);
      await w.deps.queue.idle();
      const read = await getInboxItem(w.deps.db, w.orgId, filed.id);
      assert.equal(read.status, 'to_review');
      assert.equal(read.fields.number?.value, 'RJ-1');
      assert.equal(read.extraction.source, 'ubl');
      assert.ok(read.dedupeKey, 'supplier, number and amount known now');
      const doc = await w.deps.vault.get(w.orgId, filed.documentId);
      assert.deepEqual([doc.number, doc.counterparty, doc.amount, doc.type], ['RJ-1', 'Reader Supplies NV', '242.00', 'purchase_invoice']);
      assert.equal(doc.versions.length, 1, 'the metadata changed in place: the bytes are one version');
      assert.ok(doc.changeSeq > before.changeSeq, 'the backups pick the read metadata up');
      const found = await w.deps.vault.list(w.orgId, { q: 'Reader Supplies', limit: 10 });
      assert.deepEqual(found.items.map((d) => d.id), [doc.id], 'the text is kept for search');

      // The job again, as after a worker died between its commit and its acknowledgement: nothing changes.
      await w.deps.collect.reading.runJob({ orgId: w.orgId, inboxItemId: filed.id });
      const again = await getInboxItem(w.deps.db, w.orgId, filed.id);
      assert.equal(again.updatedAt, read.updatedAt);
      assert.equal((await w.deps.vault.get(w.orgId, filed.documentId)).changeSeq, doc.changeSeq);
    });

    it('flags the second copy of an invoice read by two jobs as the likely duplicate of the first', async () => {
      const channel = await mailChannel(w, {});
      const queued = await fileHeld(channel, '<read-2@supplier.example>', [
        { filename: 'dup.xml', content: ublInvoice({ number: 'RJ-2' }) },
        { filename: 'dup-scan.xml', content: ublInvoice({ number: 'RJ-2', date: '2024-03-20' }) }, // other bytes, same supplier, number, amount
      ]);
      assert.equal(queued.length, 2);
      await w.deps.collect.reading.queue(w.orgId, queued);
      await w.deps.queue.idle();
      const [a, b] = await Promise.all(queued.map((id) => getInboxItem(w.deps.db, w.orgId, id)));
      assert.ok((a!.likelyDuplicateOf === b!.id) !== (b!.likelyDuplicateOf === a!.id), 'exactly one of the two points at the other');
    });

    it('queues again, at start, what a stopped process left being read', async () => {
      const channel = await mailChannel(w, {});
      const queued = await fileHeld(channel, '<read-3@supplier.example>', [{ filename: 'left.xml', content: ublInvoice({ number: 'RJ-3' }) }]);
      assert.ok((await w.deps.collect.reading.requeueUnread()) >= 1);
      await w.deps.queue.idle();
      assert.equal((await getInboxItem(w.deps.db, w.orgId, queued[0]!)).fields.number?.value, 'RJ-3');
      const still = (await listInbox(w.deps.db, w.orgId, { status: 'reading', limit: 10 }));
      assert.deepEqual(still, [], 'nothing is left being read');
    });

    it('a collection run of the service files with reading queued, and the worker reads it', async () => {
      const channel = await mailChannel(w, {});
      const r = await intakeMessage({ ...intakeDeps(w, true), readLater: w.deps.collect.readLater }, await mailJob(w, channel),
        await composeMail({ messageId: '<read-4@supplier.example>', attachments: [{ filename: 'svc.xml', content: ublInvoice({ number: 'RJ-4' }) }] }), smtp);
      assert.equal(r.filed, 1);
      await w.deps.queue.idle();
      const [item] = (await listInbox(w.deps.db, w.orgId, { limit: 1000 })).filter((i) => i.channelId === channel.id);
      assert.equal(item!.status, 'to_review');
      assert.equal(item!.fields.number?.value, 'RJ-4');
    });
  });
}
