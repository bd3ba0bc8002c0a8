import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { signInAs, startWebWorld, type WebWorld, withoutChromium } from '../helpers/browser.js';
import { resources } from '../../web/src/i18n/index.js';

/** A PDF of `pages` pages, each with these lines of text. */
async function textPdf(lines: string[], pages = 1): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let n = 0; n < pages; n++) {
    const page = doc.addPage([595, 842]);
    [...lines, `Page ${n + 1}`].forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 18, size: 11, font }));
  }
  return Buffer.from(await doc.save());
}

/**
 * The Documents page in Debian's Chromium against a whole Dossier: two PDFs collected from a
 * client's folder; searching a word of one's text, sorting by amount, marking both done at
 * once, paging and zooming the original, and the type as a select; then every language on a phone.
 */
describe('the documents page, end to end (Chromium)', async () => {
  if (await withoutChromium()) return;

  let world: WebWorld;
  let roots = '';
  before(async () => {
    roots = await mkdtemp(join(tmpdir(), 'dossier-docs-'));
    world = await startWebWorld({ DOSSIER_LOCAL_ROOTS: roots });
    const s = world.served;
    const scans = join(roots, 'scans');
    await mkdir(scans);
    await writeFile(join(scans, 'office.pdf'), await textPdf(['Factuur K-100', 'Kantoorbenodigdheden: balpennen', 'Totaal 48,40 EUR'], 3));
    await writeFile(join(scans, 'coffee.pdf'), await textPdf(['Rechnung R-200', 'Kaffeebohnen', 'Gesamt 900,00 EUR']));
    const admin = (await s.call('GET', '/v1/users/me')).body;
    const channel = await s.call('POST', '/v1/channels', { companyId: s.companyId, name: 'Scans', kind: 'local', folder: scans, recipientId: admin.id, binderName: 'Purchases' });
    assert.equal(channel.status, 201, JSON.stringify(channel.body));
    assert.equal((await s.call('POST', `/v1/channels/${channel.body.id}/run`, { confirm: true })).status, 202);
    await s.deps.queue.idle();
  });
  after(async () => {
    await world?.close();
    if (roots) await rm(roots, { recursive: true, force: true });
  });

  it('searches the text, sorts, marks two done at once, pages and zooms the original, and picks the type; in every language on a phone', async () => {
    const s = world.served;
    const page = await world.browser.context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${s.baseUrl}/sign-in`);
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await page.reload();
    await signInAs(page, s.email, s.password);
    await page.goto(`${s.baseUrl}/documents`); // sign-in lands on the overview
    const rows = page.locator('tbody tr');
    await rows.nth(1).waitFor();
    assert.equal(await rows.count(), 2);

    await page.getByRole('searchbox', { name: 'Search documents' }).fill('balpennen');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    await page.getByRole('searchbox', { name: 'Search documents' }).fill('');
    await rows.nth(1).waitFor();

    await page.getByRole('button', { name: /^Amount/ }).click();
    await page.waitForFunction(() => document.querySelector('th[aria-sort="ascending"]') !== null);
    await page.getByRole('button', { name: /^Amount/ }).click();
    await page.waitForFunction(() => document.querySelector('th[aria-sort="descending"]') !== null);
    await page.waitForFunction(() => document.querySelector('tbody tr')?.textContent?.includes('900') ?? false);

    await page.getByRole('checkbox', { name: 'Select every document shown' }).check();
    await page.getByTestId('bulk-actions').getByText('2 documents selected').waitFor();
    await page.getByRole('button', { name: 'Mark done in the inbox' }).click();
    await page.getByRole('dialog').getByText('These 2 documents are marked done in the inbox').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('bulk-result').getByText('2 documents done').waitFor();
    const inbox = (await s.call('GET', '/v1/inbox')).body.items as Array<{ status: string }>;
    assert.deepEqual(inbox.map((i) => i.status), ['done', 'done']);

    await page.getByRole('searchbox', { name: 'Search documents' }).fill('balpennen');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    await page.locator('tbody tr a').first().click();
    const toolbar = page.getByTestId('pdf-toolbar');
    await toolbar.getByText('Page 1 of 3').waitFor();
    await toolbar.getByRole('button', { name: 'Next page' }).click();
    await toolbar.getByText('Page 2 of 3').waitFor();
    const width = async () => page.locator('[data-testid=pdf-pages] canvas').evaluate((c) => c.getBoundingClientRect().width);
    const before = await width();
    await toolbar.getByRole('button', { name: 'Zoom in' }).click();
    await toolbar.getByText('Zoom: 125%').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=pdf-pages] canvas')?.getAttribute('data-zoom') === '1.25');
    assert.ok((await width()) > before * 1.2, 'the page is drawn larger');

    await page.getByRole('button', { name: 'Edit the details' }).click();
    const type = page.getByTestId('document-edit').getByLabel('Type');
    assert.equal(await type.evaluate((e) => e.tagName), 'SELECT', 'the type is a choice');
    await type.selectOption('purchase_invoice');
    await page.getByRole('button', { name: 'Save the details' }).click();
    await page.getByText('The details are saved as a new version.').waitFor();
    await page.getByRole('heading', { name: /^Purchase invoice/ }).waitFor();

    await page.goto(`${s.baseUrl}/documents`);
    await page.setViewportSize({ width: 390, height: 844 });
    for (const language of ['nl', 'fr', 'de', 'en'] as const) {
      const messages = resources[language].translation;
      await page.evaluate((l) => localStorage.setItem('dossier.language', l), language);
      await page.reload();
      await page.getByRole('heading', { name: messages.documents.title, exact: true }).waitFor();
      await page.locator('tbody tr').nth(1).waitFor();
      await page.locator('tbody input[type=checkbox]').first().check();
      await page.getByTestId('bulk-actions').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${language}: the page is ${overflow}px wider than a phone`);
      assert.doesNotMatch(await page.locator('body').innerText(), /\b(documents|documentList|documentSearch|bulk|preview|common)\.[a-zA-Z_]+/, `${language}: a message key shows`);
    }
    await page.close();
  });
});
