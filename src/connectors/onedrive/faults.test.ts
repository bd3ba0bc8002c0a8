import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../config/config.js';
import { silentLogger } from '../../log/log.js';
import { buildDeps, type Deps } from '../../main/deps.js';
import { bootstrapIfEmpty } from '../../auth/bootstrap.js';
import { startGraphEmulator, type GraphEmulator } from '../../sandbox/graph/server.js';
import type { ConnectorDefinition } from '../connector.js';
import { QuickXorHash } from '../kit/quickxorhash.js';
import { OneDriveConnector } from './connector.js';
import { onedriveDefinition, type OnedriveSettings } from './index.js';

const qx = (b: Buffer) => new QuickXorHash().update(b).digest();
const MiB = 1024 * 1024;
// Fixed, so a failure replays with the same fault sequence (request interleaving still varies).
const SEED = 20240314;

describe(`OneDrive backfill through 20% injected failures (seed ${SEED})`, () => {
  let emu: GraphEmulator;
  let deps: Deps;
  let dir: string;
  let org: { orgId: string; companyId: string };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dossier-onedrive-faults-'));
    emu = await startGraphEmulator({ seed: SEED });
    const onedrive: ConnectorDefinition<OnedriveSettings> = {
      ...onedriveDefinition,
      create: async (settings) => new OneDriveConnector({ ...settings, tokens: emu.tokenSource('frank') }),
    };
    const config = loadConfig({ DOSSIER_DATA_DIR: dir, LOG_LEVEL: 'silent', DOSSIER_DEBOUNCE_MS: '0' });
    deps = await buildDeps({ config, log: silentLogger, definitions: [onedrive], worker: true, retry: { retries: 8, minTimeoutMs: 2, maxTimeoutMs: 50 } });
    org = (await bootstrapIfEmpty(deps.db))!;
  });
  after(async () => {
    await deps?.close();
    await emu?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers 500 documents (5 of them 5-12 MiB) exactly once each, with the right quickXorHash', async () => {
    const bodies: Buffer[] = [];
    const large = [5, 7, 8.5, 10, 12].map((m) => Math.round(m * MiB) + 13);
    for (let i = 0; i < 500; i++) {
      const content = i < large.length ? randomBytes(large[i]!) : randomBytes(2_000 + ((i * 7919) % 60_000));
      bodies.push(content);
      await deps.vault.create(org.orgId, org.companyId, {
        type: 'invoice', number: `F-${String(i).padStart(4, '0')}`, date: '2024-03-14', counterparty: 'Client NV',
        amount: '121.00', currency: 'EUR', businessAccount: null,
      }, { body: Readable.from([content]), filename: 'invoice.pdf', mime: 'application/pdf' });
    }
    // The destination is added (and checked) on a healthy service; the faults start with the backfill.
    const dst = await deps.backup.add(org.orgId, {
      companyId: org.companyId, name: 'OneDrive', kind: 'onedrive', settings: { baseUrl: emu.url, root: 'Dossier' },
      layout: 'company-year-type', startDate: null, schedule: 'continuous', restoreDeleted: true, respectFolderDeletions: false,
    });
    emu.faults.set([{ fault: ['throttle', 'unavailable', 'error', 'reset'], rate: 0.2, retryAfterSeconds: 1 }]);
    await deps.queue.idle();
    emu.faults.clear();

    for (const kind of ['throttle', 'unavailable', 'error', 'reset']) assert.ok((emu.faults.fired[kind] ?? 0) > 0, `${kind} was injected`);
    const drive = [...emu.state.drives.values()][0]!;
    const files = [...drive.items.values()].filter((i) => !i.folder);
    assert.equal(files.length, 500, 'every document exactly once');
    assert.deepEqual(files.map((f) => f.quickXorHash).sort(), bodies.map(qx).sort());
    assert.ok(files.every((f) => !/ \d+\.pdf$/.test(f.name)), 'no "x 1.pdf" duplicates');
    assert.equal(emu.state.sessions.open.size, 0, 'no upload session left open');
    const status = await deps.backup.status(org.orgId, dst.id);
    assert.equal(status.documents.synced, 500);
    assert.equal(status.documents.failed, 0);
  });
});
