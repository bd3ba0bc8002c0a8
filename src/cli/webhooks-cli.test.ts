import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dossierJson } from '../../test/helpers/cli.js';

/** `dossier webhooks`, on the real binary: the secret once, the queued test message in the log. */
describe('dossier webhooks (CLI)', () => {
  let work = '';
  const dossier = (...args: string[]) => dossierJson(join(work, 'data'), ...args);
  before(async () => { work = await mkdtemp(join(tmpdir(), 'dossier-cli-webhooks-')); });
  after(() => rm(work, { recursive: true, force: true }));

  it('adds an endpoint, prints its secret once, queues a test, rotates, refuses a private address', async () => {
    const made = await dossier('webhooks', 'add', '--url', 'http://127.0.0.1:9/hook', '--events', 'document.created,inbox.item_done');
    assert.equal(made.code, 0, JSON.stringify(made));
    assert.match(made.secret, /^whsec_/);
    const listed = await dossier('webhooks', 'list');
    assert.deepEqual(listed.endpoints.map((e: { id: string }) => e.id), [made.endpoint.id]);
    assert.ok(!JSON.stringify(listed).includes(made.secret.slice(6)));
    const test = await dossier('webhooks', 'test', made.endpoint.id);
    assert.equal(test.code, 0, JSON.stringify(test));
    const log = await dossier('webhooks', 'deliveries', made.endpoint.id);
    assert.deepEqual(log.deliveries.map((d: { messageId: string; state: string }) => [d.messageId, d.state]), [[test.messageId, 'pending']], 'queued for the server to send');
    const rotated = await dossier('webhooks', 'rotate-secret', made.endpoint.id);
    assert.notEqual(rotated.secret, made.secret);
    const refused = await dossierJson(join(work, 'data'), 'webhooks', 'add', '--url', 'http://10.1.2.3/hook', '--events', 'document.created');
    assert.notEqual(refused.code, 0);
    assert.match(JSON.stringify(refused), /DOSSIER_ALLOW_HOSTS/);
  });
});
