import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCollectWorld, ublInvoice, type CollectWorld } from '../../test/helpers/collect.js';
import { localDefinition } from '../connectors/local/index.js';
import type { ConnectorDefinition } from '../connectors/connector.js';
import { listInbox } from '../catalog/inbox.js';

/**
 * The optional move to Collected/ happens after a file is filed. A process that dies in
 * between (here: a move that does not happen, which is what the dead process leaves) must
 * neither lose the move nor file the file twice.
 */
describe('moving collected files to Collected/ after a crash', () => {
  let w: CollectWorld;
  let moves = true;
  const definition: ConnectorDefinition = {
    ...localDefinition,
    create: async (settings, context) => {
      const inner = await localDefinition.create(settings as never, context);
      return new Proxy(inner, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver);
          if (prop === 'move') return (...args: unknown[]) => (moves ? (v as (...a: unknown[]) => unknown).apply(target, args) : Promise.reject(new Error('killed before the move')));
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    },
  };
  before(async () => { w = await startCollectWorld({ definitions: [definition] }); });
  after(() => w?.close());

  it('moves a file filed by a run that died before moving it on the next run, and files it once', async () => {
    const src = await w.folder('moving-after-crash');
    await writeFile(join(src, 'a.xml'), ublInvoice({ number: 'MV-1' }));
    await writeFile(join(src, 'b.xml'), ublInvoice({ number: 'MV-2' }));
    const channel = await w.channel({ kind: 'local', folder: src, moveCollected: true });
    moves = false;
    const first = await w.deps.collect.runs.runNow(w.orgId, channel.id, null);
    assert.equal(first.collected, 2);
    assert.deepEqual((await readdir(src)).filter((f) => f !== 'Collected').sort(), ['a.xml', 'b.xml'], 'filed, not moved');

    moves = true;
    await writeFile(join(src, 'c.xml'), ublInvoice({ number: 'MV-3' }));
    const next = await w.deps.collect.runs.runNow(w.orgId, channel.id, null);
    assert.deepEqual([next.found, next.collected, next.skipped, next.duplicates], [1, 1, 0, 0], 'only the new file is collected');
    assert.deepEqual(await readdir(src), ['Collected']);
    assert.deepEqual((await readdir(join(src, 'Collected'))).sort(), ['a.xml', 'b.xml', 'c.xml']);
    const quiet = await w.deps.collect.runs.runNow(w.orgId, channel.id, null);
    assert.deepEqual([quiet.found, quiet.collected], [0, 0]);
    await w.deps.queue.idle(); // the documents are read by their jobs
    const inbox = (await listInbox(w.deps.db, w.orgId, { limit: 100 })).filter((i) => i.channelId === channel.id);
    assert.deepEqual(inbox.map((i) => i.fields.number?.value).sort(), ['MV-1', 'MV-2', 'MV-3'], 'each once');
  });
});
