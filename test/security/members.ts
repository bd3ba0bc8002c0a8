import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { insertUser } from '../../src/catalog/users.js';
import { issueApiKey } from '../../src/auth/api-keys.js';
import { setPassword } from '../../src/auth/sessions.js';
import type { Right, Role } from '../../src/domain/rights.js';
import type { Api } from '../../src/api/harness.test.js';
import { ublInvoice } from '../helpers/collect.js';

/**
 * Users of an organization made straight in the catalog (as an operator would), so a test of
 * the API's own rules for granting rights does not depend on those rules to set itself up.
 */
export interface Member { id: string; email: string; key: string }

let counter = 0;
export async function member(api: Api, rights: readonly Right[], role: Role = 'member', orgId = api.orgId): Promise<Member> {
  const email = `member${++counter}@example.com`;
  const user = await insertUser(api.deps.db, orgId, { email, name: `Member ${counter}`, role, rights });
  return { id: user.id, email, key: await issueApiKey(api.deps.db, orgId, user.id, 'test') };
}

/** A member who can also sign in, with this password. */
export async function memberWithPassword(api: Api, rights: readonly Right[], password: string, role: Role = 'member'): Promise<Member> {
  const m = await member(api, rights, role);
  await setPassword(api.deps.db, api.orgId, m.id, password);
  return m;
}

/** Signs in through the API: the session cookie, or the failed answer. */
export async function signIn(api: Api, email: string, password: string): Promise<{ res: LightMyRequestResponse; cookie: string | null }> {
  const res = await api.call({ method: 'POST', url: '/v1/session', payload: { email, password }, key: null });
  const set = res.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  return { res, cookie: res.statusCode === 200 && first ? first.split(';')[0]! : null };
}

/** One document collected from a client's folder into the inbox: its vault id and inbox item id. */
export async function collectOne(api: Api): Promise<{ documentId: string; itemId: string }> {
  const folder = await api.folder(`collected-${++counter}`);
  await writeFile(join(folder, 'from-client.xml'), ublInvoice({ number: `C-${counter}`, seller: 'Supplier NV' }));
  const adminId = (await api.call({ method: 'GET', url: '/v1/users/me' })).json().id;
  const channel = (await api.call({
    method: 'POST', url: '/v1/channels',
    payload: { companyId: api.companyId, name: `client ${counter}`, kind: 'local', folder, recipientId: adminId, binderName: `Purchases ${counter}` },
  })).json();
  await api.call({ method: 'POST', url: `/v1/channels/${channel.id}/run`, payload: { confirm: true } });
  await api.deps.queue.idle();
  const item = (await api.call({ method: 'GET', url: `/v1/inbox?binderId=${channel.binderId}` })).json().items[0];
  return { documentId: item.documentId, itemId: item.id };
}
