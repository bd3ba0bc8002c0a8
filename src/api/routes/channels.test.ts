import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { otherOrganization, startApi, type Api } from '../harness.test.js';
import { ublInvoice } from '../../../test/helpers/collect.js';
import { mailsTo } from '../../../test/helpers/outbox.js';

describe('channel routes', () => {
  let api: Api;
  let adminId = '';
  before(async () => {
    api = await startApi();
    adminId = (await api.call({ method: 'GET', url: '/v1/users/me' })).json().id;
  });
  after(() => api?.close());

  async function localChannel(name: string) {
    const folder = await api.folder(name);
    await writeFile(join(folder, 'f.xml'), ublInvoice({ number: `${name}-1` }));
    const res = await api.call({ method: 'POST', url: '/v1/channels', payload: { companyId: api.companyId, name, kind: 'local', folder, recipientId: adminId, binderName: 'Purchases', collectAt: '07:15' } });
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  }

  it('creates a channel into a binder made by name, and runs it only when confirmed', async () => {
    const channel = await localChannel('acme');
    assert.equal(channel.state, 'active');
    assert.equal(channel.moveCollected, false);
    const binders = (await api.call({ method: 'GET', url: `/v1/binders?companyId=${api.companyId}` })).json().items;
    assert.deepEqual(binders.map((b: { id: string; name: string }) => [b.id, b.name]), [[channel.binderId, 'Purchases']]);
    const unconfirmed = await api.call({ method: 'POST', url: `/v1/channels/${channel.id}/run`, payload: {} });
    assert.equal(unconfirmed.statusCode, 400);
    assert.match(unconfirmed.json().error.message, /confirm/);
    const started = await api.call({ method: 'POST', url: `/v1/channels/${channel.id}/run`, payload: { confirm: true } });
    assert.equal(started.statusCode, 202, started.body);
    assert.match(started.json().runId, /^crn_/);
    await api.deps.queue.idle();
    const run = (await api.call({ method: 'GET', url: `/v1/collect-runs/${started.json().runId}` })).json();
    assert.equal(run.run.status, 'done');
    assert.equal(run.run.startedBy, adminId);
    assert.equal(run.run.trigger, 'manual');
    assert.deepEqual(run.items.map((i: { path: string; outcome: string }) => [i.path, i.outcome]), [['f.xml', 'collected']]);
    const detail = (await api.call({ method: 'GET', url: `/v1/channels/${channel.id}` })).json();
    assert.equal(detail.files.collected, 1);
    assert.equal(detail.lastRunId, started.json().runId);
  });

  it('refuses a second run by hand while one is queued or running: 409 with the running one', async () => {
    const channel = await localChannel('twice');
    await api.deps.queue.idle();
    const url = `/v1/channels/${channel.id}/run`;
    const answers = await Promise.all([1, 2].map(() => api.call({ method: 'POST', url, payload: { confirm: true } })));
    const statuses = answers.map((a) => a.statusCode).sort();
    assert.deepEqual(statuses, [202, 409], answers.map((a) => a.body).join(' '));
    const started = answers.find((a) => a.statusCode === 202)!.json();
    const refused = answers.find((a) => a.statusCode === 409)!.json();
    assert.equal(refused.error.code, 'conflict');
    assert.equal(refused.error.reason, 'run_in_progress');
    assert.equal(refused.error.params.runId, started.runId);
    assert.equal(refused.error.params.name, 'twice');
    await api.deps.queue.idle();
    const manual = (await api.call({ method: 'GET', url: `/v1/channels/${channel.id}/runs` })).json().items.filter((r: { trigger: string }) => r.trigger === 'manual');
    assert.equal(manual.length, 1);
    const again = await api.call({ method: 'POST', url, payload: { confirm: true } });
    assert.equal(again.statusCode, 202, 'once it ended, a new run may start');
    await api.deps.queue.idle();
  });

  it('refuses a recipient who is not a user of the organization and a binder of another company', async () => {
    const b = await otherOrganization(api);
    const stranger = (await api.call({ method: 'GET', url: '/v1/users/me', key: b.apiKey })).json().id;
    const folder = await api.folder('x');
    const res = await api.call({ method: 'POST', url: '/v1/channels', payload: { companyId: api.companyId, name: 'x', kind: 'local', folder, recipientId: stranger, binderName: 'P' } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error.message, /not a user of this organization/);
    const noBinder = await api.call({ method: 'POST', url: '/v1/channels', payload: { companyId: api.companyId, name: 'x', kind: 'local', folder, recipientId: adminId } });
    assert.equal(noBinder.statusCode, 400);
    const noEmail = await api.call({ method: 'POST', url: '/v1/channels', payload: { companyId: api.companyId, name: 'x', kind: 'onedrive', recipientId: adminId, binderName: 'P' } });
    assert.equal(noEmail.statusCode, 400);
    assert.match(noEmail.json().error.message, /clientEmail/);
  });

  it('answers 403 to a user without configure_collection, for every change', async () => {
    const channel = await localChannel('guarded');
    const user = (await api.call({ method: 'POST', url: '/v1/users', payload: { email: 'reader@example.com', name: 'Reader', rights: ['review_inbox'] } })).json();
    const key = (await api.call({ method: 'POST', url: `/v1/users/${user.id}/api-keys`, payload: { name: 'k' } })).json().apiKey;
    const attempts: InjectOptions[] = [
      { method: 'POST', url: '/v1/channels', payload: { companyId: api.companyId, name: 'n', kind: 'local', folder: '/tmp', recipientId: adminId, binderName: 'P' } },
      { method: 'PATCH', url: `/v1/channels/${channel.id}`, payload: { name: 'mine' } },
      { method: 'DELETE', url: `/v1/channels/${channel.id}` },
      { method: 'POST', url: `/v1/channels/${channel.id}/pause` },
      { method: 'POST', url: `/v1/channels/${channel.id}/run`, payload: { confirm: true } },
      { method: 'POST', url: '/v1/binders', payload: { companyId: api.companyId, name: 'Mine' } },
      { method: 'POST', url: `/v1/channels/${channel.id}/invite` },
      { method: 'GET', url: '/v1/channel-recipients' },
    ];
    for (const a of attempts) {
      const res = await api.call({ ...a, key });
      assert.equal(res.statusCode, 403, `${a.method} ${a.url}: ${res.body}`);
      // Nothing of the channel leaks: the code, the message, and the missing right for the web app to say.
      assert.deepEqual(Object.keys(res.json().error), ['code', 'message', 'reason', 'params']);
      assert.equal(res.json().error.code, 'forbidden');
      assert.equal(res.json().error.reason, 'missing_right');
      assert.match(res.json().error.message, /configure_collection/);
    }
    assert.equal((await api.call({ method: 'GET', url: `/v1/channels/${channel.id}`, key })).json().name, channel.name, 'nothing changed, and reading is allowed');
  });

  it('lists the recipients to choose from, and tells a run\'s start, progress and end as events', async () => {
    const recipients = (await api.call({ method: 'GET', url: '/v1/channel-recipients' })).json().items;
    assert.ok(recipients.some((r: { id: string; email: string }) => r.id === adminId && r.email), JSON.stringify(recipients));
    assert.deepEqual(Object.keys(recipients[0]).sort(), ['email', 'id', 'name'], 'names and addresses only');
    const channel = await localChannel('evented');
    const seen: Array<{ type: string; channelId?: string; collected?: number }> = [];
    const stop = api.deps.events.subscribe((e) => { if ('channelId' in e && e.channelId === channel.id) seen.push(e); });
    try {
      await api.call({ method: 'POST', url: `/v1/channels/${channel.id}/run`, payload: { confirm: true } });
      await api.deps.queue.idle();
    } finally {
      stop();
    }
    assert.equal(seen[0]?.type, 'collect.started');
    assert.ok(seen.some((e) => e.type === 'collect.progress'));
    assert.deepEqual([seen.at(-1)?.type, seen.at(-1)?.collected], ['collect.finished', 1]);
    assert.equal((await api.call({ method: 'GET', url: `/v1/channels/${channel.id}` })).json().invitation, null, 'a local folder has no invitation');
  });

  it('another organization cannot see or change channels and runs', async () => {
    const channel = await localChannel('tenant');
    const runId = (await api.call({ method: 'POST', url: `/v1/channels/${channel.id}/run`, payload: { confirm: true } })).json().runId;
    await api.deps.queue.idle();
    const b = await otherOrganization(api);
    for (const a of [
      { method: 'GET', url: `/v1/channels/${channel.id}` },
      { method: 'PATCH', url: `/v1/channels/${channel.id}`, payload: { name: 'mine' } },
      { method: 'DELETE', url: `/v1/channels/${channel.id}` },
      { method: 'POST', url: `/v1/channels/${channel.id}/run`, payload: { confirm: true } },
      { method: 'POST', url: `/v1/channels/${channel.id}/pause` },
      { method: 'GET', url: `/v1/channels/${channel.id}/runs` },
      { method: 'GET', url: `/v1/collect-runs/${runId}` },
      { method: 'GET', url: `/v1/channels?companyId=${api.companyId}` },
      { method: 'POST', url: '/v1/binders', payload: { companyId: api.companyId, name: 'Mine' } },
      { method: 'POST', url: '/v1/channels', payload: { companyId: api.companyId, name: 'n', kind: 'local', folder: '/tmp', recipientId: adminId, binderName: 'P' } },
    ] as InjectOptions[]) {
      const res = await api.call({ ...a, key: b.apiKey });
      assert.equal(res.statusCode, 404, `${a.method} ${a.url}: ${res.body}`);
    }
    assert.deepEqual((await api.call({ method: 'GET', url: '/v1/channels', key: b.apiKey })).json().items, []);
    assert.deepEqual((await api.call({ method: 'GET', url: '/v1/binders', key: b.apiKey })).json().items, []);
    assert.equal((await api.call({ method: 'GET', url: `/v1/channels/${channel.id}` })).json().name, 'tenant');
  });

  it('writes the invitation in the client\'s language, from and signed by the firm', async () => {
    await api.call({ method: 'PATCH', url: '/v1/organization', payload: { name: 'Fiduciaire Dupont' } });
    const made = await api.call({ method: 'POST', url: '/v1/channels', payload: {
      companyId: api.companyId, name: 'Client FR', kind: 'sftp', recipientId: adminId, binderName: 'Purchases', clientEmail: 'client-fr@example.com', clientLanguage: 'fr',
    } });
    assert.equal(made.statusCode, 201, made.body);
    assert.equal(made.json().clientLanguage, 'fr');
    const inv1 = await api.call({ method: "POST", url: `/v1/channels/${made.json().id}/invite` }); assert.equal(inv1.statusCode, 202, inv1.body);
    const mail = (await mailsTo(api.deps.config.dataDir, 'client-fr@example.com')).at(-1)!;
    assert.match(mail, /^From: "?Fiduciaire Dupont"? </m);
    assert.match(mail, /^Fiduciaire Dupont collecte les documents de My company/m);
    assert.match(mail, /Bien cordialement,\s+Fiduciaire Dupont/);

    // Changed to German, the next link goes out in German.
    const changed = await api.call({ method: 'PATCH', url: `/v1/channels/${made.json().id}`, payload: { clientLanguage: 'de' } });
    assert.equal(changed.json().clientLanguage, 'de');
    await api.call({ method: 'POST', url: `/v1/channels/${made.json().id}/invite` });
    assert.match((await mailsTo(api.deps.config.dataDir, 'client-fr@example.com')).at(-1)!, /^Fiduciaire Dupont holt die Belege/m);

    // A link to copy instead: answered, and no mail goes out.
    const before = (await mailsTo(api.deps.config.dataDir, 'client-fr@example.com')).length;
    const copied = await api.call({ method: 'POST', url: `/v1/channels/${made.json().id}/invite`, payload: { mail: false } });
    assert.equal(copied.statusCode, 202, copied.body);
    assert.match(copied.json().link, /^http:\/\/localhost:8080\/connect\/dci_[A-Za-z0-9_-]{43}$/);
    assert.equal((await mailsTo(api.deps.config.dataDir, 'client-fr@example.com')).length, before);
  });
});
