import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, signInAs, startWebWorld, type WebWorld, withoutChromium } from '../helpers/browser.js';
import { resources } from '../../web/src/i18n/index.js';

/**
 * Documents and the server's errors in Debian's Chromium: a drop is checked file by file by
 * content (an empty PDF and a program are refused with the reason, the good file still goes),
 * the server's errors read in the user's language, and sizes and sign-in failures say it right.
 */
const MESSAGE_KEY = /\b(apiErrors|errors|documents|common)\.[a-zA-Z_]+(\.[a-zA-Z_-]+)*\b/;

describe('documents and errors in the web app (Chromium)', async () => {
  if (await withoutChromium()) return;

  let w: WebWorld;
  let page: Page;
  const language = (l: string) => page.evaluate((v) => localStorage.setItem('dossier.language', v), l);
  before(async () => {
    w = await startWebWorld();
    page = await w.browser.context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${w.served.baseUrl}/sign-in`);
  });
  after(() => w?.close());

  it('a wrong password says the password is wrong, in the user\'s language, with no English from the server', async () => {
    await language('nl');
    await page.reload();
    await page.getByLabel('E-mailadres').fill(w.served.email);
    await page.getByRole('textbox', { name: 'Wachtwoord' }).fill('not-the-password');
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    const alert = page.getByRole('alert');
    await alert.getByText('Het e-mailadres of het wachtwoord klopt niet').waitFor();
    const text = await alert.innerText();
    assert.doesNotMatch(text, /in het Engels|not right/, 'the server\'s English stays out of a Dutch page');
    assert.doesNotMatch(text, /Meld u opnieuw aan/, 'a wrong password is not "sign in again"');
    assert.doesNotMatch(text, MESSAGE_KEY);
  });

  it('a drop of an empty PDF, a program and an invoice: the two are refused with the reason, the invoice goes on', async () => {
    await language('en');
    await page.reload();
    await signInAs(page, w.served.email, w.served.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Documents' }).click();
    const invoice = Buffer.from(`%PDF-1.4\n% invoice\n${'x'.repeat(800)}\n%%EOF\n`);
    await page.getByTestId('dropzone').locator('input[type=file]').setInputFiles([
      { name: 'empty.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(0) },
      { name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(600, 7)]) },
      { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: invoice },
    ]);
    const refused = page.getByTestId('refused-files');
    await refused.getByText('"empty.pdf" is empty (0 bytes): it was not uploaded.').waitFor();
    await refused.getByText('"setup.exe" is not a PDF, an XML file or an image: it was not uploaded.').waitFor();
    assert.match(await refused.innerText(), /These 2 files were not uploaded/);
    const dialog = page.getByRole('dialog');
    await dialog.getByText('invoice.pdf').waitFor();
    await dialog.getByLabel('Number').fill('F-835');
    await dialog.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('link', { name: 'F-835' }).waitFor();
    // The form closes with a transition; a form for a refused file would keep a dialog open.
    await page.getByRole('dialog').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
    assert.equal(await page.getByRole('dialog').count(), 0, 'no upload form for the refused files');
    const docs = (await w.served.call('GET', `/v1/documents?companyId=${w.served.companyId}`)).body.items;
    assert.deepEqual(docs.map((d: { number: string }) => d.number), ['F-835']);

    // The server refuses the same, whoever sends it.
    const status = await page.evaluate(async (companyId) => {
      const { csrfToken } = await (await fetch('/v1/session')).json();
      const form = new FormData();
      form.append('companyId', companyId); form.append('type', 'invoice'); form.append('date', '2024-03-14');
      form.append('file', new Blob([new Uint8Array([0x4d, 0x5a, 0x90, 0x00])]), 'invoice.pdf');
      const res = await fetch('/v1/documents', { method: 'POST', body: form, headers: { 'x-csrf-token': csrfToken } });
      return [res.status, (await res.json()).error.reason];
    }, w.served.companyId);
    assert.deepEqual(status, [400, 'file_type_refused']);

    // Its size, in words: 835 bytes, not "835 byte".
    await page.getByRole('link', { name: 'F-835' }).click();
    await page.getByText(`${invoice.length} bytes`, { exact: true }).waitFor();
    await language('fr');
    await page.reload();
    await page.getByText(`${invoice.length} octets`, { exact: true }).waitFor();
  });

  it('a refusal from the server reads in nl, fr and de with its values, without the server\'s English', async () => {
    // Inviting a user with an address already taken: one of the errors that came in English before.
    const taken = 'taken@example.com';
    assert.equal((await w.served.call('POST', '/v1/users', { email: taken, name: 'Taken', role: 'member', rights: [] })).status, 201);
    for (const l of ['nl', 'fr', 'de'] as const) {
      const m = resources[l].translation;
      await language(l);
      await page.goto(`${w.served.baseUrl}/users`);
      await page.getByRole('heading', { name: m.users.title, exact: true }).waitFor();
      await page.getByLabel(m.users.email).fill(taken);
      await page.getByRole('textbox', { name: new RegExp(`^${m.users.name}\\b`) }).fill('Twice');
      await page.getByRole('button', { name: m.users.send }).click();
      const alert = page.getByRole('alert');
      await alert.getByText(m.apiErrors.email_taken.replace('{{email}}', taken)).waitFor();
      const text = await alert.innerText();
      assert.ok(!text.includes(m.errors.details), `${l}: no "the server says (in English)"`);
      assert.doesNotMatch(text, /already exists|A user with/, `${l}: the server's English stays out`);
      assert.doesNotMatch(text, MESSAGE_KEY, l);
    }
    await language('en');
  });

  it('a phone: no internal id for a number, the whole language name, touch words instead of drag and drop, no sideways scroll', async () => {
    const s = w.served;
    const form = new FormData();
    for (const [k, v] of Object.entries({ companyId: s.companyId, type: 'receipt', date: '2024-03-15' })) form.append(k, v);
    form.append('file', new Blob([Buffer.from('%PDF-1.4\n% till receipt\n%%EOF\n')]), 'till-receipt.pdf');
    const made = await fetch(`${s.baseUrl}/v1/documents`, { method: 'POST', body: form, headers: { authorization: `Bearer ${s.apiKey}` } });
    assert.equal(made.status, 201);
    const phone = (await launchBrowser({ viewport: { width: 390, height: 844 }, touch: true }))!;
    try {
      const p = await phone.context.newPage();
      p.setDefaultTimeout(20_000);
      await p.goto(`${s.baseUrl}/sign-in?next=/documents`);
      await p.evaluate(() => localStorage.setItem('dossier.language', 'en'));
      await p.reload();
      await signInAs(p, s.email, s.password, 'Documents');
      await p.getByRole('link', { name: '(no number)' }).waitFor();
      assert.doesNotMatch(await p.locator('main').innerText(), /doc_[A-Za-z0-9]/, 'no internal id on screen');
      await p.getByText('Tap to choose documents').waitFor();
      assert.equal(await p.getByText('Drag documents here').isVisible(), false, 'no drag and drop on a touch screen');
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
      await p.evaluate(() => localStorage.setItem('dossier.language', 'nl'));
      await p.reload();
      await p.getByRole('heading', { name: 'Documenten' }).waitFor();
      const picker = p.getByTestId('language-picker');
      assert.equal(await picker.inputValue(), 'Nederlands');
      assert.ok(await picker.evaluate((el: HTMLInputElement) => el.scrollWidth <= el.clientWidth), 'the language name is shown whole');
    } finally {
      await phone.close();
    }
  });
});
