import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { Served } from '../helpers/served.js';
import { signInAs, startWebWorld, type WebWorld, withoutChromium } from '../helpers/browser.js';
import { appendMessages, composeMail, dovecotSettings, tinyPdf } from '../helpers/mail.js';
import { startMailSignIn } from '../helpers/mail-oauth.js';
import { startDovecot } from '../servers/dovecot.js';

/**
 * E-mail channels in Debian's Chromium: one made to sign in to a Microsoft 365 mailbox goes to
 * the provider's consent page (the OAuth emulator) and back to its page, active, its mailbox
 * read over XOAUTH2 by a real Dovecot; one made with a password has its server changed in the
 * edit dialog (another Dovecot, the password typed again, the folder kept), and its next run
 * reads the new mailbox.
 */
describe('e-mail channels in the web app (Chromium, Dovecot)', async () => {
  if (await withoutChromium()) return;
  const mail = await startMailSignIn();
  const other = await startDovecot();
  if (!mail || !other) return void it('needs Dovecot (dovecot-imapd)', { skip: true }, () => undefined);

  let world: WebWorld;
  let s: Served;
  before(async () => {
    world = await startWebWorld({}, { providers: (baseUrl) => mail.providers(baseUrl) });
    s = world.served;
  });
  after(async () => {
    await world?.close();
    await mail.stop();
    await other.stop();
  });

  let signedIn = false;
  const open = async () => {
    const page = await world.browser.context.newPage();
    page.setDefaultTimeout(30_000);
    if (!signedIn) {
      await page.goto(`${s.baseUrl}/sign-in`);
      await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
      await page.reload();
      await signInAs(page, s.email, s.password);
      signedIn = true;
    }
    await page.goto(`${s.baseUrl}/collection/new?kind=email`);
    await page.getByRole('textbox', { name: /^Name\W*$/ }).waitFor();
    return page;
  };
  const mailServer = (page: Page) => page.getByTestId('mail-server-address');

  it('makes a channel that signs in to a Microsoft 365 mailbox: consent, back to the channel, active', async () => {
    const page = await open();
    await page.getByRole('textbox', { name: /^Name\W*$/ }).fill('Purchases mailbox');
    await page.getByLabel(/^Name of the new binder/).fill('Purchases');
    await page.getByLabel(/signs in to a Microsoft 365 or Gmail mailbox/).check();
    await page.getByLabel(/^Sign in with/).selectOption({ label: 'Microsoft 365 mailbox' });
    await page.getByLabel(/^Mailbox address/).fill(mail.dovecot.username);
    await world.shot(page, 'mail-sign-in-new');
    await page.getByRole('button', { name: 'Create the channel' }).click();
    // The provider's consent page, as the user sees it.
    await page.getByLabel('Signed in as').fill('collector');
    await page.getByText('https://outlook.office.com/IMAP.AccessAsUser.All').waitFor();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/collection\/chn_/);
    await mailServer(page).getByText(`${mail.dovecot.username} · ${mail.dovecot.host}:${mail.dovecot.port} · INBOX`).waitFor();
    await page.getByRole('button', { name: 'Sign in again' }).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const channel = await s.call('GET', `/v1/channels/${id}`);
    assert.equal(channel.body.state, 'active', channel.body.stateReason);
    assert.ok(mail.asked.length > 0, 'Dovecot checked the token');
    await world.shot(page, 'mail-sign-in-done');
    await page.close();
  });

  it('changes the server of a password channel in the edit dialog, and the next run reads the new mailbox', async () => {
    const first = mail.dovecot;
    await appendMessages(other, [await composeMail({ messageId: '<moved-1@supplier.example>', attachments: [{ filename: 'moved.pdf', content: tinyPdf('moved') }] })]);
    // Made through the API: the test servers' certificate is private, and the one given trusts both.
    const settings = dovecotSettings(first);
    const made = await s.call('POST', '/v1/channels', {
      companyId: s.companyId, name: 'Old server', kind: 'email', recipientId: (await s.call('GET', '/v1/channel-recipients')).body.items[0].id,
      binderName: 'Purchases', settings: { ...settings, caCertificate: `${first.certificate}\n${other.certificate}` }, mail: { others: 'accept' },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const id = made.body.id;
    const page = await open();
    await page.goto(`${s.baseUrl}/collection/${id}`);
    await mailServer(page).getByText(`${first.username} · ${first.host}:${first.port} · INBOX`).waitFor();

    // A wrong password is refused and changes nothing.
    await page.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Port/).fill(String(other.port));
    await dialog.getByLabel(/^Password/).fill('wrong');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText(/could not open the mailbox with these settings/).waitFor();
    assert.equal((await s.call('GET', `/v1/channels/${id}`)).body.server.port, first.port);

    // The right password: stored, shown, and never put back in the form.
    await dialog.getByLabel(/^Password/).fill(other.password);
    await world.shot(page, 'mail-server-edit');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('The changes are saved.').waitFor();
    await mailServer(page).getByText(`${other.username} · ${other.host}:${other.port} · INBOX`).waitFor();
    await page.getByRole('button', { name: 'Edit' }).click();
    assert.equal(await page.getByRole('dialog').getByLabel(/^Password/).inputValue(), '', 'the password is not shown again');
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Run' }).click();
    await page.getByTestId('files-collected').getByText('1').waitFor();
    assert.equal((await s.call('GET', `/v1/channels/${id}`)).body.files.collected, 1);
    await page.close();
  });
});
