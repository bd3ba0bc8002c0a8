import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Served } from '../helpers/served.js';
import { startWebWorld, type WebWorld, withoutChromium } from '../helpers/browser.js';

const run = promisify(execFile);

/**
 * The export panel of the Activity page in Debian's Chromium: a period the server refuses says
 * why in the user's language; a good one is made as a job, followed to "ready", and the ZIP
 * downloaded by the browser holds the period's originals and their index.
 */
describe('the export for the accountant, from the Activity page (Chromium)', async () => {
  if (await withoutChromium()) return;

  let world: WebWorld;
  let s: Served;
  let work = '';
  const upload = async (number: string, date: string) => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ companyId: s.companyId, type: 'invoice', number, date })) form.append(k, v);
    form.set('file', new Blob([Buffer.from(`%PDF-1.4 invoice ${number}\n%%EOF\n`)], { type: 'application/pdf' }), `${number}.pdf`);
    const res = await fetch(`${s.baseUrl}/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${s.apiKey}` }, body: form });
    assert.equal(res.status, 201, await res.text());
  };
  before(async () => {
    world = await startWebWorld();
    s = world.served;
    work = await mkdtemp(join(tmpdir(), 'dossier-web-export-'));
    await upload('E-1', '2024-02-01');
    await upload('E-2', '2024-07-15');
    await upload('LATER-1', '2025-01-10'); // outside the period
  });
  after(async () => {
    await world?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('refuses a reversed period in German, then makes, follows and downloads the export', async () => {
    const page = await world.browser.context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${s.baseUrl}/sign-in?next=${encodeURIComponent('/activity')}`);
    await page.evaluate(() => localStorage.setItem('dossier.language', 'de'));
    await page.reload();
    await page.getByLabel('E-Mail-Adresse').fill(s.email);
    await page.getByRole('textbox', { name: 'Passwort' }).fill(s.password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    const panel = page.getByTestId('export-panel');
    await panel.getByRole('heading', { name: 'Export für Steuerberater oder Prüfer' }).waitFor();

    // The two dates, "Belege datiert vom" and "bis", in that order.
    const days = panel.locator('input[type=date]');
    await days.nth(0).fill('2024-12-31');
    await days.nth(1).fill('2024-01-01');
    await panel.getByRole('button', { name: 'Export erstellen' }).click();
    await panel.getByText('Der erste Tag des Exports liegt nach dem letzten: Tauschen Sie die beiden.').waitFor();

    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await page.reload();
    await page.getByTestId('export-panel').getByRole('heading', { name: 'Export for the accountant or auditor' }).waitFor();
    const en = page.getByTestId('export-panel');
    await en.getByLabel('Documents dated from').fill('2024-01-01');
    await en.locator('input[type=date]').nth(1).fill('2024-12-31');
    await en.getByRole('button', { name: 'Make the export' }).click();
    await en.getByText(/^Ready: 2 files of 2 documents/).waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), en.getByRole('link', { name: 'Download the ZIP' }).click()]);
    const zip = join(work, 'export.zip');
    await download.saveAs(zip);
    const made = (await s.call('GET', '/v1/exports')).body;
    const row = (made.items ?? made)[0];
    assert.equal(createHash('sha256').update(await readFile(zip)).digest('hex'), row.sha256, 'the browser got the ZIP that was made');
    const { stdout } = await run('unzip', ['-l', zip]);
    assert.match(stdout, /index\.csv/);
    assert.match(stdout, /index\.json/);
    assert.match(stdout, /audit\.jsonl/);
    assert.match(stdout, /E-1\.pdf/);
    assert.match(stdout, /E-2\.pdf/);
    assert.doesNotMatch(stdout, /LATER-1/, 'a document outside the period stays out');
    await page.close();
  });
});
