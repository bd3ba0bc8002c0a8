import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/log.js';
import { buildDeps } from '../../src/main/deps.js';
import { bootstrapIfEmpty } from '../../src/auth/bootstrap.js';
import { isTempName } from '../../src/connectors/kit/temp-name.js';
import { startSshd } from '../servers/sshd.js';
import { walkFiles } from '../helpers/files.js';
import { TEST_LIMITS } from '../helpers/limits.js';

const DOCUMENTS = 2000;
const KILLS = 6;
const child = fileURLToPath(new URL('./sync-child.ts', import.meta.url));

/** Runs the child until it finishes or is killed after `killAfterMs`. Returns true if it finished. */
function runChild(dataDir: string, orgId: string, dstId: string, killAfterMs: number | null): Promise<{ finished: boolean; progressed: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dataDir, orgId, dstId], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    // Kill only once the pass is transferring, so each kill lands mid-backfill.
    let timer: NodeJS.Timeout | null = null;
    p.stdout.on('data', () => {
      if (killAfterMs !== null && !timer && out.includes('progress')) timer = setTimeout(() => p.kill('SIGKILL'), killAfterMs);
    });
    p.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      const progressed = (out.match(/progress/g) ?? []).length;
      if (signal === 'SIGKILL') resolve({ finished: false, progressed });
      else if (code === 0 && out.includes('finished')) resolve({ finished: true, progressed });
      else reject(new Error(`the sync process failed (${code}): ${err || out}`));
    });
  });
}

describe('crash safety of a 2,000-document backfill', async () => {
  const sshd = await startSshd();
  const targets: Array<{ kind: string; settings: () => Record<string, unknown>; root: () => string }> = [];
  let localRoot = '';
  targets.push({ kind: 'local', settings: () => ({ root: localRoot }), root: () => localRoot });
  if (sshd) targets.push({ kind: 'sftp', root: () => sshd.root, settings: () => ({ host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, root: sshd.root }) });
  after(async () => { await sshd?.stop(); });

  for (const target of targets) {
    describe(`to ${target.kind}`, () => {
      let dataDir = '', orgId = '', dstId = '';
      before(async () => {
        dataDir = await mkdtemp(join(tmpdir(), 'dossier-crash-'));
        localRoot = await mkdtemp(join(tmpdir(), 'dossier-crash-dst-'));
        const deps = await buildDeps({ config: loadConfig({ DOSSIER_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...TEST_LIMITS }), log: silentLogger });
        const first = (await bootstrapIfEmpty(deps.db))!;
        orgId = first.orgId;
        for (let i = 0; i < DOCUMENTS; i++) {
          const body = Buffer.from(`%PDF-1.4 invoice ${i} `.padEnd(2000 + (i % 7) * 900, '.'));
          await deps.vault.create(orgId, first.companyId, {
            type: i % 3 ? 'invoice' : 'purchase_invoice', number: `INV-${i}`, date: `2024-${String((i % 12) + 1).padStart(2, '0')}-10`,
            counterparty: `Client ${i % 40}`, amount: '10.00', currency: 'EUR', businessAccount: null,
          }, { body: Readable.from([body]), filename: 'f.pdf', mime: 'application/pdf' });
        }
        const dst = await deps.backup.add(orgId, {
          companyId: first.companyId, name: 'Crash', kind: target.kind, settings: target.settings(), layout: 'company-year-month',
          startDate: null, schedule: 'continuous', restoreDeleted: true, respectFolderDeletions: false,
        });
        dstId = dst.id;
        await deps.close();
      });
      after(async () => { await rm(dataDir, { recursive: true, force: true }); await rm(localRoot, { recursive: true, force: true }); });

      it('loses nothing and duplicates nothing when killed with SIGKILL again and again', async () => {
        let kills = 0;
        for (let i = 0; i < KILLS; i++) {
          const r = await runChild(dataDir, orgId, dstId, 50 + Math.floor(Math.random() * 400));
          if (!r.finished) kills++;
          else break;
        }
        assert.ok(kills >= 2, `the process was killed mid-backfill ${kills} times`);
        const last = await runChild(dataDir, orgId, dstId, null);
        assert.ok(last.finished);

        const deps = await buildDeps({ config: loadConfig({ DOSSIER_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...TEST_LIMITS }), log: silentLogger });
        try {
          const remote = new Map<string, string>();
          for await (const file of walkFiles(target.root())) {
            assert.ok(!isTempName(file.split('/').pop()!), `no temporary file is left: ${file}`);
            remote.set(relative(target.root(), file), createHash('sha256').update(await readFile(file)).digest('hex'));
          }
          const rows = await deps.db.selectFrom('deliveries').selectAll().where('destination_id', '=', dstId).execute();
          assert.equal(rows.length, DOCUMENTS, 'one ledger row per document');
          assert.equal(remote.size, DOCUMENTS, 'exactly one file per document at the destination');
          for (const r of rows) {
            assert.equal(r.state, 'synced');
            assert.equal(remote.get(r.remote_path!), r.sha256, `${r.remote_path} holds the bytes the ledger says`);
            const version = await deps.db.selectFrom('document_versions').select('sha256').where('id', '=', r.version_id!).executeTakeFirstOrThrow();
            assert.equal(r.sha256, version.sha256, 'and they are the document\'s own bytes');
          }
          const runs = await deps.backup.runs(orgId, dstId, 100);
          assert.ok(runs.some((r) => r.status === 'interrupted'), 'the killed runs show as interrupted in the history');
        } finally {
          await deps.close();
        }
      });
    });
  }
});
