import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { invoiceFields, multipart, otherOrganization, pdf, startApi, upload, type Api } from '../harness.test.js';
import { collectOne, member } from '../../../test/security/members.js';
import { startReceiver, verifyStandardWebhook, type Receiver } from '../../../test/helpers/webhook-receiver.js';
import { mailsTo } from '../../../test/helpers/outbox.js';

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Webhooks and alerts through the API, fed by the real backup, collection and inbox. */
describe('webhooks and alerts through the API', () => {
  let api: Api;
  let receiver: Receiver;
  before(async () => {
    api = await startApi();
    receiver = await startReceiver();
    api.deps.webhooks.delivery.start();
  });
  after(async () => { await api?.close(); await receiver?.close(); });

  it('a host app subscribes, and hears of documents created, backed up, collected and done, each signed', async () => {
    const created = await api.call({ method: 'POST', url: '/v1/webhooks', payload: { url: receiver.url, eventTypes: ['document.created', 'document.backed_up', 'collection.document_received', 'collection.run_finished', 'inbox.item_done'] } });
    assert.equal(created.statusCode, 201, created.body);
    const { endpoint, secret } = created.json();
    assert.match(secret, /^whsec_/);
    const shown = await api.call({ method: 'GET', url: `/v1/webhooks/${endpoint.id}` });
    assert.ok(!shown.body.includes(secret.slice(6)), 'the secret is never shown again');

    const root = await api.folder('hooks');
    await api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'NAS', kind: 'local', settings: { root } } });
    const doc = (await upload(api, invoiceFields(api.companyId, { number: 'WH-1' }))).json();
    await api.deps.queue.idle();
    const collected = await collectOne(api);
    const done = await api.call({ method: 'PATCH', url: `/v1/inbox/${collected.itemId}`, payload: { status: 'done' } });
    assert.equal(done.statusCode, 200, done.body);
    await api.deps.queue.idle();
    await until('the events', () => ['document.created', 'document.backed_up', 'collection.document_received', 'collection.run_finished', 'inbox.item_done']
      .every((t) => receiver.requests.some((r) => r.json.type === t)));
    for (const r of receiver.requests) assert.ok(verifyStandardWebhook(secret, r.headers, r.body), r.json.type);
    const ofDoc = receiver.requests.filter((r) => r.json.data.documentId === doc.id).map((r) => r.json.type);
    assert.deepEqual(ofDoc.slice(0, 2), ['document.created', 'document.backed_up'], 'created before backed up');
    assert.ok(receiver.requests.some((r) => r.json.type === 'inbox.item_done' && r.json.data.inboxItemId === collected.itemId));

    await api.deps.webhooks.delivery.idle();
    const log = await api.call({ method: 'GET', url: `/v1/webhooks/${endpoint.id}/deliveries` });
    assert.equal(log.statusCode, 200, log.body);
    const items = log.json().items as Array<{ seq: number; state: string; tries: Array<{ statusCode: number }> }>;
    assert.ok(items.length >= 5 && items.every((d) => d.state === 'delivered' && d.tries[0]!.statusCode === 200));
    const replay = await api.call({ method: 'POST', url: `/v1/webhooks/${endpoint.id}/deliveries/${items[0]!.seq}/replay`, payload: {} });
    assert.equal(replay.statusCode, 202, replay.body);
    const test = await api.call({ method: 'POST', url: `/v1/webhooks/${endpoint.id}/test`, payload: {} });
    assert.equal(test.statusCode, 202, test.body);
    await until('the test event', () => receiver.requests.some((r) => r.id === test.json().messageId));
    const rotated = await api.call({ method: 'POST', url: `/v1/webhooks/${endpoint.id}/rotate-secret`, payload: {} });
    assert.equal(rotated.statusCode, 200, rotated.body);
    assert.notEqual(rotated.json().secret, secret);
  });

  it('refuses an endpoint on an address the egress policy does not allow, and unknown event types', async () => {
    const metadata = await api.call({ method: 'POST', url: '/v1/webhooks', payload: { url: 'http://169.254.169.254/hook', eventTypes: ['document.created'] } });
    assert.equal(metadata.statusCode, 400, metadata.body);
    assert.match(metadata.json().error.message, /DOSSIER_ALLOW_HOSTS/);
    const unknown = await api.call({ method: 'POST', url: '/v1/webhooks', payload: { url: receiver.url, eventTypes: ['document.deleted'] } });
    assert.equal(unknown.statusCode, 400);
  });

  it('only administrators manage webhooks; another organization sees none of them', async () => {
    const { endpoint } = (await api.call({ method: 'POST', url: '/v1/webhooks', payload: { url: receiver.url, eventTypes: ['document.created'] } })).json();
    const everything = await member(api, ['manage_companies', 'manage_documents', 'configure_collection', 'review_inbox', 'manage_destinations', 'manage_users']);
    for (const [method, url] of [['GET', '/v1/webhooks'], ['POST', '/v1/webhooks'], ['GET', `/v1/webhooks/${endpoint.id}`], ['GET', `/v1/webhooks/${endpoint.id}/deliveries`],
      ['POST', `/v1/webhooks/${endpoint.id}/rotate-secret`], ['DELETE', `/v1/webhooks/${endpoint.id}`]] as const) {
      const res = await api.call({ method, url, key: everything.key, ...(method === 'POST' && { payload: { url: receiver.url, eventTypes: ['document.created'] } }) });
      assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
    }
    const other = await otherOrganization(api);
    assert.deepEqual((await api.call({ method: 'GET', url: '/v1/webhooks', key: other.apiKey })).json().items, []);
    for (const [method, url] of [['GET', `/v1/webhooks/${endpoint.id}`], ['PATCH', `/v1/webhooks/${endpoint.id}`], ['DELETE', `/v1/webhooks/${endpoint.id}`],
      ['POST', `/v1/webhooks/${endpoint.id}/test`], ['GET', `/v1/webhooks/${endpoint.id}/deliveries`], ['POST', `/v1/webhooks/${endpoint.id}/deliveries/1/replay`]] as const) {
      const res = await api.call({ method, url, key: other.apiKey, ...(method !== 'GET' && method !== 'DELETE' && { payload: {} }) });
      assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
    }
    // An event of the other organization never reaches this one's endpoints.
    const before = receiver.requests.length;
    const theirs = multipart([...invoiceFields(other.companyId, { number: 'OTHER-1' }), { name: 'file', filename: 'o.pdf', type: 'application/pdf', content: pdf() }]);
    assert.equal((await api.call({ method: 'POST', url: '/v1/documents', key: other.apiKey, ...theirs })).statusCode, 201);
    await api.deps.webhooks.delivery.idle();
    assert.ok(!receiver.requests.slice(before).some((r) => r.json.data.companyId === other.companyId));
  });

  it('alerts: one mail per incident, in each recipient\'s language, to who chose it', async () => {
    const nl = await member(api, ['manage_destinations']);
    const fr = await member(api, ['manage_destinations']);
    const quiet = await member(api, ['manage_destinations']);
    assert.equal((await api.call({ method: 'PUT', url: '/v1/users/me/alerts', key: nl.key, payload: { language: 'nl', kinds: ['needs_attention'] } })).statusCode, 200);
    assert.equal((await api.call({ method: 'PUT', url: '/v1/users/me/alerts', key: fr.key, payload: { language: 'fr', kinds: ['needs_attention', 'daily_digest'] } })).statusCode, 200);
    const settings = await api.call({ method: 'GET', url: '/v1/users/me/alerts', key: quiet.key });
    assert.deepEqual(settings.json(), { language: 'en', kinds: ['client_connected'], chosen: false });
    const bad = await api.call({ method: 'PUT', url: '/v1/users/me/alerts', key: nl.key, payload: { language: 'es' } });
    assert.equal(bad.statusCode, 400);

    const broken = { type: 'destination.needs_attention' as const, orgId: api.orgId, subject: 'dst_alerted', data: { name: 'Office NAS', reason: 'The server refused the password.' } };
    await api.deps.announce(broken);
    await api.deps.announce(broken); // the next retry fails the same way: the same incident
    assert.equal((await mailsTo(api.deps.config.dataDir, nl.email)).length, 1);
    const [nlMail] = await mailsTo(api.deps.config.dataDir, nl.email);
    assert.match(nlMail!, /De back-up "Office NAS" is gestopt: The server refused the password\./);
    assert.match((await mailsTo(api.deps.config.dataDir, fr.email))[0]!, /La sauvegarde « Office NAS » s'est arrêtée/);
    assert.equal((await mailsTo(api.deps.config.dataDir, quiet.email)).length, 0, 'a member who did not choose it gets none');
    assert.equal((await mailsTo(api.deps.config.dataDir, 'admin@localhost')).filter((m) => m.includes('Office NAS')).length, 1, 'administrators get it by default');

    await api.deps.announce({ ...broken, type: 'destination.recovered' });
    await api.deps.announce(broken); // a new incident after recovering
    assert.equal((await mailsTo(api.deps.config.dataDir, nl.email)).length, 2);
  });
});
