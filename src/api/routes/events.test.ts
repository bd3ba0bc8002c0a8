import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invoiceFields, otherOrganization, startApi, upload } from '../harness.test.js';
import { ublInvoice } from '../../../test/helpers/collect.js';

/** Reads an event stream as it arrives; close() stops reading. */
async function openStream(url: string, key: string) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: controller.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  let text = '';
  const reading = (async () => {
    const decoder = new TextDecoder();
    try { for await (const chunk of res.body!) text += decoder.decode(chunk as Uint8Array, { stream: true }); } catch { /* aborted */ }
  })();
  return { text: () => text, close: async () => { controller.abort(); await reading; } };
}

const parse = (text: string) => text.split('\n\n').filter((m) => m.startsWith('event:')).map((m) => {
  const [, type] = /^event: (.+)$/m.exec(m)!;
  return { type: type!, data: JSON.parse(/^data: (.+)$/m.exec(m)![1]!) };
});

/** GET /v1/events: a pass's start, progress and end arrive as server-sent events, for this organization only. */
test('a pass streams run.started, run.progress and run.finished to its organization, and nothing to another', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const address = await api.app.listen({ host: '127.0.0.1', port: 0 });
  const b = await otherOrganization(api);

  const open = (key: string) => openStream(`${address}/v1/events`, key);
  const mine = await open(api.apiKey);
  const theirs = await open(b.apiKey);
  t.after(async () => { await mine.close(); await theirs.close(); });

  await upload(api, invoiceFields(api.companyId));
  await upload(api, invoiceFields(api.companyId, { number: 'F-2024-002' }));
  const root = await api.folder('events');
  const dst = (await api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'NAS', kind: 'local', settings: { root } } })).json();
  await api.deps.queue.idle();
  // The stream is read as it arrives; wait until the end of the pass has come through.
  for (let i = 0; i < 200 && !mine.text().includes('run.finished'); i++) await new Promise((r) => setTimeout(r, 25));

  const events = parse(mine.text());
  assert.deepEqual([...new Set(events.map((e) => e.type))], ['run.started', 'run.progress', 'run.finished']);
  assert.ok(events.every((e) => e.data.destinationId === dst.id && e.data.orgId === undefined));
  const last = events.filter((e) => e.type === 'run.progress').at(-1)!;
  assert.deepEqual([last.data.done, last.data.planned], [2, 2]);
  assert.equal(events.at(-1)!.data.status, 'done');

  // Pausing is an event too; the other organization heard nothing of it all.
  await api.call({ method: 'POST', url: `/v1/destinations/${dst.id}/pause` });
  for (let i = 0; i < 200 && !mine.text().includes('destination.changed'); i++) await new Promise((r) => setTimeout(r, 25));
  assert.match(mine.text(), /"state":"paused"/);
  assert.doesNotMatch(theirs.text(), /event:/);

  // Another organization's destination cannot be watched.
  const denied = await fetch(`${address}/v1/events?destinationId=${dst.id}`, { headers: { authorization: `Bearer ${b.apiKey}` } });
  assert.equal(denied.status, 404);
});

test('?channelId= streams that collection channel\'s runs, and nothing of backups', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const address = await api.app.listen({ host: '127.0.0.1', port: 0 });
  const adminId = (await api.call({ method: 'GET', url: '/v1/users/me' })).json().id;
  const folder = await api.folder('collect-events');
  await writeFile(join(folder, 'a.xml'), ublInvoice({ number: 'EV-1' }));
  const channel = (await api.call({ method: 'POST', url: '/v1/channels', payload: { companyId: api.companyId, name: 'Scans', kind: 'local', folder, recipientId: adminId, binderName: 'P' } })).json();
  const stream = await openStream(`${address}/v1/events?channelId=${channel.id}`, api.apiKey);
  t.after(() => stream.close());

  await upload(api, invoiceFields(api.companyId));
  await api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'NAS', kind: 'local', settings: { root: await api.folder('nas') } } });
  await api.call({ method: 'POST', url: `/v1/channels/${channel.id}/run`, payload: { confirm: true } });
  await api.deps.queue.idle();
  for (let i = 0; i < 200 && !stream.text().includes('collect.finished'); i++) await new Promise((r) => setTimeout(r, 25));

  const events = parse(stream.text());
  assert.deepEqual([...new Set(events.map((e) => e.type))], ['collect.started', 'collect.progress', 'collect.finished']);
  assert.ok(events.every((e) => e.data.channelId === channel.id && e.data.orgId === undefined));
  assert.deepEqual([events.at(-1)!.data.status, events.at(-1)!.data.collected], ['done', 1]);

  const b = await otherOrganization(api);
  const denied = await fetch(`${address}/v1/events?channelId=${channel.id}`, { headers: { authorization: `Bearer ${b.apiKey}` } });
  assert.equal(denied.status, 404);
});
