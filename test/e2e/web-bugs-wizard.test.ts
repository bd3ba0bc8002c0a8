import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, signInAs, startWebWorld, type WebWorld, withoutChromium } from '../helpers/browser.js';

/**
 * The backup wizard in Debian's Chromium: a template the server would refuse stops step 1,
 * Back and Forward move between steps and keep what was typed, leaving (the tab or by a menu link)
 * asks first; the folder
 * browser refuses a slash in a new name, calls the top by the provider's name and shows paths
 * with one slash.
 */
describe('the backup wizard in the web app (Chromium, sandbox OneDrive)', async () => {
  if (await withoutChromium()) return;

  let w: WebWorld;
  let page: Page;
  before(async () => {
    w = await startWebWorld();
    page = await w.browser.context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${w.served.baseUrl}/sign-in`);
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await page.reload();
    await signInAs(page, w.served.email, w.served.password);
  });
  after(() => w?.close());

  it('checks the template at step 1 by the server\'s rules; Back and Forward move between steps and keep what was typed', async () => {
    await page.goto(`${w.served.baseUrl}/integrations`);
    await page.getByRole('link', { name: 'Activate: OneDrive' }).click();
    await page.getByLabel('Name').fill('Typed with care');
    await page.getByLabel('My own structure').check();
    await page.getByLabel('Template').fill('{company}/{yeer}/{file}');
    await page.getByText('The folder structure uses {yeer}, which Dossier does not know').waitFor();
    assert.ok(await page.getByRole('button', { name: 'Next' }).isDisabled(), 'a template the server refuses does not get past step 1');
    await page.getByLabel('Template').fill('{company}/{year}/{file}');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Sign in with OneDrive (sandbox)' }).waitFor();
    assert.match(page.url(), /step=connect/);

    await page.goBack();
    await page.getByLabel('Name').waitFor();
    assert.equal(await page.getByLabel('Name').inputValue(), 'Typed with care');
    assert.equal(await page.getByLabel('Template').inputValue(), '{company}/{year}/{file}');
    await page.goForward();
    await page.getByRole('button', { name: 'Sign in with OneDrive (sandbox)' }).waitFor();

    // Back out of the wizard, then Forward into it: step 1 as it was left.
    await page.goBack();
    await page.getByLabel('Name').waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Apps & integrations' }).waitFor();
    await page.goForward();
    await page.getByLabel('Name').waitFor();
    assert.equal(await page.getByLabel('Name').inputValue(), 'Typed with care');

    // Leaving the page with what was typed asks first.
    const asked = new Promise<string>((resolve) => page.once('dialog', (d) => { resolve(d.type()); void d.dismiss(); }));
    await page.close({ runBeforeUnload: true });
    assert.equal(await asked, 'beforeunload');
    page = await w.browser.context.newPage();
    page.setDefaultTimeout(20_000);
  });

  it('a link in the menu asks before leaving what was typed; going drops it, staying keeps it', async () => {
    await page.goto(`${w.served.baseUrl}/destinations/new?kind=onedrive`);
    await page.getByLabel('Name').fill('Half typed');
    const menu = page.getByRole('navigation', { name: 'Main' });
    const answer = (accept: boolean) => new Promise<string>((resolve) => page.once('dialog', (d) => {
      resolve(`${d.type()}: ${d.message()}`);
      void (accept ? d.accept() : d.dismiss());
    }));

    let asked = answer(false);
    await menu.getByRole('link', { name: 'Documents' }).click();
    assert.equal(await asked, 'confirm: Leave the wizard? What you entered is lost.');
    assert.match(page.url(), /\/destinations\/new/, 'staying keeps the wizard');
    assert.equal(await page.getByLabel('Name').inputValue(), 'Half typed');

    asked = answer(true);
    await menu.getByRole('link', { name: 'Documents' }).click();
    await asked;
    await page.getByRole('heading', { name: 'Documents', level: 1 }).waitFor();
    await page.goto(`${w.served.baseUrl}/destinations/new?kind=onedrive`);
    assert.notEqual(await page.getByLabel('Name').inputValue(), 'Half typed', 'what was typed is gone, as the question said');
  });

  it('the folder browser refuses a slash in a new name, calls the top "OneDrive" and shows one slash', async () => {
    await page.goto(`${w.served.baseUrl}/destinations/new?kind=onedrive`);
    await page.getByLabel('Name').fill('Folder test');
    await page.getByLabel('Company / year / month').check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Sign in with OneDrive (sandbox)' }).click();
    await page.waitForURL(/\/sandbox\//);
    await page.getByLabel('Signed in as').fill('alice');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByTestId('folder-list').waitFor();
    const crumbs = page.getByRole('navigation', { name: 'Folder path' });
    await crumbs.getByRole('button', { name: 'OneDrive' }).waitFor();

    await page.getByLabel('New folder').fill('Accounting/2024');
    await page.getByText('A folder name cannot contain a slash').waitFor();
    assert.ok(await page.getByRole('button', { name: 'Create' }).isDisabled());
    const drive = w.served.deps.sandbox!.graph.state.drive('alice');
    assert.equal([...drive.items.values()].filter((i) => i.folder && i.name === 'Accounting').length, 0, 'no folder was made');

    await page.getByLabel('New folder').fill('Accounting');
    await page.getByRole('button', { name: 'Create' }).click();
    await crumbs.getByRole('button', { name: 'Accounting' }).waitFor();
    await page.getByTestId('select-current-folder').click();
    await page.getByText('Selected: /Accounting', { exact: true }).waitFor();
    assert.ok(await page.getByTestId('select-current-folder').isDisabled(), 'nothing left to select here');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    const confirm = await page.locator('main').innerText();
    assert.doesNotMatch(confirm, /\/\/Accounting/, 'one slash before the folder');
  });
});
