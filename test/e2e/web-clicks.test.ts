import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { Served } from '../helpers/served.js';
import { launchBrowser, startWebWorld, type WebWorld, withoutChromium } from '../helpers/browser.js';
import { connectLinks } from '../helpers/outbox.js';
import { ublInvoice } from '../helpers/collect.js';

/**
 * How many clicks a new user needs, in Debian's Chromium against a whole Dossier with the
 * sandbox: from the sign-in page to a running OneDrive backup, and from the sign-in page to a
 * first collected document in the inbox (the client's part played in the same browser, the
 * invoice put into the client's OneDrive through the sandbox's page). Typing is not counted;
 * a click, choosing a file and opening a link from a mail are. The counts are printed, and the
 * test fails if a change makes either journey longer.
 */
const MAX_CLICKS = { backup: 9, collection: 11 };

class Clicks {
  n = 0;
  async click(l: Locator) { this.n++; await l.click(); }
  async choose(l: Locator, file: { name: string; mimeType: string; buffer: Buffer }) { this.n++; await l.setInputFiles(file); }
  async open(page: Page, url: string) { this.n++; await page.goto(url); }
}

describe('clicks from signing in (Chromium, sandbox)', async () => {
  if (await withoutChromium()) return;

  let world: WebWorld;
  let s: Served;
  before(async () => {
    world = await startWebWorld();
    s = world.served;
  });
  after(() => world?.close());

  const signIn = async (page: Page, c: Clicks) => {
    await page.goto(`${s.baseUrl}/sign-in`);
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await page.reload();
    await page.getByLabel('E-mail address').fill(s.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(s.password);
    await c.click(page.getByRole('button', { name: 'Sign in' }));
    await page.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
  };

  it('to a running OneDrive backup', async () => {
    const browser = (await launchBrowser())!;
    try {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(30_000);
      const c = new Clicks();
      await signIn(page, c);
      await c.click(page.getByTestId('first-backup-shortcuts').getByRole('link', { name: 'Activate: OneDrive' }));
      await c.click(page.getByRole('button', { name: 'Next' }));
      await c.click(page.getByRole('button', { name: 'Sign in with OneDrive (sandbox)' }));
      await page.getByLabel('Signed in as').fill('alice');
      await c.click(page.getByRole('button', { name: 'Allow' }));
      await c.click(page.getByTestId('select-current-folder'));
      await c.click(page.getByRole('button', { name: 'Next' }));
      await c.click(page.getByRole('button', { name: 'Next' }));
      await c.click(page.getByRole('button', { name: 'Start the backup' }));
      await page.getByRole('heading', { name: 'Your backup is linked' }).waitFor();
      await page.getByTestId('first-backup').getByText(/^Done/).waitFor();
      const backups = (await s.call('GET', `/v1/destinations?companyId=${s.companyId}`)).body.items;
      assert.equal(backups.length, 1);
      assert.equal(backups[0].state, 'active');
      assert.equal(backups[0].kind, 'onedrive');
      console.log(`clicks from signing in to a running OneDrive backup: ${c.n}`);
      assert.ok(c.n <= MAX_CLICKS.backup, `${c.n} clicks, more than the ${MAX_CLICKS.backup} it took`);
    } finally {
      await browser.close();
    }
  });

  it('to a first collected document in the inbox', async () => {
    const browser = (await launchBrowser())!;
    try {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(30_000);
      const c = new Clicks();
      await signIn(page, c);
      await c.click(page.getByRole('link', { name: 'New channel' }));
      await page.getByRole('textbox', { name: /^Name\W*$/ }).fill('Anna OneDrive');
      await page.getByLabel(/^Name of the new binder/).fill('Purchases');
      await page.getByLabel(/^Client's e-mail address/).fill('anna@example.com');
      await c.click(page.getByRole('button', { name: 'Create the channel' }));
      await page.waitForURL(/\/collection\/chn_/);

      // The client opens the mailed link: here in the same browser, as one tries it alone.
      const link = (await connectLinks(s.deps.config.dataDir)).at(-1)!;
      await c.open(page, link);
      await c.click(page.getByRole('button', { name: 'Connect OneDrive' }));
      await page.getByLabel('Signed in as').fill('anna');
      await c.click(page.getByRole('button', { name: 'Allow' }));
      await c.click(page.getByRole('button', { name: 'Select current folder' }));
      await c.click(page.getByRole('button', { name: 'Collect from this folder' }));
      await page.getByText('the documents in this folder are now collected').waitFor();

      // Back in Dossier: the sandbox's page puts an invoice into the client's OneDrive.
      await c.open(page, `${s.baseUrl}/sandbox/`);
      const drive = page.getByTestId('sandbox-drive').filter({ hasText: 'OneDrive (sandbox): anna' });
      await c.choose(drive.getByTestId('sandbox-dropzone').locator('input[type=file]'), { name: 'invoice.xml', mimeType: 'application/xml', buffer: ublInvoice({ number: 'CLICK-1', seller: 'Click Supplies NV' }) });
      await c.click(drive.getByRole('link', { name: 'Open the inbox' }));
      await page.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
      await page.getByText('Click Supplies NV').first().waitFor();
      const inbox = (await s.call('GET', '/v1/inbox')).body.items;
      assert.ok(JSON.stringify(inbox).includes('CLICK-1'), 'the collected invoice is in the inbox');
      console.log(`clicks from signing in to a first collected document in the inbox: ${c.n}`);
      assert.ok(c.n <= MAX_CLICKS.collection, `${c.n} clicks, more than the ${MAX_CLICKS.collection} it took`);
    } finally {
      await browser.close();
    }
  });
});
