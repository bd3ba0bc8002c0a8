import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Served } from '../helpers/served.js';
import { launchBrowser, startWebWorld, type WebWorld, withoutChromium } from '../helpers/browser.js';
import { mailsTo } from '../helpers/outbox.js';
import { DUTCH_INVOICE, FRENCH_INVOICE, type InvoiceText } from '../../src/extract/ocr/testing/invoices.js';
import { resources } from '../../web/src/i18n/index.js';

/**
 * The inbox and the users in Debian's Chromium against a whole Dossier: two PDF invoices are
 * collected from a local folder channel; the admin walks the queue with the keyboard, corrects
 * a field and confirms; then invites a user, who opens the link from the development outbox,
 * chooses a password, is signed in, and is refused the inbox for want of the right.
 */
async function textPdf(invoice: InvoiceText): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  invoice.lines.forEach((line, i) => { if (line) page.drawText(line, { x: 50, y: 780 - i * 18, size: 11, font }); });
  return Buffer.from(await doc.save());
}

describe('the inbox and user invitations, end to end (Chromium)', async () => {
  if (await withoutChromium()) return;

  let world: WebWorld;
  let s: Served;
  let browser: WebWorld['browser'];
  let folder = '';
  before(async () => {
    world = await startWebWorld();
    ({ served: s, browser } = world);
    // The channel's folder, with two invoices as PDFs with a text layer (read by heuristics, so not every field is certain).
    folder = await mkdtemp(join(tmpdir(), 'dossier-inbox-src-'));
    await writeFile(join(folder, 'de-smet.pdf'), await textPdf(DUTCH_INVOICE));
    await writeFile(join(folder, 'dupont.pdf'), await textPdf(FRENCH_INVOICE));
    const admin = (await s.call('GET', '/v1/users/me')).body;
    const channel = await s.call('POST', '/v1/channels', { companyId: s.companyId, name: 'Scans', kind: 'local', folder, recipientId: admin.id, binderName: 'Purchases' });
    assert.equal(channel.status, 201, JSON.stringify(channel.body));
    const run = await s.call('POST', `/v1/channels/${channel.body.id}/run`, { confirm: true });
    assert.ok(run.status < 300, JSON.stringify(run.body));
    await s.deps.queue.idle();
    const items = (await s.call('GET', `/v1/inbox?companyId=${s.companyId}`)).body.items;
    assert.equal(items.length, 2, JSON.stringify(items));
  });
  after(async () => {
    await world?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });
  const shot = (page: Page, name: string) => world.shot(page, name);

  it('opens an item with its original beside the fields, walks the queue by keyboard, corrects a field and confirms', async () => {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${s.baseUrl}/sign-in?next=/inbox`);
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await page.reload();
    await page.getByLabel('E-mail address').fill(s.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(s.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();

    const queue = page.getByTestId('inbox-queue');
    await queue.getByRole('button').first().waitFor();
    assert.equal(await queue.getByRole('button').count(), 2);
    // The original, drawn by pdf.js beside the fields.
    const panel = page.getByTestId('inbox-item');
    await panel.getByRole('img', { name: /^Page 1 of 1 of / }).waitFor();
    const first = (await panel.getByRole('heading', { level: 2 }).innerText()).trim();

    // j moves to the next item, with a visible focus; k comes back.
    await page.locator('body').click({ position: { x: 5, y: 200 } });
    await page.keyboard.press('j');
    const second = queue.getByRole('button').nth(1);
    assert.equal(await second.getAttribute('aria-current'), 'true');
    assert.ok(await second.evaluate((el) => el === document.activeElement && getComputedStyle(el).outlineStyle !== 'none'), 'the focused item shows its focus');
    await page.waitForFunction((name) => document.querySelector('[data-testid=inbox-item] h2')?.textContent !== name, first);
    await page.keyboard.press('k');
    await page.waitForFunction((name) => document.querySelector('[data-testid=inbox-item] h2')?.textContent === name, first);

    const item = (await s.call('GET', `/v1/inbox?companyId=${s.companyId}`)).body.items.find((i: { filename: string }) => i.filename === first);
    const low = Object.entries(item.fields as Record<string, { confidence: number }>).filter(([, f]) => f.confidence < 0.8).map(([n]) => n);
    assert.equal(await panel.locator('input[data-low], select[data-low]').count(), low.length, `low-confidence fields: ${low.join(', ')}`);
    await panel.getByRole('img', { name: /^Page 1 of 1 of / }).waitFor();
    await shot(page, 'inbox');

    const number = panel.getByRole('textbox', { name: 'Number', exact: true });
    await number.fill('CORRECTED-1');
    await panel.getByRole('button', { name: 'Confirm and next' }).click();
    await page.getByText('Confirmed.').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=inbox-queue] button').length === 1);
    const done = (await s.call('GET', `/v1/inbox/${item.id}`)).body;
    assert.equal(done.status, 'done');
    assert.equal(done.fields.number.value, 'CORRECTED-1');
    assert.equal(done.fields.number.confidence, 1);
    assert.equal(done.fields.number.provenance.kind, 'user');
    assert.ok(Object.values(done.fields as Record<string, { confidence: number }>).every((f) => f.confidence === 1), 'confirming made every field certain');

    // On a phone the same page stacks the queue above the item, without sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('region', { name: 'Filters' }).locator('label', { hasText: /^Done$/ }).click();
    await panel.getByRole('heading', { name: first }).waitFor();
    await panel.getByRole('img', { name: /^Page 1 of 1 of / }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
    await shot(page, 'inbox-phone');

    // Every language names the page and its filters without a missing message.
    for (const language of ['nl', 'fr', 'de'] as const) {
      const messages = resources[language].translation;
      await page.evaluate((l) => localStorage.setItem('dossier.language', l), language);
      await page.reload();
      await page.getByRole('heading', { name: messages.inbox.title, exact: true }).waitFor();
      assert.doesNotMatch(await page.locator('body').innerText(), /\b(inbox|users|join)\.[a-zA-Z_]+/, `${language}: a message key shows`);
    }
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.close();
  });

  it('offers the kind of document as a choice of the kinds the reader tells apart, in each language', async () => {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(30_000);
    const kindOf = async (language: 'en' | 'nl' | 'fr' | 'de') => {
      const messages = resources[language].translation;
      await page.goto(`${s.baseUrl}/inbox`);
      await page.evaluate((l) => localStorage.setItem('dossier.language', l), language);
      await page.reload();
      const panel = page.getByTestId('inbox-item');
      await panel.getByRole('heading', { level: 2 }).waitFor();
      const kind = panel.getByLabel(messages.inbox.fields.documentType, { exact: true });
      assert.equal(await kind.evaluate((e) => e.tagName), 'SELECT', `${language}: the kind is a choice, not a text box`);
      const options = await kind.locator('option').evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
      assert.deepEqual(options, [['invoice', messages.inbox.kinds.invoice], ['credit_note', messages.inbox.kinds.credit_note]], language);
      return { panel, kind, messages };
    };
    for (const language of ['nl', 'fr', 'de'] as const) await kindOf(language);

    const { panel, kind } = await kindOf('en');
    const shown = (await panel.getByRole('heading', { level: 2 }).innerText()).trim();
    const item = (await s.call('GET', `/v1/inbox?companyId=${s.companyId}`)).body.items.find((i: { filename: string }) => i.filename === shown);
    assert.equal(item.fields.documentType?.value, 'invoice', 'the reader took the collected PDF for an invoice');
    assert.equal(await kind.inputValue(), 'invoice');
    await kind.selectOption({ label: 'Credit note' });
    await panel.getByRole('button', { name: 'Save corrections' }).click();
    await page.waitForFunction(async (id) => (await (await fetch(`/v1/inbox/${id}`)).json()).fields.documentType.value === 'credit_note', item.id);
    const saved = (await s.call('GET', `/v1/inbox/${item.id}`)).body.fields.documentType;
    assert.deepEqual([saved.value, saved.confidence, saved.provenance.kind], ['credit_note', 1, 'user']);
    // The API takes no other kind either.
    const odd = await s.call('PATCH', `/v1/inbox/${item.id}`, { fields: { documentType: 'invoicee' } });
    assert.equal(odd.status, 400);
    assert.equal(odd.body.error.reason, 'choice_unknown');
    await page.close();
  });

  it('invites a user, who sets a password from the mailed link, is signed in, and is refused the inbox without the right', async () => {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${s.baseUrl}/users`);
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await page.getByLabel('E-mail address').fill('clerk@example.com');
    await page.getByLabel('Name').fill('Clerk');
    await page.getByLabel('Set up collection').check();
    await page.getByRole('button', { name: 'Send the invitation' }).click();
    await page.getByText('The invitation is on its way to clerk@example.com.', { exact: false }).waitFor();
    await page.getByTestId('users').getByText('Invited').waitFor();
    await shot(page, 'users');
    await page.close();

    const mail = (await mailsTo(s.deps.config.dataDir, 'clerk@example.com')).at(-1);
    assert.ok(mail, 'the invitation is in the development outbox');
    const link = /http:\/\/\S+\/join\/dui_[A-Za-z0-9_-]+/.exec(mail)?.[0];
    assert.ok(link, mail);

    // The invited person's own browser: no session, only the link.
    const theirs = (await launchBrowser())!;
    try {
      const p = await theirs.context.newPage();
      p.setDefaultTimeout(30_000);
      await p.goto(link);
      await p.getByRole('heading', { name: 'Welcome to' }).waitFor();
      await p.getByText('Choose a password for clerk@example.com').waitFor();
      await p.getByRole('textbox', { name: 'Password', exact: true }).fill('clerk password 2026');
      await p.getByRole('textbox', { name: 'Repeat the password' }).fill('clerk password 2026');
      await p.getByRole('button', { name: 'Set the password and sign in' }).click();
      // Signed in, on the overview like every sign-in.
      await p.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
      await p.getByTestId('user-menu').getByText('clerk@example.com').waitFor();

      // The menu offers the clerk no inbox; typed in, the page says why it shows nothing.
      const menu = p.getByRole('navigation', { name: 'Main' });
      await menu.getByRole('link', { name: 'Collection' }).waitFor();
      assert.equal(await menu.getByRole('link', { name: 'Inbox' }).count(), 0);
      assert.equal(await menu.getByRole('link', { name: 'Users' }).count(), 0);
      await p.goto(`${s.baseUrl}/inbox`);
      await p.getByRole('alert').getByText('No access to the inbox').waitFor();
      assert.equal(await p.getByTestId('inbox-item').count(), 0);
      const status = await p.evaluate(async () => (await fetch('/v1/inbox')).status);
      assert.equal(status, 403, 'the server refuses the inbox itself');

      // The link worked once.
      await p.goto(link);
      await p.getByRole('heading', { name: 'This link does not work' }).waitFor();
      await p.getByText('already used').waitFor();
    } finally {
      await theirs.close();
    }
  });
});
