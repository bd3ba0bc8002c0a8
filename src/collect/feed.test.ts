import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectorError } from '../connectors/connector.js';
import { FeedDrive } from '../../test/helpers/memory-feed.js';
import { startCollectWorld, ublInvoice, type CollectWorld } from '../../test/helpers/collect.js';
import { updateChannel, type Channel } from '../catalog/channels.js';
import { listInbox } from '../catalog/inbox.js';

/** The change-feed path (OneDrive, Google Drive, Dropbox), over a drive whose feed is real, in memory. */
describe('collecting through a change feed', () => {
  const drive = new FeedDrive();
  let w: CollectWorld;
  let channel: Channel;
  before(async () => {
    w = await startCollectWorld({ definitions: [drive.definition('onedrive')] });
    await drive.store.mkdir('Inbox');
    const made = await w.channel({ kind: 'onedrive', clientEmail: 'client@example.com' });
    assert.equal(made.state, 'waiting_for_client');
    // As if the client had connected and chosen the folder.
    channel = await updateChannel(w.deps.db, w.orgId, made.id, { state: 'active', folder: 'Inbox' });
  });
  after(() => w?.close());

  const run = () => w.deps.collect.runs.runNow(w.orgId, channel.id, null);
  const cursor = async () => (await w.deps.collect.channels.get(w.orgId, channel.id)).cursor;
  const inboxNumbers = async () => (await w.deps.queue.idle(), await listInbox(w.deps.db, w.orgId, { limit: 1000 })).map((i) => i.fields.number?.value).sort();

  it('enumerates the folder page by page on the first run, then reads only the changes', async () => {
    drive.pageSize = 3;
    for (let i = 1; i <= 8; i++) await drive.put(`Inbox/${i}.xml`, ublInvoice({ number: `F-${i}` }));
    await drive.put('Elsewhere.xml', ublInvoice({ number: 'NOT-MINE' }));
    const first = await run();
    assert.equal(first.status, 'done', first.error ?? '');
    assert.deepEqual([first.found, first.collected], [8, 8]);
    assert.ok((drive.calls.changes ?? 0) >= 3, 'several pages');
    assert.match((await cursor())!, /:log:/, 'the stored cursor follows the journal');

    drive.calls.read = 0;
    drive.calls.changes = 0;
    await drive.put('Inbox/9.xml', ublInvoice({ number: 'F-9' }));
    const second = await run();
    assert.deepEqual([second.found, second.collected], [1, 1]);
    assert.equal(drive.calls.read, 1, 'one download for one new file');
    assert.equal(drive.calls.changes, 1, 'one feed call');
  });

  it('does not collect renamed, moved or touched files again; collects changed content as a linked new document', async () => {
    await drive.move('Inbox/1.xml', 'Inbox/Archive/1-renamed.xml');
    drive.touch('Inbox/2.xml');
    await drive.put('Inbox/3.xml', ublInvoice({ number: 'F-3', total: '999.00' }));
    drive.calls.read = 0;
    const r = await run();
    assert.deepEqual([r.found, r.collected, r.skipped, r.duplicates], [1, 1, 0, 0]);
    assert.equal(drive.calls.read, 1, 'the provider\'s hash spares the download of the renamed and touched files');
    const { items } = await w.deps.collect.runs.get(w.orgId, r.id);
    assert.deepEqual(items.map((i) => [i.path, i.outcome]), [['3.xml', 'changed']]);
    await w.deps.queue.idle();
    const inbox = await listInbox(w.deps.db, w.orgId, { limit: 1000 });
    const changed = inbox.find((i) => i.id === items[0]!.inboxItemId)!;
    assert.equal(inbox.find((i) => i.id === changed.previousId)!.fields.number!.value, 'F-3');
  });

  it('a copy of the same bytes is a duplicate; deletes come without names and lose nothing', async () => {
    await drive.put('Inbox/copy-of-4.xml', drive.store.files.get('Inbox/4.xml')!.data);
    await drive.remove('Inbox/5.xml');
    const r = await run();
    assert.deepEqual([r.collected, r.duplicates], [0, 1]);
    const counts = await w.deps.collect.runs.ledger(w.orgId, channel.id);
    assert.equal(counts.gone, 1);
    assert.equal((await inboxNumbers()).filter((n) => n === 'F-5').length, 1, 'what was collected stays in the inbox');
  });

  it('after a cursor reset, the new enumeration collects only what is really new', async () => {
    drive.invalidateCursors();
    await drive.put('Inbox/10.xml', ublInvoice({ number: 'F-10' }));
    const r = await run();
    assert.equal(r.status, 'done');
    assert.deepEqual([r.collected, r.duplicates, r.failed], [1, 0, 0]);
    assert.deepEqual((await inboxNumbers()).filter((n) => n === 'F-10'), ['F-10']);
  });

  it('a run broken mid-feed keeps the cursor where the committed files end, and the next run resumes', async () => {
    drive.pageSize = 2;
    for (let i = 11; i <= 16; i++) await drive.put(`Inbox/${i}.xml`, ublInvoice({ number: `F-${i}` }));
    const before = await cursor();
    const original = drive.changes.bind(drive);
    let calls = 0;
    drive.changes = (root, c) => { if (++calls === 2) throw new ConnectorError('transient', 'the connection dropped'); return original(root, c); };
    const broken = await run();
    drive.changes = original;
    assert.equal(broken.status, 'failed');
    assert.equal(broken.collected, 2, 'the first page was filed');
    const mid = await cursor();
    assert.notEqual(mid, before, 'and its cursor stored');
    const resumed = await run();
    assert.deepEqual([resumed.collected, resumed.duplicates], [4, 0]);
    const numbers = await inboxNumbers();
    for (let i = 11; i <= 16; i++) assert.equal(numbers.filter((n) => n === `F-${i}`).length, 1, `F-${i} once`);
  });

  it('an expired grant puts the channel in needs_attention with the reason, and the run records the failure', async () => {
    drive.failNext = new ConnectorError('auth_expired', 'The OneDrive sign-in expired.');
    const r = await run();
    assert.equal(r.status, 'failed');
    assert.match(r.error!, /stopped working/);
    const c = await w.deps.collect.channels.get(w.orgId, channel.id);
    assert.equal(c.state, 'needs_attention');
    assert.match(c.stateReason!, /reconnect link/);
    assert.equal((await run()).status, 'done');
    assert.equal((await w.deps.collect.channels.get(w.orgId, channel.id)).state, 'active');
  });
});
