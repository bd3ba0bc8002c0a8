import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Served } from '../helpers/served.js';
import { signInAs, startWebWorld, type WebWorld, withoutChromium } from '../helpers/browser.js';
import { startS3, type TestS3 } from '../servers/s3.js';

/**
 * An S3 backup made in the wizard in Debian's Chromium with Object Lock on: the option the API
 * and the CLI have is a choice in the form too, explained, off by default, stored with the
 * destination, and the backup runs into the bucket.
 */
describe('an S3 bucket backup with Object Lock, made in the wizard (Chromium)', async () => {
  if (await withoutChromium()) return;

  let world: WebWorld;
  let s: Served;
  let s3: TestS3;
  before(async () => {
    world = await startWebWorld();
    s = world.served;
    s3 = await startS3();
  });
  after(async () => {
    await world?.close();
    await s3?.stop();
  });

  it('offers the lock with what it means, off by default; chosen, it is stored and the backup runs', async () => {
    const bucket = await s3.bucket();
    const page = await world.browser.context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${s.baseUrl}/sign-in?next=${encodeURIComponent('/destinations/new?kind=s3')}`);
    await page.evaluate(() => localStorage.setItem('dossier.language', 'en'));
    await page.reload();
    await signInAs(page, s.email, s.password, 'New S3 bucket backup');
    await page.getByLabel('Name').fill('Locked bucket');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByLabel('S3 endpoint (empty for AWS S3)').fill(s3.endpoint);
    await page.getByRole('textbox', { name: 'Bucket', exact: true }).fill(bucket);
    await page.getByLabel('Bucket in the path (MinIO, Garage, most self-hosted servers)').check();
    await page.getByLabel('Access key id').fill(s3.accessKeyId);
    await page.getByLabel('Secret access key').fill(s3.secretAccessKey);
    const lock = page.getByLabel('Lock each copy for as long as its document must be kept (Object Lock)');
    assert.equal(await lock.isChecked(), false, 'off unless asked: the bucket must have Object Lock on');
    await page.getByText('not even the bucket\'s owner can delete it sooner').waitFor();
    await lock.check();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('The connection works.').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Start the backup' }).click();
    await page.getByRole('heading', { name: 'Your backup is linked' }).waitFor();
    await page.close();

    const listed = (await s.call('GET', '/v1/destinations')).body;
    const made = (listed.items ?? listed).find((d: { name: string }) => d.name === 'Locked bucket');
    assert.ok(made, JSON.stringify(listed));
    // A server destination's settings live on its own connection.
    const row = await s.deps.db.selectFrom('destinations').innerJoin('connections', 'connections.id', 'destinations.connection_id')
      .select('connections.settings').where('destinations.id', '=', made.id).executeTakeFirstOrThrow();
    assert.equal(JSON.parse(row.settings).objectLock, true, 'the choice is stored with the destination');

    // A document uploaded now reaches the bucket. The lock headers of its upload (compliance mode,
    // until the retention ends) are checked request by request in src/api/routes/s3-object-lock.test.ts:
    // s3rver keeps them to itself, so they cannot be read back here.
    const form = new FormData();
    for (const [k, v] of Object.entries({ companyId: s.companyId, type: 'invoice', number: 'LOCK-1', date: '2024-03-14' })) form.append(k, v);
    form.set('file', new Blob([Buffer.from('%PDF-1.4 locked invoice\n%%EOF\n')], { type: 'application/pdf' }), 'lock-1.pdf');
    const up = await fetch(`${s.baseUrl}/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${s.apiKey}` }, body: form });
    assert.equal(up.status, 201, await up.text());
    const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    try {
      let keys: string[] = [];
      for (const until = Date.now() + 30_000; keys.length === 0 && Date.now() < until;) {
        keys = ((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key!).filter((k) => k.endsWith('.pdf'));
        if (keys.length === 0) await new Promise((r) => setTimeout(r, 300));
      }
      assert.equal(keys.length, 1, 'the document reached the bucket');
    } finally {
      client.destroy();
    }
  });
});
