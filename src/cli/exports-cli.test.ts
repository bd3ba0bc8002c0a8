import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { loadConfig } from '../config/config.js';
import { silentLogger } from '../log/log.js';
import { buildDeps, type Deps } from '../main/deps.js';
import { bootstrapIfEmpty } from '../auth/bootstrap.js';
import { failExport } from '../catalog/exports.js';
import { dossierJson } from '../../test/helpers/cli.js';

const run = promisify(execFile);

/**
 * An export started through the API (here: the service the API calls) is followed and
 * downloaded from the command line, by another process sharing the database and the blobs.
 */
describe('dossier exports: following an export made as a job (CLI)', () => {
  let work = '';
  let dataDir = '';
  let deps: Deps;
  let orgId = '';
  let companyId = '';
  const dossier = (...args: string[]) => dossierJson(dataDir, ...args);

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'dossier-exports-cli-'));
    dataDir = join(work, 'data');
    // No worker here: the job is run by hand below, while the command waits for it.
    deps = await buildDeps({ config: loadConfig({ DOSSIER_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), log: silentLogger });
    ({ orgId, companyId } = (await bootstrapIfEmpty(deps.db))!);
    for (let i = 0; i < 5; i++) {
      await deps.vault.create(orgId, companyId, { type: 'invoice', number: `F-${i}`, date: '2024-03-0' + (i + 1), counterparty: 'Brico BV', amount: '12.10', currency: 'EUR', businessAccount: null },
        { body: Readable.from(Buffer.from(`%PDF-1.4 invoice ${i}`)), filename: `f-${i}.pdf`, mime: 'application/pdf' });
    }
  });
  after(async () => { await deps?.close(); await rm(work, { recursive: true, force: true }); });

  it('waits for a queued export, then downloads its ZIP checked against the recorded SHA-256', async () => {
    const made = await deps.exports.start(orgId, null, { companyId, from: '2024-01-01', to: '2024-12-31' });
    const waiting = dossier('exports', 'show', made.id, '--wait');
    // The command is polling a queued row; a worker makes the export meanwhile.
    await new Promise((r) => setTimeout(r, 1500));
    await deps.exports.runJob({ orgId, exportId: made.id });
    const shown = await waiting;
    assert.equal(shown.code, 0, JSON.stringify(shown));
    assert.equal(shown.state, 'done');
    assert.equal(shown.done, 5);

    const listed = await dossier('exports', 'list');
    assert.deepEqual(listed.exports.map((e: { id: string; state: string }) => [e.id, e.state]), [[made.id, 'done']]);

    const out = join(work, 'export.zip');
    const got = await dossier('exports', 'download', made.id, '--out', out);
    assert.equal(got.code, 0, JSON.stringify(got));
    const bytes = await readFile(out);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), got.sha256);
    assert.equal(bytes.length, got.size);
    const { stdout } = await run('unzip', ['-l', out]);
    assert.match(stdout, /index\.csv/);
    assert.match(stdout, /index\.json/);
    assert.equal((stdout.match(/\.pdf/g) ?? []).length, 5);
  });

  it('refuses a damaged stored ZIP and leaves no file under the name asked for', async () => {
    const made = await deps.exports.start(orgId, null, { companyId, from: '2024-03-01', to: '2024-03-02' });
    await deps.exports.runJob({ orgId, exportId: made.id });
    const row = await deps.exports.get(orgId, made.id);
    const blob = join(dataDir, 'blobs', row.sha256!.slice(0, 2), row.sha256!.slice(2, 4), row.sha256!);
    await chmod(blob, 0o644);
    const original = await readFile(blob);
    await writeFile(blob, Buffer.concat([original.subarray(0, original.length - 1), Buffer.from([original.at(-1)! ^ 0xff])]));
    const out = join(work, 'damaged.zip');
    const got = await dossier('exports', 'download', made.id, '--out', out);
    assert.equal(got.code, 1);
    assert.equal(got.error.code, 'conflict');
    assert.match(got.error.message, /damaged/);
    await assert.rejects(access(out));
    assert.deepEqual((await readdir(work)).filter((f) => f.startsWith('damaged')), [], 'no partial file either');
    await writeFile(blob, original);
  });

  it('says why a failed export cannot be downloaded, and an unknown one is not found', async () => {
    const made = await deps.exports.start(orgId, null, { companyId, from: '2024-01-01', to: '2024-01-31' });
    await failExport(deps.db, made.id, 'the blob store was full');
    const shown = await dossier('exports', 'show', made.id);
    assert.equal(shown.code, 1);
    assert.equal(shown.state, 'failed');
    assert.equal(shown.error, 'the blob store was full');
    const got = await dossier('exports', 'download', made.id, '--out', join(work, 'failed.zip'));
    assert.equal(got.code, 1);
    assert.match(got.error.message, /the blob store was full/);
    const unknown = await dossier('exports', 'show', 'exp_aaaaaaaaaaaaaaaaaaaa');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.error.code, 'not_found');
  });
});
