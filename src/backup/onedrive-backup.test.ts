import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../config/config.js';
import { silentLogger } from '../log/log.js';
import { buildDeps, type Deps } from '../main/deps.js';
import { bootstrapIfEmpty } from '../auth/bootstrap.js';
import type { ConnectorDefinition } from '../connectors/connector.js';
import { QuickXorHash } from '../connectors/kit/quickxorhash.js';
import { OneDriveConnector } from '../connectors/onedrive/connector.js';
import { onedriveDefinition, type OnedriveSettings } from '../connectors/onedrive/index.js';
import { startGraphEmulator, type GraphEmulator } from '../sandbox/graph/server.js';

const qx = (b: Buffer) => new QuickXorHash().update(b).digest();

describe('backup engine to OneDrive (Graph emulator)', () => {
  let emu: GraphEmulator;
  let deps: Deps;
  let dir: string;
  let org: { orgId: string; companyId: string };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dossier-onedrive-'));
    emu = await startGraphEmulator();
    // The token vault is not part of this test: the emulator's own token source stands in for it.
    const onedrive: ConnectorDefinition<OnedriveSettings> = {
      ...onedriveDefinition,
      create: async (settings) => new OneDriveConnector({ ...settings, tokens: emu.tokenSource('erin') }),
    };
    const config = loadConfig({ DOSSIER_DATA_DIR: dir, LOG_LEVEL: 'silent', DOSSIER_DEBOUNCE_MS: '0' });
    deps = await buildDeps({ config, log: silentLogger, definitions: [onedrive], worker: true, retry: { retries: 8, minTimeoutMs: 2, maxTimeoutMs: 20 } });
    org = (await bootstrapIfEmpty(deps.db))!;
  });
  after(async () => {
    await deps?.close();
    await emu?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('backs up 20 documents once each, verified by quickXorHash', async () => {
    const bodies: Buffer[] = [];
    for (let i = 1; i <= 20; i++) {
      const content = Buffer.from(`%PDF-1.4 invoice ${i} ${'x'.repeat(i * 100)}`);
      bodies.push(content);
      await deps.vault.create(org.orgId, org.companyId, {
        type: 'invoice', number: `F-${String(i).padStart(3, '0')}`, date: '2024-03-14', counterparty: 'Client NV',
        amount: '121.00', currency: 'EUR', businessAccount: null,
      }, { body: Readable.from([content]), filename: 'invoice.pdf', mime: 'application/pdf' });
    }
    const dst = await deps.backup.add(org.orgId, {
      companyId: org.companyId, name: 'OneDrive', kind: 'onedrive', settings: { baseUrl: emu.url, root: 'Dossier' },
      layout: 'company-year-type', startDate: null, schedule: 'continuous', restoreDeleted: true, respectFolderDeletions: false,
    });
    await deps.queue.idle();

    const drive = [...emu.state.drives.values()][0]!;
    const files = [...drive.items.values()].filter((i) => !i.folder);
    assert.equal(files.length, 20, 'every document once');
    assert.deepEqual(files.map((f) => f.quickXorHash).sort(), bodies.map(qx).sort(), 'the right bytes, by the service\'s own hash');
    assert.ok(files.every((f) => drive.pathOf(f).startsWith(`/drives/${drive.id}/root:/Dossier/My company/2024/Invoices/`)));
    const status = await deps.backup.status(org.orgId, dst.id);
    assert.equal(status.documents.synced, 20);
    assert.equal(status.documents.failed, 0);
  });
});
