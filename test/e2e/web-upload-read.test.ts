import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, signInAs, startWebWorld, type WebWorld, withoutChromium } from '../helpers/browser.js';
import { SAMPLE_INVOICES, textPdf } from '../helpers/invoice-pdfs.js';
import { en } from '../../web/src/i18n/locales/en.js';
import { nl } from '../../web/src/i18n/locales/nl.js';
import { fr } from '../../web/src/i18n/locales/fr.js';
import { de } from '../../web/src/i18n/locales/de.js';

/**
 * The upload form on a phone, in Debian's Chromium: a drop of two supplier documents opens a
 * form per file, each already filled from what its file says (type, date, number, supplier,
 * amount, currency), every read value marked as read or to be checked, in the user's language;
 * the user confirms and what is stored is what the form showed.
 */
const MESSAGES = { nl, fr, de, en } as const;
const MESSAGE_KEY = /\b(uploadRead|documents|common)\.[a-zA-Z_]+\b/;

describe('upload prefill from the reader (Chromium, 390 px)', async () => {
  if (await withoutChromium()) return;

  let w: WebWorld;
  let phone: NonNullable<Awaited<ReturnType<typeof launchBrowser>>>;
  let page: Page;
  before(async () => {
    w = await startWebWorld();
    phone = (await launchBrowser({ viewport: { width: 390, height: 844 }, touch: true }))!;
    page = await phone.context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${w.served.baseUrl}/sign-in`);
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await page.reload();
    await signInAs(page, w.served.email, w.served.password);
    await page.goto(`${w.served.baseUrl}/documents`); // sign-in lands on the overview
  });
  after(async () => { await phone?.close(); await w?.close(); });

  for (const language of ['nl', 'fr', 'de', 'en'] as const) {
    it(`${language}: each dropped file is read and its form filled, for the user to confirm`, async () => {
      const m = MESSAGES[language];
      await page.evaluate((l) => localStorage.setItem('dossier.language', l), language);
      await page.reload();
      await page.getByRole('heading', { name: m.documents.title }).waitFor();
      const samples = SAMPLE_INVOICES[language];
      await page.getByTestId('dropzone').locator('input[type=file]').setInputFiles(await Promise.all(samples.map(async (s, i) => (
        { name: `${language}-${i}.pdf`, mimeType: 'application/pdf', buffer: await textPdf(s.lines) }))));

      for (const [i, sample] of samples.entries()) {
        const dialog = page.getByRole('dialog');
        await dialog.getByText(`${language}-${i}.pdf`).waitFor();
        await dialog.getByText(m.uploadRead.filled).waitFor();
        const field = (label: string) => dialog.getByLabel(label, { exact: true });
        const e = sample.expect;
        assert.equal(await field(m.documents.number).inputValue(), e.number);
        assert.equal(await dialog.locator('input[type=date]').inputValue(), e.date);
        assert.equal(await field(m.documents.counterparty).inputValue(), e.counterparty);
        assert.equal(await field(m.documents.amount).inputValue(), e.amount);
        assert.equal(await field(m.documents.currency).inputValue(), e.currency);
        assert.equal(await field(m.documents.type).inputValue(), m.documents.types[e.type as keyof typeof m.documents.types]);
        // Every read value says whether it can be trusted as it is.
        const marked = await dialog.getByText(m.uploadRead.fromFile).count() + await dialog.getByText(m.uploadRead.check).count();
        assert.equal(marked, 6, 'each of the six read fields is marked as read or to be checked');
        const text = await dialog.innerText();
        assert.doesNotMatch(text, MESSAGE_KEY, 'no untranslated message key');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the form is ${overflow}px wider than a phone`);
        await dialog.getByRole('button', { name: m.documents.upload }).click();
        await page.getByText(m.documents.uploaded.replace('{{name}}', `${language}-${i}.pdf`)).waitFor();
      }

      const docs = (await w.served.call('GET', `/v1/documents?companyId=${w.served.companyId}&limit=500`)).body.items as Array<Record<string, unknown>>;
      for (const sample of samples) {
        const stored = docs.find((d) => d.number === sample.expect.number);
        assert.ok(stored, `${sample.expect.number} is stored`);
        for (const [k, v] of Object.entries(sample.expect)) assert.equal(stored[k], v, `${sample.expect.number}: ${k}`);
      }
    });
  }

  it('a value the user types before the reading arrives is kept', async () => {
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await page.reload();
    // Hold the reading back until the user has typed.
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    await page.route('**/v1/extract', async (route) => { await held; await route.continue(); });
    await page.getByTestId('dropzone').locator('input[type=file]').setInputFiles([
      { name: 'typed.pdf', mimeType: 'application/pdf', buffer: await textPdf(SAMPLE_INVOICES.en[0].lines) }]);
    const dialog = page.getByRole('dialog');
    await dialog.getByText(en.uploadRead.reading).waitFor();
    await dialog.getByLabel(en.documents.number).fill('MY-OWN-1');
    release();
    await dialog.getByText(en.uploadRead.filled).waitFor();
    assert.equal(await dialog.getByLabel(en.documents.number).inputValue(), 'MY-OWN-1', 'the typed number stays');
    assert.equal(await dialog.getByLabel(en.documents.counterparty).inputValue(), 'Northwind Supplies Ltd', 'the rest is filled');
    await page.unroute('**/v1/extract');
    await dialog.getByRole('button', { name: en.common.cancel }).click();
  });
});
