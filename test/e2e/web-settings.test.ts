import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Served } from '../helpers/served.js';
import { launchBrowser, signInAs, startWebWorld, type WebWorld, withoutChromium } from '../helpers/browser.js';
import { resources } from '../../web/src/i18n/index.js';

/**
 * The firm's settings and changing a backup, in Debian's Chromium against a whole Dossier: the
 * admin names the firm and the company (a wrong VAT number is refused, a right one kept), a
 * local backup follows the new name, then the backup's structure is changed after a preview that
 * counts the file that will move, and the file is found at its new place. Both pages are then
 * read in every language and on a phone.
 */
async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) if (e.isFile()) out.push(join(e.parentPath, e.name).slice(root.length + 1));
  return out.sort();
}

describe('settings and changing a backup, end to end (Chromium)', async () => {
  if (await withoutChromium()) return;

  let world: WebWorld;
  let s: Served;
  let roots = '';
  let root = '';
  let destinationId = '';
  before(async () => {
    roots = await mkdtemp(join(tmpdir(), 'dossier-settings-'));
    root = join(roots, 'nas');
    world = await startWebWorld({ DOSSIER_LOCAL_ROOTS: roots });
    s = world.served;
    const form = new FormData();
    for (const [k, v] of Object.entries({ companyId: s.companyId, type: 'invoice', number: 'F2024-001', date: '2024-03-14', counterparty: 'Client NV', amount: '121.00', currency: 'EUR' })) form.append(k, v);
    form.append('file', new Blob([Buffer.from('%PDF-1.4\n% an invoice\n%%EOF\n')], { type: 'application/pdf' }), 'invoice.pdf');
    const up = await fetch(`${s.baseUrl}/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${s.apiKey}` }, body: form });
    assert.equal(up.status, 201, await up.text());
    const dst = await s.call('POST', '/v1/destinations', { companyId: s.companyId, name: 'Office NAS', kind: 'local', settings: { root } });
    assert.equal(dst.status, 201, JSON.stringify(dst.body));
    destinationId = dst.body.id;
    await s.deps.queue.idle();
    assert.deepEqual(await filesUnder(root), ['My company/2024/Invoices/2024-03-14 F2024-001 Client NV.pdf']);
  });
  after(async () => {
    await world?.close();
    if (roots) await rm(roots, { recursive: true, force: true });
  });

  const open = async (path: string): Promise<Page> => {
    const page = await world.browser.context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${s.baseUrl}/sign-in?next=${encodeURIComponent(path)}`);
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await page.reload();
    return page;
  };

  it('names the firm and the company, refuses a wrong VAT number, and the backup follows the new name', async () => {
    const page = await open('/documents');
    await signInAs(page, s.email, s.password, 'Documents');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();

    const firm = page.getByRole('textbox', { name: 'Name of the firm' });
    await firm.fill('Boekhouding Peeters');
    await firm.press('Enter');
    await page.getByText('Saved.', { exact: true }).waitFor();
    assert.equal((await s.call('GET', '/v1/organization')).body.name, 'Boekhouding Peeters');

    const companies = page.getByTestId('companies');
    await companies.getByRole('textbox', { name: 'Name', exact: true }).fill('Bakkerij Peeters BV');
    await companies.getByRole('textbox', { name: 'VAT number' }).fill('BE0403170702');
    await companies.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').getByText(/check digits do not match/).waitFor();
    assert.equal((await s.call('GET', `/v1/companies/${s.companyId}`)).body.name, 'My company', 'a refused change changes nothing');

    await companies.getByRole('textbox', { name: 'VAT number' }).fill('BE 0403.170.701');
    await companies.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved: backups follow the new name.').waitFor();
    const company = (await s.call('GET', `/v1/companies/${s.companyId}`)).body;
    assert.equal(company.name, 'Bakkerij Peeters BV');
    assert.equal(company.vatId, 'BE0403170701');
    await s.deps.queue.idle();
    assert.deepEqual(await filesUnder(root), ['Bakkerij Peeters BV/2024/Invoices/2024-03-14 F2024-001 Client NV.pdf'], 'the file moved under the new name');
    await world.shot(page, 'settings');
    await page.close();
  });

  it('changes the backup\'s structure after counting the file that will move', async () => {
    // Signed in by the test before (one browser profile for the file).
    const page = await open(`/destinations/${destinationId}`);
    await page.goto(`${s.baseUrl}/destinations/${destinationId}`);
    await page.getByRole('heading', { name: 'Office NAS' }).waitFor();
    await page.getByRole('link', { name: 'Change' }).click();
    await page.getByRole('heading', { name: 'Change "Office NAS"' }).waitFor();
    await page.getByRole('radio', { name: 'Company / year / month' }).check();
    const save = page.getByRole('button', { name: 'Save the changes' });
    assert.equal(await save.isDisabled(), true, 'a new structure is previewed before it is saved');
    await page.getByRole('button', { name: 'Check what changes' }).click();
    await page.getByTestId('change-preview').getByText('With this structure 1 file moves to a new place.').waitFor();
    await save.click();
    await page.getByRole('heading', { name: 'Office NAS' }).waitFor();
    await s.deps.queue.idle();
    assert.deepEqual(await filesUnder(root), ['Bakkerij Peeters BV/2024/03/2024-03-14 F2024-001 Client NV.pdf']);
    await page.close();
  });

  it('reads both pages in every language on a phone, without sideways scrolling or a missing message', async () => {
    const page = await open('/settings');
    await page.setViewportSize({ width: 390, height: 844 });
    for (const language of ['nl', 'fr', 'de', 'en'] as const) {
      const messages = resources[language].translation;
      await page.evaluate((l) => localStorage.setItem('dossier.language', l), language);
      for (const [path, heading] of [['/settings', messages.settings.title], [`/destinations/${destinationId}/edit`, messages.destinationEdit.title.replace('{{name}}', 'Office NAS')]] as const) {
        await page.goto(`${s.baseUrl}${path}`);
        await page.getByRole('heading', { name: heading, exact: true }).waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${language} ${path}: the page is ${overflow}px wider than a phone`);
        assert.doesNotMatch(await page.locator('body').innerText(), /\b(settings|destinationEdit|channelMail|wizard|common)\.[a-zA-Z_]+/, `${language} ${path}: a message key shows`);
      }
    }
    await world.shot(page, 'settings-phone');
    await page.close();
  });
});
