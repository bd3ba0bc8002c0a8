import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Served } from '../helpers/served.js';
import { launchBrowser, signInAs, startWebWorld, type WebWorld, withoutChromium } from '../helpers/browser.js';
import { ublInvoice } from '../helpers/collect.js';
import { resources } from '../../web/src/i18n/index.js';

/**
 * The overview in Debian's Chromium against a whole Dossier: a local backup and a local
 * collection channel that ran once; the page shows both with their state and last run, and the
 * run in the collection history; then in every language on a phone.
 */
describe('the overview, end to end (Chromium)', async () => {
  if (await withoutChromium()) return;

  let world: WebWorld;
  let s: Served;
  let roots = '';
  before(async () => {
    roots = await mkdtemp(join(tmpdir(), 'dossier-home-'));
    world = await startWebWorld({ DOSSIER_LOCAL_ROOTS: roots });
    s = world.served;
    const scans = join(roots, 'scans');
    await mkdir(scans);
    await writeFile(join(scans, 'f.xml'), ublInvoice({ number: 'H-1' }));
    const admin = (await s.call('GET', '/v1/users/me')).body;
    assert.equal((await s.call('POST', '/v1/destinations', { companyId: s.companyId, name: 'Office NAS', kind: 'local', settings: { root: join(roots, 'nas') } })).status, 201);
    const channel = await s.call('POST', '/v1/channels', { companyId: s.companyId, name: 'Scans', kind: 'local', folder: scans, recipientId: admin.id, binderName: 'Purchases' });
    assert.equal(channel.status, 201, JSON.stringify(channel.body));
    assert.equal((await s.call('POST', `/v1/channels/${channel.body.id}/run`, { confirm: true })).status, 202);
    await s.deps.queue.idle();
  });
  after(async () => {
    await world?.close();
    if (roots) await rm(roots, { recursive: true, force: true });
  });

  it('shows every backup and channel with its state and last run, and the collection history, in every language on a phone', async () => {
    const page = await world.browser.context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${s.baseUrl}/sign-in`);
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await page.reload();
    // Signing in lands on the overview, not on Documents.
    await signInAs(page, s.email, s.password);
    assert.match(new URL(page.url()).pathname, /^\/home$/);
    await page.getByTestId('backups').getByRole('link', { name: 'Office NAS' }).waitFor();
    await page.getByTestId('channels').getByRole('link', { name: 'Scans' }).waitFor();
    await page.getByTestId('collection-history').getByRole('link', { name: 'Scans' }).waitFor();
    assert.ok(await page.getByTestId('channels').getByText('All is well: nothing to do.').count() >= 1, 'the channel that collected its file has nothing to do');
    await world.shot(page, 'overview');

    await page.setViewportSize({ width: 390, height: 844 });
    for (const language of ['nl', 'fr', 'de', 'en'] as const) {
      const messages = resources[language].translation;
      await page.evaluate((l) => localStorage.setItem('dossier.language', l), language);
      await page.reload();
      await page.getByRole('heading', { name: messages.home.title, exact: true }).waitFor();
      await page.getByTestId('collection-history').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${language}: the page is ${overflow}px wider than a phone`);
      assert.doesNotMatch(await page.locator('body').innerText(), /\b(home|collect|destination|state|common)\.[a-zA-Z_]+/, `${language}: a message key shows`);
    }
    await page.close();
  });
});
