import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Served } from '../helpers/served.js';
import { launchBrowser, signInAs, startWebWorld, type WebWorld, withoutChromium } from '../helpers/browser.js';
import { connectLinks } from '../helpers/outbox.js';
import { startSshd, type TestSshd } from '../servers/sshd.js';

/**
 * The folder pickers in Debian's Chromium: the wizard browses an SFTP server with the details
 * just tested and makes the backup's folder there; the client, on the invitation page, makes a
 * folder in an account the channel may write to, a slash refused in both.
 */
describe('folder pickers, end to end (Chromium)', async () => {
  if (await withoutChromium()) return;

  let world: WebWorld;
  let s: Served;
  let sshd: TestSshd | null = null;
  before(async () => {
    world = await startWebWorld();
    s = world.served;
    sshd = await startSshd();
  });
  after(async () => {
    await world?.close();
    await sshd?.stop();
  });

  it('browses the SFTP server in the wizard, makes the folder there and backs up into it', { skip: !existsSync('/usr/sbin/sshd') && 'install openssh-server' }, async () => {
    const server = sshd!;
    await mkdir(join(server.root, 'Scans'));
    const page = await world.browser.context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${s.baseUrl}/sign-in?next=${encodeURIComponent('/destinations/new?kind=sftp')}`);
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await page.reload();
    await signInAs(page, s.email, s.password, 'New SFTP server backup');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('textbox', { name: 'Server', exact: true }).fill(server.host);
    await page.getByLabel('Port').fill(String(server.port));
    await page.getByLabel('User name').fill(server.username);
    await page.getByText('Private key', { exact: true }).click();
    await page.getByRole('textbox', { name: 'Private key' }).fill(server.privateKey);
    await page.getByLabel('Folder on the server').fill(server.root);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('The connection works.').waitFor();
    await page.getByLabel('This is my server\'s key').check();

    await page.getByRole('button', { name: 'Choose the folder on the server' }).click();
    const browser = page.getByTestId('server-folders');
    await browser.getByTestId('folder-list').getByRole('button', { name: 'Scans' }).waitFor();
    await browser.getByLabel('New folder').fill('Dossier/2024');
    await browser.getByText('A folder name cannot contain a slash').waitFor();
    assert.ok(await browser.getByRole('button', { name: 'Create' }).isDisabled(), 'a slash is refused before it is sent');
    await browser.getByLabel('New folder').fill('Dossier');
    await browser.getByRole('button', { name: 'Create' }).click();
    await browser.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'Dossier', exact: true }).waitFor();
    assert.ok(existsSync(join(server.root, 'Dossier')), 'the folder is made on the server');
    await browser.getByTestId('select-current-folder').click();
    await browser.getByText('Selected: /Dossier').waitFor();
    assert.equal(await page.getByLabel('Folder on the server').inputValue(), `${server.root}/Dossier`);
    await world.shot(page, 'wizard-sftp-folder');

    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Start the backup' }).click();
    await page.getByRole('heading', { name: 'Your backup is linked' }).waitFor();
    await page.getByText(`${server.root}/Dossier`.replace(/^\/+/, '')).first().waitFor();
    await page.close();
  });

  it('lets the client make a folder on the invitation page of a channel that may write, refusing a slash', async () => {
    const adminId = (await s.call('GET', '/v1/users/me')).body.id;
    const res = await s.call('POST', '/v1/channels', { companyId: s.companyId, name: 'Bert OneDrive', kind: 'onedrive', recipientId: adminId, binderName: 'Purchases', clientEmail: 'bert@example.com', moveCollected: true });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const link = (await connectLinks(s.deps.config.dataDir)).at(-1)!;
    const client = (await launchBrowser({ viewport: { width: 390, height: 844 } }))!;
    try {
      const cp = await client.context.newPage();
      cp.setDefaultTimeout(30_000);
      await cp.goto(link);
      await cp.getByRole('button', { name: 'Connect OneDrive' }).click();
      await cp.waitForURL(/\/sandbox\//);
      await cp.getByLabel('Signed in as').fill('bert');
      await cp.getByRole('button', { name: 'Allow' }).click();
      await cp.waitForURL((u) => u.pathname.startsWith('/invite/dci_') && !u.searchParams.has('connection'));
      await cp.getByLabel('New folder').fill('Scans/2024');
      await cp.getByText('A folder name cannot contain a slash').waitFor();
      await cp.getByLabel('New folder').fill('Scans');
      await cp.getByRole('button', { name: 'Create' }).click();
      await cp.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'Scans' }).waitFor();
      await cp.getByRole('button', { name: 'Select current folder' }).click();
      await cp.getByText('Selected: /Scans').waitFor();
      const drive = s.deps.sandbox!.graph.state.drive('bert');
      assert.ok([...drive.items.values()].some((i) => i.folder && drive.pathOf(i).endsWith('/root:/Scans')), 'the folder is in the client\'s drive');
      const overflow = await cp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the client's page is ${overflow}px wider than a phone`);
      await cp.getByRole('button', { name: 'Collect from this folder' }).click();
      await cp.getByText('the documents in this folder are now collected').waitFor();
    } finally {
      await client.close();
    }
  });
});
