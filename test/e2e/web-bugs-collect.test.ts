import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, signInAs, startWebWorld, type WebWorld, withoutChromium } from '../helpers/browser.js';
import { answerConsent } from '../helpers/consent.js';
import { connectLinks, mailsTo } from '../helpers/outbox.js';
import { ublInvoice } from '../helpers/collect.js';

/**
 * A collection channel that works, in Debian's Chromium: "Send again" asks first and sends a
 * reminder that leaves the channel as it is; a double click on Run starts one run, not two.
 */
describe('a working collection channel in the web app (Chromium, sandbox OneDrive)', async () => {
  if (await withoutChromium()) return;

  let w: WebWorld;
  let page: Page;
  let channelId = '';
  before(async () => {
    w = await startWebWorld();
    const s = w.served;
    const adminId = (await s.call('GET', '/v1/users/me')).body.id;
    const created = await s.call('POST', '/v1/channels', { companyId: s.companyId, name: 'Anna (internal)', kind: 'onedrive', recipientId: adminId, binderName: 'Purchases', clientEmail: 'anna@example.com', clientName: 'Anna' });
    channelId = created.body.id;
    // The client connects her folder, as the mailed link lets her.
    const token = (await connectLinks(s.deps.config.dataDir)).at(-1)!.split('/connect/')[1]!;
    const drive = s.deps.sandbox!.graph.state.drive('anna');
    const folder = drive.createFolder(drive.get(drive.rootId), 'Invoices', 'fail');
    for (let i = 0; i < 40; i++) drive.putFile(folder, `inv-${i}.xml`, ublInvoice({ number: `ANNA-${i}` }), 'replace');
    const started = await s.call('POST', `/v1/invitations/${token}/authorize`, {});
    await fetch(await answerConsent(started.body.url, 'allow', 'anna'), { redirect: 'manual' });
    assert.equal((await s.call('POST', `/v1/invitations/${token}/folder`, { path: 'Invoices' })).body.state, 'active');
    await s.deps.queue.idle();
    page = await w.browser.context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${s.baseUrl}/sign-in`);
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await page.reload();
    await signInAs(page, s.email, s.password);
  });
  after(() => w?.close());

  it('"Send again" on an active channel asks first, mails a reminder that does not say it stopped, and the channel stays active', async () => {
    const s = w.served;
    await page.goto(`${s.baseUrl}/collection/${channelId}`);
    const box = page.getByTestId('invitation');
    await box.getByText('Connected', { exact: true }).waitFor();
    const before = (await mailsTo(s.deps.config.dataDir, 'anna@example.com')).length;
    await box.getByRole('button', { name: 'Send again' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send the client an e-mail?' });
    await dialog.getByText(/anna@example\.com a reminder.*the connection keeps working/).waitFor();
    assert.equal((await mailsTo(s.deps.config.dataDir, 'anna@example.com')).length, before, 'nothing is sent before the user confirms');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await box.getByText(/Reminder sent to anna@example\.com/).waitFor();
    const mails = await mailsTo(s.deps.config.dataDir, 'anna@example.com');
    assert.equal(mails.length, before + 1);
    assert.doesNotMatch(mails.at(-1)!, /stopped working/);
    assert.match(mails.at(-1)!, /keeps working/);
    assert.equal((await s.call('GET', `/v1/channels/${channelId}`)).body.state, 'active');
    await box.getByText('Connected', { exact: true }).waitFor();
    assert.equal(await box.getByText('Waiting for the client').count(), 0, 'the badge says what the API says');
  });

  it('a double click on Run starts one run: one notice, one row in the history', async () => {
    const s = w.served;
    await page.goto(`${s.baseUrl}/collection/${channelId}`);
    await page.getByRole('button', { name: 'Run now' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run the collection now?' });
    await dialog.getByRole('button', { name: 'Run' }).dblclick();
    await page.getByText('The collection of "Anna (internal)" was started').first().waitFor();
    await s.deps.queue.idle();
    await page.getByTestId('run-history').getByRole('button', { name: /By hand/ }).first().waitFor();
    assert.equal(await page.getByText('The collection of "Anna (internal)" was started').count(), 1, 'one notice');
    const manual = (await s.call('GET', `/v1/channels/${channelId}/runs`)).body.items.filter((r: { trigger: string }) => r.trigger === 'manual');
    assert.equal(manual.length, 1, 'one run by hand');
    assert.equal(await page.getByTestId('run-history').getByRole('button', { name: /By hand/ }).count(), 1, 'one row');
    // Counts agree with their number in French: "0 trouvé", not "0 trouvés" (i18next's plurals).
    await page.evaluate(() => localStorage.setItem('dossier.language', 'fr'));
    await page.reload();
    await page.getByTestId('run-history').getByText(/^0 trouvé · 0 déposé · 0 en échec$/).first().waitFor();
    await page.getByTestId('run-history').getByText(/^40 trouvés · 40 déposés · 0 en échec$/).waitFor();
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
  });
});
