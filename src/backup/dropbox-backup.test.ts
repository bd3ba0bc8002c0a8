import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Deps } from '../main/deps.js';
import { startEngine, type Engine } from '../../test/helpers/engine.js';
import type { ConnectorDefinition } from '../connectors/connector.js';
import { dropboxContentHash } from '../connectors/kit/dropbox-content-hash.js';
import { DropboxConnector } from '../connectors/dropbox/connector.js';
import { dropboxDefinition, type DropboxSettings } from '../connectors/dropbox/index.js';
import type { Node } from '../sandbox/dropbox/namespace.js';
import { startDropboxEmulator, type DropboxEmulator } from '../sandbox/dropbox/server.js';

const KiB = 1024;
// Fixed, so a failure replays with the same fault sequence (request interleaving still varies).
const SEED = 20240315;

function filesBelow(n: Node): Node[] {
  return n.folder ? [...n.children.values()].flatMap(filesBelow) : [n];
}

describe(`backup engine to Dropbox through 20% injected failures (seed ${SEED})`, () => {
  let emu: DropboxEmulator;
  let engine: Engine;
  let deps: Deps;
  let org: { orgId: string; companyId: string };
  before(async () => {
    emu = await startDropboxEmulator({ seed: SEED });
    // The token vault is not part of this test: the emulator's own token source stands in for it.
    // A small simple-upload limit and chunks, so that some documents go through upload sessions.
    const dropbox: ConnectorDefinition<DropboxSettings> = {
      ...dropboxDefinition,
      create: async (settings) => new DropboxConnector({ ...settings, tokens: emu.tokenSource('frank'), simpleUploadMax: 256 * KiB, chunkBytes: 128 * KiB }),
    };
    engine = await startEngine(dropbox);
    ({ deps } = engine);
    org = engine;
  });
  after(async () => {
    await engine?.close();
    await emu?.stop();
  });

  it('delivers 500 documents (10 of them through upload sessions) exactly once each, with the right content_hash', async () => {
    const bodies: Buffer[] = [];
    for (let i = 0; i < 500; i++) {
      const content = i < 10 ? randomBytes(300 * KiB + i * 97 * KiB + 13) : randomBytes(1_000 + ((i * 7919) % 20_000));
      bodies.push(content);
      await deps.vault.create(org.orgId, org.companyId, {
        type: 'invoice', number: `F-${String(i).padStart(4, '0')}`, date: '2024-03-14', counterparty: 'Client NV',
        amount: '121.00', currency: 'EUR', businessAccount: null,
      }, { body: Readable.from([content]), filename: 'invoice.pdf', mime: 'application/pdf' });
    }
    // The destination is added (and checked) on a healthy service; the faults start with the backfill.
    const dst = await deps.backup.add(org.orgId, {
      companyId: org.companyId, name: 'Dropbox', kind: 'dropbox', settings: { apiUrl: emu.url, contentUrl: emu.contentUrl, root: 'Archive' },
      layout: 'company-year-type', startDate: null, schedule: 'continuous', restoreDeleted: true, respectFolderDeletions: false,
    });
    emu.faults.set([{ fault: ['throttle', 'unavailable', 'error', 'reset'], rate: 0.2, retryAfterSeconds: 1 }]);
    await deps.queue.idle();
    emu.faults.clear();

    for (const kind of ['throttle', 'unavailable', 'error', 'reset']) assert.ok((emu.faults.fired[kind] ?? 0) > 0, `${kind} was injected`);
    const ns = emu.state.namespace('frank');
    const files = filesBelow(ns.root);
    assert.equal(files.length, 500, 'every document exactly once');
    assert.deepEqual(files.map((f) => f.contentHash).sort(), bodies.map(dropboxContentHash).sort(), 'the right bytes, by the service\'s own hash');
    assert.ok(files.every((f) => ns.pathOf(f, ns.root).startsWith('/Apps/Dossier/Archive/My company/2024/Invoices/')), 'inside the app folder');
    assert.ok(files.every((f) => !/ \(\d+\)\.pdf$|conflicted copy/.test(f.name)), 'no autorenamed duplicates');
    assert.equal(new Set(files.map((f) => f.name.toLowerCase())).size, 500, 'no two names differ only in case');
    const status = await deps.backup.status(org.orgId, dst.id);
    assert.equal(status.documents.synced, 500);
    assert.equal(status.documents.failed, 0);
  });
});
