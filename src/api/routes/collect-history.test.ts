import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { otherOrganization, startApi, type Api } from '../harness.test.js';
import { ublInvoice } from '../../../test/helpers/collect.js';

async function runChannel(api: Api, name: string, adminId: string): Promise<{ channelId: string; runId: string }> {
  const folder = await api.folder(name);
  await writeFile(join(folder, 'f.xml'), ublInvoice({ number: `${name}-1` }));
  const channel = (await api.call({ method: 'POST', url: '/v1/channels', payload: { companyId: api.companyId, name, kind: 'local', folder, recipientId: adminId, binderName: 'Purchases' } })).json();
  const run = (await api.call({ method: 'POST', url: `/v1/channels/${channel.id}/run`, payload: { confirm: true } })).json();
  await api.deps.queue.idle();
  return { channelId: channel.id, runId: run.runId };
}

test('the collection history lists every channel\'s runs newest first, filtered and paged, and only the organization\'s own', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const adminId = (await api.call({ method: 'GET', url: '/v1/users/me' })).json().id;
  const first = await runChannel(api, 'first', adminId);
  const second = await runChannel(api, 'second', adminId);

  const all = (await api.call({ method: 'GET', url: '/v1/collect-runs' })).json();
  assert.deepEqual(all.items.map((r: { id: string }) => r.id), [second.runId, first.runId]);
  assert.deepEqual(all.items.map((r: { channelName: string; status: string; collected: number }) => [r.channelName, r.status, r.collected]), [['second', 'done', 1], ['first', 'done', 1]]);
  assert.equal(all.next, null);

  const one = (await api.call({ method: 'GET', url: `/v1/collect-runs?channelId=${first.channelId}` })).json();
  assert.deepEqual(one.items.map((r: { id: string }) => r.id), [first.runId]);
  assert.deepEqual((await api.call({ method: 'GET', url: '/v1/collect-runs?status=failed,interrupted' })).json().items, []);
  assert.equal((await api.call({ method: 'GET', url: '/v1/collect-runs?status=done' })).json().items.length, 2);
  assert.equal((await api.call({ method: 'GET', url: '/v1/collect-runs?status=exploded' })).statusCode, 400);

  const page1 = (await api.call({ method: 'GET', url: '/v1/collect-runs?limit=1' })).json();
  assert.deepEqual(page1.items.map((r: { id: string }) => r.id), [second.runId]);
  const page2 = (await api.call({ method: 'GET', url: `/v1/collect-runs?limit=1&cursor=${page1.next}` })).json();
  assert.deepEqual(page2.items.map((r: { id: string }) => r.id), [first.runId]);
  assert.equal(page2.next, null);

  const b = await otherOrganization(api);
  assert.deepEqual((await api.call({ method: 'GET', url: '/v1/collect-runs', key: b.apiKey })).json().items, []);
  for (const url of [`/v1/collect-runs?channelId=${first.channelId}`, `/v1/collect-runs?companyId=${api.companyId}`]) {
    const res = await api.call({ method: 'GET', url, key: b.apiKey });
    assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
  }
});
