import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCollectWorld, ublInvoice, type CollectWorld } from '../../test/helpers/collect.js';
import { queueRun, startQueuedRun } from '../catalog/collect-runs.js';
import { listInbox } from '../catalog/inbox.js';

/**
 * A worker killed mid-run leaves its run marked running and the channel's lease in its name;
 * pg-boss hands the job to another worker once the heartbeat lapses, with no run queued any more.
 * That job must finish the collection (the firm test's stall was a job that found nothing queued).
 */
describe('a collection run cut off by a process that stopped', () => {
  let w: CollectWorld;
  before(async () => { w = await startCollectWorld(); });
  after(() => w?.close());

  async function channelWithFiles(name: string, files: number) {
    const src = await w.folder(name);
    const channel = await w.channel({ kind: 'local', folder: src });
    await w.deps.queue.idle();
    for (let i = 0; i < files; i++) await writeFile(join(src, `inv-${i}.xml`), ublInvoice({ number: `${name}-${i}`, total: `${100 + i}.00` }));
    return channel;
  }

  /** What a process killed mid-run leaves behind. */
  async function cutOff(channelId: string, holder: string, leaseLeftMs: number): Promise<string> {
    const runId = await queueRun(w.deps.db, w.orgId, channelId, 'daily', null);
    await startQueuedRun(w.deps.db, runId);
    await w.deps.db.updateTable('channels').set({ lease_owner: holder, lease_until: new Date(Date.now() + leaseLeftMs).toISOString() })
      .where('id', '=', channelId).execute();
    return runId;
  }

  const inboxOf = async (channelId: string) => (await listInbox(w.deps.db, w.orgId, { companyId: w.companyId, limit: 100 })).filter((i) => i.channelId === channelId);

  it('is finished by the job handed to another worker, at once when the holder was a process of this machine that is gone', async () => {
    const channel = await channelWithFiles('here', 3);
    const gone = spawnSync(process.execPath, ['-e', '']).pid; // a pid that has just ended
    const cut = await cutOff(channel.id, `${hostname()}:${gone}:0badf00d`, 60_000);
    const started = Date.now();
    await w.deps.collect.runs.runJob({ orgId: w.orgId, channelId: channel.id });
    assert.ok(Date.now() - started < 60_000, 'well within the lease the dead process held');
    const runs = await w.deps.collect.runs.list(w.orgId, channel.id);
    assert.equal(runs.find((r) => r.id === cut)!.status, 'interrupted', 'the cut-off run says so in the history');
    const resumed = runs.find((r) => r.id !== cut && r.trigger === 'resume');
    assert.ok(resumed, 'a run picks up where it left off');
    assert.equal(resumed.status, 'done', resumed.error ?? '');
    assert.equal(resumed.collected, 3);
    assert.equal((await inboxOf(channel.id)).length, 3);
  });

  it('is picked up when the scheduler starts, as runs queued before a restart are', async () => {
    const channel = await channelWithFiles('restart', 2);
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await cutOff(channel.id, `${hostname()}:${gone}:0badf00d`, 60_000);
    await w.deps.collect.scheduler.start();
    w.deps.collect.scheduler.stop();
    await w.deps.queue.idle();
    assert.equal((await inboxOf(channel.id)).length, 2);
  });

  it('waits for the lease of a process on another machine to run out, then finishes the run', async () => {
    const channel = await channelWithFiles('elsewhere', 2);
    const cut = await cutOff(channel.id, 'another-host:4242:cafebabe', 60_000);
    await w.deps.collect.runs.runJob({ orgId: w.orgId, channelId: channel.id });
    // That process may still be running it: nothing is taken from it.
    assert.equal((await w.deps.collect.runs.list(w.orgId, channel.id)).find((r) => r.id === cut)!.status, 'running');
    assert.equal((await inboxOf(channel.id)).length, 0);

    await w.deps.db.updateTable('channels').set({ lease_until: new Date(Date.now() - 1).toISOString() }).where('id', '=', channel.id).execute();
    await w.deps.collect.runs.runJob({ orgId: w.orgId, channelId: channel.id });
    const runs = await w.deps.collect.runs.list(w.orgId, channel.id);
    assert.equal(runs.find((r) => r.id === cut)!.status, 'interrupted');
    assert.equal(runs.filter((r) => r.trigger === 'resume').length, 1, 'resumed once');
    assert.equal((await inboxOf(channel.id)).length, 2);
  });
});
