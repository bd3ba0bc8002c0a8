import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { loadConfig } from '../config/config.js';
import { silentLogger } from '../log/log.js';
import { buildDeps } from '../main/deps.js';
import { bootstrapIfEmpty } from '../auth/bootstrap.js';
import { recordAudit } from '../audit/log.js';
import { entryHash } from '../domain/audit.js';
import { dossierJson } from '../../test/helpers/cli.js';

const run = promisify(execFile);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('an export of 1,000 documents unzips with the unzip command, and every hash in the index matches its file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dossier-export-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const dataDir = join(dir, 'data');
  const deps = await buildDeps({ config: loadConfig({ DOSSIER_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), log: silentLogger });
  const first = (await bootstrapIfEmpty(deps.db))!;
  for (let i = 0; i < 1000; i++) {
    const xml = i % 10 === 0;
    const body = Buffer.from(xml ? `<?xml version="1.0"?><Invoice><ID>F-${i}</ID></Invoice>` : `%PDF-1.4 invoice ${i} ${'x'.repeat(i)}`);
    const meta = { type: 'invoice' as const, number: `F/${i}`, date: `2024-${String(1 + (i % 12)).padStart(2, '0')}-10`, counterparty: 'Client "NV", Gent', amount: '10.00', currency: 'EUR', businessAccount: null };
    await deps.vault.create(first.orgId, first.companyId, meta, { body: Readable.from(body), filename: xml ? `f-${i}.xml` : `f-${i}.pdf`, mime: xml ? 'application/xml' : 'application/pdf' });
  }
  // One document outside the period stays out.
  await deps.vault.create(first.orgId, first.companyId, { type: 'invoice', number: 'LATE', date: '2025-02-01', counterparty: null, amount: null, currency: null, businessAccount: null },
    { body: Readable.from(Buffer.from('%PDF late')), filename: 'late.pdf', mime: 'application/pdf' });
  await recordAudit(deps.db, first.orgId, { type: 'audit.head', actor: { kind: 'system', id: null } });
  await deps.close();

  const zip = join(dir, 'export.zip');
  const made = await dossierJson(dataDir, 'export', '--from', '2024-01-01', '--to', '2024-12-31', '--out', zip);
  assert.equal(made.code, 0, JSON.stringify(made));
  assert.deepEqual([made.documents, made.files], [1000, 1000]);

  const out = join(dir, 'unzipped');
  await run('unzip', ['-q', zip, '-d', out]);
  const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as { files: Array<{ path: string; sha256: string; size: number; number: string }> };
  assert.equal(index.files.length, 1000);
  assert.ok(!index.files.some((f) => f.number === 'LATE'));
  for (const f of index.files) {
    const bytes = await readFile(join(out, f.path));
    assert.equal(sha256(bytes), f.sha256, f.path);
    assert.equal(bytes.length, f.size);
  }
  const csv = (await readFile(join(out, 'index.csv'), 'utf8')).trim().split('\r\n');
  assert.equal(csv.length, 1001);
  assert.match(csv[1]!, /"Client ""NV"", Gent"/);

  // The audit entries chain, each hash recomputed from the file alone.
  const entries = (await readFile(join(out, 'audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  // Each exported document's entries (written today, outside 2024); not the late document's, nor today's head.
  assert.equal(entries.length, 1000);
  assert.ok(entries.every((e) => e.type === 'document.version_received'));
  for (const [i, e] of entries.entries()) {
    assert.equal(entryHash({ orgId: e.org_id, seq: e.seq, at: e.at, type: e.type, actorKind: e.actor_kind, actorId: e.actor_id, objectType: e.object_type,
      objectId: e.object_id, companyId: e.company_id, details: e.details, prevHash: e.prev_hash }), e.hash);
    if (i > 0 && entries[i - 1].seq === e.seq - 1) assert.equal(e.prev_hash, entries[i - 1].hash);
  }
  assert.match(await readFile(join(out, 'VERIFY.txt'), 'utf8'), /sha256sum/);
});
