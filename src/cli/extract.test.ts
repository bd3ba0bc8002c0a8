import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** The real `dossier extract`, spawned on files in a temp folder; it needs no database. */
const repo = join(import.meta.dirname, '..', '..');

function dossier(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DOSSIER_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, 'bin', 'dossier.js'), ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir = '';

describe('dossier extract', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dossier-extract-'));
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const page = doc.addPage([595, 842]);
    ['Atelier Leroy SRL', 'FACTURE', 'N° de facture : F-2024-9', 'Date : 14/03/2024', 'N° TVA : BE0123.456.749', 'Total TTC : 1 815,00 €']
      .forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 14, size: 10, font }));
    await writeFile(join(dir, 'facture.pdf'), await doc.save());
    await writeFile(join(dir, 'broken.pdf'), '%PDF-1.7\n1 0 obj << /Type /Catalog');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('prints the Extraction as one JSON document', async () => {
    const r = await dossier('extract', join(dir, 'facture.pdf'), '--json');
    assert.equal(r.code, 0, r.stderr);
    const x = JSON.parse(r.stdout);
    assert.equal(x.ok, true);
    assert.equal(x.source, 'pdf-text');
    assert.equal(x.fields.number.value, 'F-2024-9');
    assert.equal(x.fields.sellerVatId.value, 'BE0123456749');
    assert.deepEqual(x.fields.issueDate.provenance.kind, 'text');
  });

  it('prints a typed failure as JSON with exit code 1, and a table for people otherwise', async () => {
    const r = await dossier('extract', join(dir, 'broken.pdf'), '--json');
    assert.equal(r.code, 1);
    const x = JSON.parse(r.stdout);
    assert.equal(x.ok, false);
    assert.equal(x.reason, 'malformed');
    const human = await dossier('extract', join(dir, 'facture.pdf'));
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /Read as pdf-text, 1 page\./);
    assert.match(human.stdout, /number\s+F-2024-9\s+0\.\d\d/);
  });

  it('says so when the file does not exist (usage error, exit 2)', async () => {
    const r = await dossier('extract', join(dir, 'missing.pdf'), '--json');
    assert.equal(r.code, 2);
    assert.match(JSON.parse(r.stdout).error.message, /There is no file/);
  });
});
