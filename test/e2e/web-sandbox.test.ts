import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Served } from '../helpers/served.js';
import { signInAs, startWebWorld, type WebWorld, withoutChromium } from '../helpers/browser.js';
import { answerConsent } from '../helpers/consent.js';
import { connectLinks } from '../helpers/outbox.js';
import { ublInvoice } from '../helpers/collect.js';
import { resources } from '../../web/src/i18n/index.js';

const MESSAGE_KEY = /\b(sandbox|home|collect|common|nav|apiErrors)\.[a-zA-Z_]+/;

/**
 * The sandbox's drive page in Debian's Chromium against a whole Dossier: a client's sandbox
 * OneDrive connected to a channel shows its file; an invoice dropped into the channel's folder
 * is collected at once and the page says it is in the inbox, where it is; then the page in
 * every language on a phone.
 */
describe('the sandbox drive page, end to end (Chromium)', async () => {
  if (await withoutChromium()) return;

  let world: WebWorld;
  let s: Served;
  before(async () => {
    world = await startWebWorld();
    s = world.served;
    const adminId = (await s.call('GET', '/v1/users/me')).body.id;
    const channel = await s.call('POST', '/v1/channels', { companyId: s.companyId, name: 'Anna OneDrive', kind: 'onedrive', recipientId: adminId, binderName: 'Purchases', clientEmail: 'anna@example.com', clientName: 'Anna' });
    assert.equal(channel.status, 201, JSON.stringify(channel.body));
    const token = (await connectLinks(s.deps.config.dataDir)).at(-1)!.split('/connect/')[1]!;
    const started = await s.call('POST', `/v1/invitations/${token}/authorize`, {});
    await fetch(await answerConsent(started.body.url, 'allow', 'anna'), { redirect: 'manual' });
    const drive = s.deps.sandbox!.graph.state.drive('anna');
    drive.putFile(drive.createFolder(drive.get(drive.rootId), 'Invoices', 'fail'), 'first.xml', ublInvoice({ number: 'ANNA-1' }), 'replace');
    assert.equal((await s.call('POST', `/v1/invitations/${token}/folder`, { path: 'Invoices' })).status, 200);
    await s.deps.queue.idle();
  });
  after(() => world?.close());

  it('shows the client\'s drive, takes an invoice into the channel\'s folder and follows it into the inbox; fits a phone in every language', async () => {
    const page = await world.browser.context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${s.baseUrl}/sign-in`);
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await page.reload();
    await signInAs(page, s.email, s.password);
    // The overview offers it; so does the menu, as the sandbox is on.
    await page.getByTestId('sandbox-hint').getByRole('link', { name: 'Try collection in the sandbox' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sandbox' }).click();
    await page.getByRole('heading', { name: 'Sandbox drives' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/sandbox/');
    const drive = page.getByTestId('sandbox-drive');
    await drive.getByRole('heading', { name: 'OneDrive (sandbox): anna' }).waitFor();
    await drive.getByRole('link', { name: 'Collected by "Anna OneDrive" from /Invoices' }).waitFor();
    await drive.getByTestId('sandbox-files').getByText('/Invoices/first.xml').waitFor();

    await drive.getByTestId('sandbox-dropzone').locator('input[type=file]').setInputFiles({ name: 'second.xml', mimeType: 'application/xml', buffer: ublInvoice({ number: 'ANNA-2', seller: 'Paper Supplies NV' }) });
    const put = drive.getByTestId('sandbox-put');
    await put.getByText('"second.xml" is now in /Invoices.').waitFor();
    await put.getByText('"Anna OneDrive" collected it: it is in the inbox.').waitFor();
    await drive.getByTestId('sandbox-files').getByText('/Invoices/second.xml').waitFor();
    await world.shot(page, 'sandbox');
    await put.getByRole('link', { name: 'Open the inbox' }).click();
    await page.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
    await page.getByText('Paper Supplies NV').first().waitFor();

    // A program is refused on the page, with the reason, before it is sent.
    await page.goto(`${s.baseUrl}/sandbox/`);
    await page.getByTestId('sandbox-dropzone').locator('input[type=file]').setInputFiles({ name: 'tool.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00') });
    await page.getByRole('alert').getByText('"tool.exe" is not a PDF, an XML file or an image').waitFor();

    await page.setViewportSize({ width: 390, height: 844 });
    for (const language of ['nl', 'fr', 'de', 'en'] as const) {
      const messages = resources[language].translation;
      await page.evaluate((l) => localStorage.setItem('dossier.language', l), language);
      await page.goto(`${s.baseUrl}/sandbox/`);
      await page.getByRole('heading', { name: messages.sandbox.title, exact: true }).waitFor();
      await page.getByTestId('sandbox-files').first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${language}: the page is ${overflow}px wider than a phone`);
      assert.doesNotMatch(await page.locator('body').innerText(), MESSAGE_KEY, `${language}: a message key shows`);
      if (language === 'nl') await world.shot(page, 'sandbox-phone-nl');
    }
    await page.close();
  });
});
