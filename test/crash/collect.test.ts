import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/log.js';
import { buildDeps } from '../../src/main/deps.js';
import { bootstrapIfEmpty } from '../../src/auth/bootstrap.js';
import { ublInvoice } from '../helpers/collect.js';
import { walkFiles } from '../helpers/files.js';
import { TEST_LIMITS } from '../helpers/limits.js';

const ROUNDS = 8;
const NEW_PER_ROUND = 40;
const child = fileURLToPath(new URL('./collect-child.ts', import.meta.url));

/**
 * Runs the child to its end, or kills it `killAfterMs` after it has started its run. Says
 * whether the run finished, and how long it took from its start.
 */
function runChild(dataDir: string, orgId: string, channelId: string, killAfterMs: number | null): Promise<{ finished: boolean; ms: number }> {
  return new Promise((resolve, reject) => {
    let started = 0;
    const p = spawn(process.execPath, ['--import', 'tsx', child, dataDir, orgId, channelId], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    let timer: NodeJS.Timeout | null = null;
    p.stdout.on('data', (d) => {
      out += d;
      if (!started && out.includes('started')) started = performance.now();
      if (killAfterMs !== null && !timer && started) timer = setTimeout(() => p.kill('SIGKILL'), killAfterMs);
    });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      const ms = performance.now() - started;
      if (signal === 'SIGKILL') resolve({ finished: false, ms });
      else if (code === 0 && out.includes('finished')) resolve({ finished: true, ms });
      else reject(new Error(`the collection process failed (${code}): ${err || out}`));
    });
  });
}

describe('crash safety of collection', () => {
  let dataDir = '', src = '', orgId = '', channelId = '';
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dossier-crash-collect-'));
    src = join(dataDir, 'client-folder');
    await mkdir(src);
    const deps = await buildDeps({ config: loadConfig({ DOSSIER_DATA_DIR: join(dataDir, 'data'), LOG_LEVEL: 'silent', ...TEST_LIMITS }), log: silentLogger });
    const first = (await bootstrapIfEmpty(deps.db))!;
    orgId = first.orgId;
    const channel = await deps.collect.channels.create(orgId, first.userId, {
      companyId: first.companyId, name: 'Crash', kind: 'local', folder: src, recipientId: first.userId, binderName: 'Purchases', collectAt: '06:00', moveCollected: false,
    });
    channelId = channel.id;
    await deps.close();
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('never loses a file and never files one twice when killed with SIGKILL at random points over many runs', async () => {
    let kills = 0, n = 0;
    // Kills land anywhere from the start of a run to a little past its end, however fast this
    // machine runs: the span follows the last run that finished.
    let span = 900;
    for (let round = 0; round < ROUNDS; round++) {
      // The client keeps working between runs: new files, a rename, a copy of an old file.
      await mkdir(join(src, `round-${round}`));
      for (let i = 0; i < NEW_PER_ROUND; i++, n++) await writeFile(join(src, `round-${round}`, `inv-${n}.xml`), ublInvoice({ number: `INV-${n}`, total: `${100 + n}.00` }));
      if (round > 0) {
        await rename(join(src, `round-${round - 1}`, `inv-${n - NEW_PER_ROUND - 1}.xml`), join(src, `renamed-${round}.xml`));
        await copyFile(join(src, 'round-0', 'inv-0.xml'), join(src, `copy-${round}.xml`));
      }
      const { finished, ms } = await runChild(join(dataDir, 'data'), orgId, channelId, Math.floor(Math.random() * span));
      if (finished) span = Math.max(50, ms * 1.2);
      else kills++;
    }
    assert.ok(kills >= 3, `the process was killed mid-run ${kills} times`);
    assert.ok((await runChild(join(dataDir, 'data'), orgId, channelId, null)).finished);

    const deps = await buildDeps({ config: loadConfig({ DOSSIER_DATA_DIR: join(dataDir, 'data'), LOG_LEVEL: 'silent', ...TEST_LIMITS }), log: silentLogger });
    try {
      const contents = new Map<string, string>();
      for await (const file of walkFiles(src)) contents.set(relative(src, file), createHash('sha256').update(await readFile(file)).digest('hex'));
      const distinct = new Set(contents.values());
      assert.equal(distinct.size, n, 'every invoice once in the folder, copies aside');
      const inbox = await deps.db.selectFrom('inbox_items').select(['sha256', 'document_id']).where('channel_id', '=', channelId).execute();
      assert.equal(inbox.length, n, 'one inbox item per distinct document: none lost, none twice');
      assert.deepEqual(new Set(inbox.map((i) => i.sha256)), distinct);
      const documents = await deps.db.selectFrom('documents').select('id').execute();
      assert.equal(documents.length, n, 'no document without its inbox item (filed in one transaction)');
      const rows = await deps.db.selectFrom('channel_items').selectAll().where('channel_id', '=', channelId).where('state', '!=', 'gone').execute();
      assert.equal(rows.length, contents.size, 'one ledger row per file in the folder');
      for (const r of rows) {
        assert.ok(r.state === 'collected' || r.state === 'duplicate', `${r.path} is ${r.state}`);
        assert.equal(r.sha256, contents.get(r.path), `${r.path}: the ledger holds its bytes' hash`);
        assert.equal(r.claim_owner, null);
      }
      const runs = await deps.collect.runs.list(orgId, channelId, 100);
      assert.ok(runs.some((r) => r.status === 'interrupted'), 'the killed runs show as interrupted in the history');
    } finally {
      await deps.close();
    }
  });
});
