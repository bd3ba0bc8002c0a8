import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Deps } from '../main/deps.js';
import { startEngine, type Engine } from '../../test/helpers/engine.js';
import type { ConnectorDefinition } from '../connectors/connector.js';
import { GoogleDriveConnector } from '../connectors/gdrive/connector.js';
import { gdriveDefinition, type GdriveSettings } from '../connectors/gdrive/index.js';
import { startGdriveEmulator, type GdriveEmulator } from '../sandbox/gdrive/server.js';
import { FOLDER_MIME } from '../sandbox/gdrive/store.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const MiB = 1024 * 1024;
// Fixed, so a failure replays with the same fault sequence (request interleaving still varies).
const SEED = 20240315;
const DOCUMENTS = 500;

describe(`backup engine to Google Drive through 20% injected failures (seed ${SEED})`, () => {
  let emu: GdriveEmulator;
  let engine: Engine;
  let deps: Deps;
  let org: { orgId: string; companyId: string };
  before(async () => {
    emu = await startGdriveEmulator({ seed: SEED });
    // The token vault is not part of this test: the emulator's own token source stands in for it.
    // Pacing off and quick read retries: the test is about correctness, not about Google's rate.
    const gdrive: ConnectorDefinition<GdriveSettings> = {
      ...gdriveDefinition,
      create: async (settings) => new GoogleDriveConnector({
        ...settings, tokens: emu.tokenSource('grace'), pacing: { perSecond: 1e6, burst: 1e6 }, readRetry: { retries: 3, minTimeoutMs: 2, maxTimeoutMs: 20 },
      }),
    };
    engine = await startEngine(gdrive);
    ({ deps } = engine);
    org = engine;
  });
  after(async () => {
    await engine?.close();
    await emu?.stop();
  });

  it(`delivers ${DOCUMENTS} documents (4 of them 5-11 MiB) once each, with Drive's sha256 right, no duplicate names and one folder per path`, async () => {
    const bodies: Buffer[] = [];
    const large = [5, 6.5, 9, 11].map((m) => Math.round(m * MiB) + 13);
    for (let i = 0; i < DOCUMENTS; i++) {
      const content = i < large.length ? randomBytes(large[i]!) : randomBytes(1_000 + ((i * 7919) % 30_000));
      bodies.push(content);
      await deps.vault.create(org.orgId, org.companyId, {
        type: 'invoice', number: `F-${String(i).padStart(4, '0')}`, date: '2024-03-14', counterparty: 'Client NV',
        amount: '121.00', currency: 'EUR', businessAccount: null,
      }, { body: Readable.from([content]), filename: 'invoice.pdf', mime: 'application/pdf' });
    }
    // The destination is added (and checked) on a healthy service; the faults start with the backfill.
    const dst = await deps.backup.add(org.orgId, {
      companyId: org.companyId, name: 'Google Drive', kind: 'gdrive', settings: { baseUrl: emu.url, root: 'Dossier' },
      layout: 'company-year-type', startDate: null, schedule: 'continuous', restoreDeleted: true, respectFolderDeletions: false,
    });
    emu.faults.set([{ fault: ['throttle', 'userRateLimit', 'error', 'reset'], rate: 0.2 }]);
    await deps.queue.idle();
    emu.faults.clear();

    for (const kind of ['throttle', 'userRateLimit', 'error', 'reset']) assert.ok((emu.faults.fired[kind] ?? 0) > 0, `${kind} was injected`);
    const store = emu.state.store('grace');
    const live = [...store.files.values()].filter((f) => !f.trashed);
    const files = live.filter((f) => f.mimeType !== FOLDER_MIME);
    assert.equal(files.length, DOCUMENTS, 'every document exactly once');
    assert.deepEqual(files.map((f) => f.sha256).sort(), bodies.map(sha256).sort(), 'the right bytes, by Drive\'s own sha256Checksum');
    // Paths below My Drive, from each item's parent chain.
    const byId = new Map(live.filter((f) => f.id !== store.rootId).map((f) => [f.id, f]));
    const pathOf = (f: (typeof live)[number]): string => {
      const parent = byId.get(f.parents[0] ?? '');
      return parent ? `${pathOf(parent)}/${f.name}` : f.name;
    };
    const folderPaths = [...byId.values()].filter((f) => f.mimeType === FOLDER_MIME).map(pathOf).sort();
    assert.deepEqual(folderPaths, ['Dossier', 'Dossier/My company', 'Dossier/My company/2024', 'Dossier/My company/2024/Invoices'],
      'one live folder per path, however many uploads raced to create it');
    assert.ok(files.every((f) => pathOf(f).startsWith('Dossier/My company/2024/Invoices/')), 'every document in its layout folder');
    const places = live.map((f) => `${f.parents[0]}/${f.name}`);
    assert.equal(new Set(places).size, places.length, 'no two live items share a name in one folder');
    assert.ok(files.every((f) => !/ \d+\.pdf$/.test(f.name)), 'no "x 1.pdf" renames');
    const status = await deps.backup.status(org.orgId, dst.id);
    assert.equal(status.documents.synced, DOCUMENTS);
    assert.equal(status.documents.failed, 0);
  });
});
