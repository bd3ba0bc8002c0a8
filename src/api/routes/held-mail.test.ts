import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { otherOrganization, startApi } from '../harness.test.js';
import { composeMail, intakeDeps, mailChannel, mailJob, tinyPdf } from '../../../test/helpers/mail.js';
import type { CollectWorld } from '../../../test/helpers/collect.js';
import { intakeMessage } from '../../collect/email/message-intake.js';

test('held messages: listed, let in or refused by a user with review_inbox, and by nobody else', async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const userId = (await api.call({ method: 'GET', url: '/v1/users/me' })).json().id;
  const w = { deps: api.deps, orgId: api.orgId, companyId: api.companyId, userId } as unknown as CollectWorld;
  const channel = await mailChannel(w, { allowList: ['supplier.example'], others: 'hold' });
  const smtp = { kind: 'smtp' as const, envelopeFrom: 'x@elsewhere.example', rcptTo: 'in@dossier.example', remoteAddress: '192.0.2.1' };
  for (const id of ['h1', 'h2']) {
    const raw = await composeMail({ from: `stranger-${id}@elsewhere.example`, messageId: `<${id}@elsewhere.example>`, subject: `Invoice ${id}`, attachments: [{ filename: `${id}.pdf`, content: tinyPdf(id) }] });
    assert.equal((await intakeMessage(intakeDeps(w), await mailJob(w, channel), raw, smtp)).outcome, 'held');
  }
  const url = `/v1/channels/${channel.id}/held`;
  const listed = (await api.call({ method: 'GET', url })).json().items;
  assert.deepEqual(listed.map((m: { messageKey: string }) => m.messageKey).sort(), ['mid:h1@elsewhere.example', 'mid:h2@elsewhere.example']);
  assert.equal(listed.find((m: { messageKey: string }) => m.messageKey === 'mid:h1@elsewhere.example').fromAddress, 'stranger-h1@elsewhere.example');

  // Without review_inbox: refused before anything is read or changed.
  const keyWith = async (email: string, rights: string[]) => {
    const user = (await api.call({ method: 'POST', url: '/v1/users', payload: { email, name: email, rights } })).json();
    return (await api.call({ method: 'POST', url: `/v1/users/${user.id}/api-keys`, payload: { name: 'k' } })).json().apiKey as string;
  };
  const configurer = await keyWith('configurer@example.com', ['configure_collection']);
  const attempts: InjectOptions[] = [
    { method: 'GET', url },
    { method: 'POST', url: `${url}/release`, payload: { messageKey: 'mid:h1@elsewhere.example' } },
    { method: 'POST', url: `${url}/refuse`, payload: { messageKey: 'mid:h1@elsewhere.example' } },
  ];
  for (const a of attempts) {
    const res = await api.call({ ...a, key: configurer });
    assert.equal(res.statusCode, 403, `${a.method} ${a.url}: ${res.body}`);
    assert.equal(res.json().error.reason, 'missing_right');
  }
  // Another organization does not see the channel at all.
  const other = await otherOrganization(api);
  for (const a of attempts) assert.equal((await api.call({ ...a, key: other.apiKey })).statusCode, 404, `${a.method} ${a.url}`);
  assert.equal((await api.call({ method: 'GET', url })).json().items.length, 2, 'nothing changed');

  // A reviewer lets one in: its document reaches the inbox; a second try says it is not held any more.
  const reviewer = await keyWith('reviewer@example.com', ['review_inbox']);
  const released = await api.call({ method: 'POST', url: `${url}/release`, payload: { messageKey: 'mid:h1@elsewhere.example' }, key: reviewer });
  assert.equal(released.statusCode, 200, released.body);
  assert.deepEqual([released.json().outcome, released.json().filed], ['collected', 1]);
  const inbox = (await api.call({ method: 'GET', url: `/v1/inbox?companyId=${api.companyId}`, key: reviewer })).json().items;
  assert.deepEqual(inbox.map((i: { filename: string }) => i.filename), ['h1.pdf']);
  const again = await api.call({ method: 'POST', url: `${url}/release`, payload: { messageKey: 'mid:h1@elsewhere.example' }, key: reviewer });
  assert.equal(again.statusCode, 409);
  assert.deepEqual([again.json().error.reason, again.json().error.params.outcome], ['message_not_held', 'collected']);

  // And refuses the other: nothing filed, the kept copy let go.
  const refused = await api.call({ method: 'POST', url: `${url}/refuse`, payload: { messageKey: 'mid:h2@elsewhere.example' }, key: reviewer });
  assert.equal(refused.statusCode, 200, refused.body);
  assert.equal(refused.json().outcome, 'refused');
  const row = await api.deps.db.selectFrom('mail_messages').select(['raw_sha256']).where('message_key', '=', 'mid:h2@elsewhere.example').executeTakeFirstOrThrow();
  assert.equal(row.raw_sha256, null);
  assert.deepEqual((await api.call({ method: 'GET', url, key: reviewer })).json().items, []);
  assert.equal((await api.call({ method: 'GET', url: `/v1/inbox?companyId=${api.companyId}` })).json().items.length, 1);
  assert.equal((await api.call({ method: 'POST', url: `${url}/refuse`, payload: { messageKey: 'mid:nothing@x' } })).statusCode, 404);
  // Both decisions are in the audit log, by the reviewer, naming the field sent and not its value.
  const audit = (await api.call({ method: 'GET', url: `/v1/audit?object=${channel.id}&type=settings.changed` })).json().items as Array<{ details: { request: string; fields: string[] }; actor: { kind: string } }>;
  const decisions = audit.filter((e) => e.details.request.includes('/held/'));
  assert.deepEqual(decisions.map((e) => e.details.request).sort(), ['POST /v1/channels/:id/held/refuse', 'POST /v1/channels/:id/held/release']);
  for (const e of decisions) assert.deepEqual(e.details.fields, ['messageKey']);
});
