import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { startServed, type Served } from '../helpers/served.js';
import { buildWebApp, launchBrowser, screenshotDir, signInAs, withoutChromium } from '../helpers/browser.js';
import { connectLinks } from '../helpers/outbox.js';
import { ublInvoice } from '../helpers/collect.js';
import { setPassword } from '../../src/auth/sessions.js';
import { resources } from '../../web/src/i18n/index.js';

/**
 * Collection in Debian's Chromium against a whole Dossier with the sandbox OneDrive: an admin
 * creates a channel, the invitation lands in the development outbox, the client opens its link
 * with no account, consents on the sandbox's page and picks the folder; the admin runs the
 * channel now, confirms, and opens the Inbox, where the document shows its fields beside the
 * original. A user without the right sees no button and the API refuses them.
 */
const MESSAGE_KEY = /\b(app|nav|common|state|destination|collect)\.[a-zA-Z_]+(\.[a-zA-Z_-]+)*\b/;

describe('collection in the web app, end to end (Chromium, sandbox OneDrive)', async () => {
  if (await withoutChromium()) return;

  let s: Served;
  let web: Awaited<ReturnType<typeof buildWebApp>>;
  let shots: Awaited<ReturnType<typeof screenshotDir>>;
  let browser: NonNullable<Awaited<ReturnType<typeof launchBrowser>>>;
  let context: BrowserContext;
  let channelId = '';
  before(async () => {
    web = await buildWebApp();
    s = await startServed({}, { webRoot: web.root });
    shots = await screenshotDir();
    browser = (await launchBrowser())!;
    context = browser.context;
  });
  after(async () => {
    await browser?.close();
    await s?.close();
    await web?.remove();
    await shots?.remove();
  });
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots.dir, `${name}.png`), fullPage: true });

  const signIn = async (page: Page, email: string, password: string) => {
    await page.goto(`${s.baseUrl}/sign-in`);
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await page.reload();
    await signInAs(page, email, password);
  };

  it('creates a channel, the client connects the folder from the mailed link, run now files the document in the inbox', async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await signIn(page, s.email, s.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Collection' }).click();
    await page.getByRole('heading', { name: 'Collection channels' }).waitFor();
    await page.getByRole('link', { name: 'New channel' }).click();

    // The form, with the keyboard where a person would use it.
    await page.getByLabel('OneDrive').check();
    await page.getByRole('textbox', { name: /^Name\W*$/ }).fill('Anna OneDrive');
    await page.getByLabel(/^Name of the new binder/).fill('Purchases');
    await page.getByLabel(/^Client's e-mail address/).fill('anna@example.com');
    await page.getByLabel(/^Client's name/).fill('Anna');
    await page.getByLabel(/^Daily collection time/).fill('07:30');
    await shot(page, 'channel-new');
    await page.getByRole('button', { name: 'Create the channel' }).click();
    await page.waitForURL(/\/collection\/chn_/);
    channelId = page.url().split('/collection/')[1]!;
    await page.getByTestId('invitation').getByText('Waiting for the client: sent to anna@example.com').waitFor();
    assert.ok(await page.getByRole('button', { name: 'Run now' }).isDisabled(), 'nothing to run before the client connects');

    // The client's OneDrive has a folder of invoices.
    const drive = s.deps.sandbox!.graph.state.drive('anna');
    const invoices = drive.createFolder(drive.get(drive.rootId), 'Invoices', 'fail');
    drive.createFolder(drive.get(drive.rootId), 'Private', 'fail');
    drive.putFile(invoices, 'first.xml', ublInvoice({ number: 'ANNA-1' }), 'replace');

    // The client: a browser with no session opens the link from the e-mail.
    const link = (await connectLinks(s.deps.config.dataDir)).at(-1)!;
    assert.ok(link, 'the invitation is in the development outbox');
    const client = await launchBrowser({ viewport: { width: 390, height: 844 } });
    try {
      const cp = await client!.context.newPage();
      cp.setDefaultTimeout(20_000);
      await cp.goto(link);
      await cp.waitForURL(/\/invite\/dci_/);
      await cp.getByRole('heading', { name: 'Connect your OneDrive folder' }).waitFor();
      await shot(cp, 'invitation-connect');
      await cp.getByRole('button', { name: 'Connect OneDrive' }).click();
      await cp.waitForURL(/\/sandbox\//);
      await cp.getByLabel('Signed in as').fill('anna');
      await cp.getByRole('button', { name: 'Allow' }).click();
      await cp.waitForURL((u) => u.pathname.startsWith('/invite/dci_') && !u.searchParams.has('connection'));
      await cp.getByRole('button', { name: 'Invoices' }).click();
      await cp.getByRole('button', { name: 'Select current folder' }).click();
      await cp.getByText('Selected: /Invoices').waitFor();
      const overflow = await cp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the client's page is ${overflow}px wider than a phone`);
      await shot(cp, 'invitation-folder');
      await cp.getByRole('button', { name: 'Collect from this folder' }).click();
      await cp.getByText('the documents in this folder are now collected for My company').waitFor();
    } finally {
      await client?.close();
    }

    // Back with the admin: the page saw the first run end on the event stream, without a reload.
    await page.getByTestId('invitation').getByText(/Connected: the client chose the folder/).waitFor();
    await page.getByTestId('files-collected').getByText('1').waitFor();

    // A new invoice arrives in the client's folder; run now, confirm.
    drive.putFile(invoices, 'second.xml', ublInvoice({ number: 'ANNA-2', seller: 'Paper Supplies NV', total: '242.00' }), 'replace');
    await page.getByRole('button', { name: 'Run now' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run the collection now?' });
    await dialog.getByText('Dossier looks in the folder of "Anna OneDrive" now').waitFor();
    await dialog.getByRole('button', { name: 'Run' }).click();
    await page.getByText('The collection of "Anna OneDrive" was started').waitFor();
    await page.getByTestId('files-collected').getByText('2').waitFor();
    await page.getByTestId('run-history').getByRole('button', { name: /By hand/ }).click();
    const files = page.getByRole('table', { name: 'Files of this run' });
    await files.getByText('second.xml').waitFor();
    assert.equal(await files.getByRole('row').count(), 2, 'the header and the one new file');
    // The panel opens with a transition: the picture is taken once the table is wholly inside it.
    await page.waitForFunction(() => {
      const table = document.querySelector('[aria-label="Files of this run"]');
      const item = table?.closest('.mantine-Accordion-item');
      return !!table && !!item && table.getBoundingClientRect().bottom <= item.getBoundingClientRect().bottom;
    });
    await shot(page, 'channel');

    // The document is in the inbox, with what was read from it.
    await s.deps.queue.idle(); // read by its job
    const inbox = (await s.call('GET', `/v1/inbox?companyId=${s.companyId}`)).body.items as Array<{ channelId: string; fields: Record<string, { value: unknown }>; binderId: string }>;
    const item = inbox.find((i) => i.fields.number?.value === 'ANNA-2');
    assert.ok(item, JSON.stringify(inbox.map((i) => i.fields.number)));
    assert.equal(item.channelId, channelId);
    assert.equal(item.fields.sellerName?.value, 'Paper Supplies NV');
    assert.equal(item.fields.issueDate?.value, '2024-03-14');
    assert.equal(item.fields.totalWithVat?.value, '242.00');
    const binders = (await s.call('GET', `/v1/binders?companyId=${s.companyId}`)).body.items;
    assert.equal(binders.find((b: { id: string }) => b.id === item.binderId)?.name, 'Purchases');

    // The admin opens the Inbox: the new item, its fields as read beside the original.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox' }).click();
    await page.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
    await page.getByTestId('inbox-queue').getByRole('button', { name: /Paper Supplies NV.*ANNA-2/s }).click();
    const panel = page.getByTestId('inbox-item');
    await panel.getByRole('heading', { name: 'second.xml' }).waitFor();
    const fields = panel.getByRole('form', { name: /second\.xml/ });
    assert.equal(await fields.getByTestId('field-number').inputValue(), 'ANNA-2');
    assert.equal(await fields.getByTestId('field-sellerName').inputValue(), 'Paper Supplies NV');
    assert.equal(await fields.getByTestId('field-totalWithVat').inputValue(), '242.00');
    // An XML e-invoice has no picture: the original is offered as the file itself, and it is the collected one.
    const original = panel.getByTestId('original');
    const download = original.getByRole('link', { name: 'Download second.xml' });
    await download.waitFor();
    const served = await page.evaluate(async (href) => (await fetch(href!)).text(), await download.getAttribute('href'));
    assert.match(served, /ANNA-2/);
    const [left, right] = [await original.boundingBox(), await fields.boundingBox()];
    assert.ok(left && right && left.x + left.width <= right.x && left.y < right.y + right.height, `the original beside the fields: ${JSON.stringify([left, right])}`);
    await shot(page, 'inbox-collected');

    // Apps & integrations counts the channel on the OneDrive collection card, with its state.
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Apps & integrations' }).click();
    const card = page.getByTestId('collection-onedrive');
    await card.getByText('1 channel').waitFor();
    await card.getByText('Active', { exact: true }).waitFor();
    assert.equal(await card.getByRole('link', { name: 'Configure: Collect documents from OneDrive' }).getAttribute('href'), '/collection?kind=onedrive');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Collection' }).click();
    await page.getByRole('link', { name: 'Anna OneDrive' }).waitFor();
    await shot(page, 'channels');
    await page.close();
  });

  it('shows a user without the right no button, and the API refuses them', async () => {
    const user = (await s.call('POST', '/v1/users', { email: 'reader@example.com', name: 'Reader', rights: ['review_inbox'] })).body;
    await setPassword(s.deps.db, s.orgId, user.id, 'reader-password-1');
    const reader = await launchBrowser();
    try {
      const page = await reader!.context.newPage();
      page.setDefaultTimeout(20_000);
      await signIn(page, 'reader@example.com', 'reader-password-1');
      await page.goto(`${s.baseUrl}/collection`);
      await page.getByRole('link', { name: 'Anna OneDrive' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'New channel' }).count(), 0);
      await page.getByRole('link', { name: 'Anna OneDrive' }).click();
      await page.getByText('You may see the channels, but not change them').waitFor();
      for (const name of ['Run now', 'Send again', 'Pause', 'Edit', 'Remove channel']) assert.equal(await page.getByRole('button', { name }).count(), 0, name);
      // The same session, asking the API directly as the page would.
      const statuses = await page.evaluate(async (id) => {
        const { csrfToken } = await (await fetch('/v1/session')).json();
        const headers = { 'content-type': 'application/json', 'x-csrf-token': csrfToken };
        const create = await fetch('/v1/channels', { method: 'POST', headers, body: JSON.stringify({ companyId: 'cmp_x', name: 'n', kind: 'local', folder: '/tmp', recipientId: 'usr_x', binderName: 'P' }) });
        const run = await fetch(`/v1/channels/${id}/run`, { method: 'POST', headers, body: JSON.stringify({ confirm: true }) });
        return [create.status, run.status];
      }, channelId);
      assert.deepEqual(statuses, [403, 403]);
    } finally {
      await reader?.close();
    }
  });

  it('renders the collection pages in nl, fr, de and en without a missing message, and fits a phone', async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    for (const language of ['nl', 'fr', 'de', 'en'] as const) {
      const messages = resources[language].translation.collect;
      await page.goto(`${s.baseUrl}/sign-in`);
      await page.evaluate((l) => localStorage.setItem('dossier.language', l), language);
      for (const [path, heading] of [['/collection', messages.title], ['/collection/new', messages.add], [`/collection/${channelId}`, 'Anna OneDrive']] as const) {
        await page.goto(`${s.baseUrl}${path}`);
        await page.getByRole('heading', { name: heading, exact: true }).waitFor();
        await page.getByText(messages.nav, { exact: true }).first().waitFor();
        const text = await page.locator('body').innerText();
        assert.doesNotMatch(text, MESSAGE_KEY, `${language} ${path} shows a message key`);
      }
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => localStorage.setItem('dossier.language', 'nl'));
    for (const [path, heading] of [['/collection', 'Ophaalkanalen'], ['/collection/new', 'Nieuw kanaal'], [`/collection/${channelId}`, 'Anna OneDrive']] as const) {
      await page.goto(`${s.baseUrl}${path}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path} is ${overflow}px wider than a phone`);
    }
    await page.getByRole('button', { name: 'Nu ophalen' }).waitFor();
    await shot(page, 'channel-phone-nl');
    await page.close();
  });
});
