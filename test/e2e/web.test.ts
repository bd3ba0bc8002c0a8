import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { startServed, type Served } from '../helpers/served.js';
import { buildWebApp, launchBrowser, screenshotDir, signInAs, withoutChromium } from '../helpers/browser.js';
import { resources } from '../../web/src/i18n/index.js';

/**
 * The web app in Debian's Chromium against a whole Dossier with the sandbox providers: sign in,
 * upload a document by its drop zone, set up a OneDrive backup with the wizard (the sandbox's
 * consent page, a new folder picked in the folder browser), watch the first copy land, and
 * find the document in the sandbox OneDrive; then every language renders without a missing key.
 */
const MESSAGE_KEY = /\b(app|nav|common|signIn|account|state|integrations|wizard|destination|documents|notFound|linked|sandbox|home)\.[a-zA-Z_]+(\.[a-zA-Z_-]+)*\b/;

describe('the web app, end to end (Chromium, sandbox OneDrive)', async () => {
  if (await withoutChromium()) return;

  let s: Served;
  let web: Awaited<ReturnType<typeof buildWebApp>>;
  let shots: Awaited<ReturnType<typeof screenshotDir>>;
  let browser: NonNullable<Awaited<ReturnType<typeof launchBrowser>>>;
  let context: BrowserContext;
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

  const signIn = async (page: Page) => {
    await page.goto(`${s.baseUrl}/documents`);
    await page.waitForURL(/\/sign-in/);
    await signInAs(page, s.email, s.password, 'Documents');
  };

  it('signs in, uploads a document, sets up OneDrive with the wizard, and the document lands in the chosen folder', async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${s.baseUrl}/sign-in`);
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await shot(page, 'sign-in');
    await signIn(page);

    // Upload through the drop zone's file input, with the invoice's fields.
    const pdf = Buffer.from(`%PDF-1.4\n% invoice F2024-001 for Client NV\n%%EOF\n`);
    await page.getByTestId('dropzone').locator('input[type=file]').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: pdf });
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Date').fill('2024-03-14');
    await dialog.getByLabel('Number').fill('F2024-001');
    await dialog.getByLabel('Counterparty').fill('Client NV');
    await dialog.getByLabel('Amount').fill('1210.00');
    await dialog.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('link', { name: 'F2024-001' }).waitFor();
    assert.ok(await page.getByText('€1,210.00').isVisible(), 'the amount in the locale (en-GB)');
    await shot(page, 'documents');

    // Top right: the user's menu, then Apps & integrations, then activate OneDrive.
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Apps & integrations' }).click();
    await page.getByRole('heading', { name: 'Apps & integrations' }).waitFor();
    await page.getByTestId('integration-onedrive').getByText('Sandbox').waitFor();
    await shot(page, 'integrations');
    await page.getByRole('link', { name: 'Activate: OneDrive' }).click();

    // Name and folder structure, with the live preview of the real document.
    await page.getByLabel('Name').fill('Company X OneDrive');
    await page.getByLabel('Company / year / month').check();
    await page.getByTestId('layout-preview').getByText('My company/2024/03/2024-03-14 F2024-001 Client NV.pdf').waitFor();
    await shot(page, 'wizard-layout');
    await page.getByRole('button', { name: 'Next' }).click();

    // Connect: the sandbox's consent page, and back.
    await page.getByRole('button', { name: 'Sign in with OneDrive (sandbox)' }).click();
    await page.waitForURL(/\/sandbox\//);
    await page.getByLabel('Signed in as').fill('alice');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/destinations\/new\?kind=onedrive/);

    // Folder: make Accounting/Backup in the browser, then select it.
    await page.getByTestId('folder-list').waitFor();
    for (const name of ['Accounting', 'Backup']) {
      await page.getByLabel('New folder').fill(name);
      await page.getByRole('button', { name: 'Create' }).click();
      await page.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name }).waitFor();
    }
    await page.getByTestId('select-current-folder').click();
    await page.getByText('Selected: /Accounting/Backup').waitFor();
    await shot(page, 'wizard-folder');
    await page.getByRole('button', { name: 'Next' }).click();

    // Schedule and options as they are, then confirm.
    await page.getByLabel('Continuously, within seconds').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Start the backup' }).click();

    // The confirmation: what was set up, with an example path, and the first full backup live.
    await page.waitForURL(/\/destinations\/dst_\w+\/linked$/);
    await page.getByRole('heading', { name: 'Your backup is linked' }).waitFor();
    await page.getByTestId('linked-example').getByText('/Accounting/Backup/My company/2024/03/2024-03-14 F2024-001 Client NV.pdf').waitFor();
    await page.getByTestId('first-backup').getByText('Done: 1 document copied.').waitFor();
    await shot(page, 'linked');
    await page.getByRole('link', { name: 'Open the backup' }).click();

    // The destination page: the first copy, then its history.
    await page.waitForURL(/\/destinations\/dst_\w+$/);
    await page.getByTestId('count-synced').getByText('1').waitFor();
    const drive = s.deps.sandbox!.graph.state.drive('alice');
    const files = [...drive.items.values()].filter((i) => !i.folder && drive.pathOf(i).includes('/root:/Accounting/Backup/'));
    assert.equal(files.length, 1);
    assert.match(drive.pathOf(files[0]!), /Accounting\/Backup\/My company\/2024\/03\/2024-03-14 F2024-001 Client NV\.pdf$/);
    assert.equal(files[0]!.content.toString(), pdf.toString());
    await page.getByTestId('run-history').getByRole('button').first().click();
    await page.getByText('Copied').first().waitFor();
    await shot(page, 'destination');

    // The document shows where it is backed up.
    await page.getByRole('link', { name: 'Documents' }).click();
    await page.getByRole('link', { name: 'F2024-001' }).click();
    await page.getByTestId('deliveries').getByText('Backed up').waitFor();
    await shot(page, 'document');
    await page.close();
  });

  it('renders every page in nl, fr, de and en without a missing message, and fits a phone', async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${s.baseUrl}/sign-in`);
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    if (await page.getByRole('button', { name: 'Sign in' }).isVisible()) await signIn(page);
    for (const language of ['nl', 'fr', 'de', 'en'] as const) {
      const messages = resources[language].translation;
      await page.evaluate((l) => localStorage.setItem('dossier.language', l), language);
      for (const [path, heading] of [['/documents', messages.documents.title], ['/integrations', messages.integrations.title], ['/destinations', messages.destination.list], ['/account', messages.account.title]]) {
        await page.goto(`${s.baseUrl}${path}`);
        await page.getByRole('heading', { name: heading!, exact: true }).waitFor();
        const text = await page.locator('body').innerText();
        assert.doesNotMatch(text, MESSAGE_KEY, `${language} ${path} shows a message key`);
        assert.equal(await page.getAttribute('html', 'lang'), language);
      }
    }
    await page.evaluate(() => localStorage.setItem('dossier.language', 'de'));
    await page.goto(`${s.baseUrl}/integrations`);
    await page.getByRole('heading', { name: 'Apps und Integrationen' }).waitFor();
    await shot(page, 'integrations-de');
    await page.setViewportSize({ width: 390, height: 844 });
    // The confirmation of a linked backup, on a phone in every language.
    const linked = (await s.call('GET', `/v1/destinations?companyId=${s.companyId}`)).body.items[0];
    assert.ok(linked, 'the first test made a backup');
    for (const language of ['nl', 'fr', 'de', 'en'] as const) {
      const messages = resources[language].translation;
      await page.evaluate((l) => localStorage.setItem('dossier.language', l), language);
      await page.goto(`${s.baseUrl}/destinations/${linked.id}/linked`);
      await page.getByRole('heading', { name: messages.linked.title, exact: true }).waitFor();
      await page.getByTestId('linked-example').getByText(/\.pdf$/).waitFor();
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(wide <= 0, `${language}: the confirmation is ${wide}px wider than a phone`);
      assert.doesNotMatch(await page.locator('body').innerText(), MESSAGE_KEY, `${language}: the confirmation shows a message key`);
    }
    await page.evaluate(() => localStorage.setItem('dossier.language', 'fr'));
    await page.goto(`${s.baseUrl}/documents`);
    await page.getByRole('heading', { name: 'Documents' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
    await shot(page, 'phone-fr');
    await page.getByRole('button', { name: 'Ouvrir le menu' }).click();
    await page.getByRole('link', { name: 'Sauvegardes' }).click();
    await page.getByRole('heading', { name: 'Sauvegardes' }).waitFor();
    await page.close();
  });
});
