import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HTTPMethods } from 'fastify';
import { invoiceFields, otherOrganization, startApi, upload, type Api } from '../../src/api/harness.test.js';
import { RIGHTS, type Right } from '../../src/domain/rights.js';
import { ROUTE_RIGHTS, type Need } from '../../src/api/rights-table.js';
import { insertUser } from '../../src/catalog/users.js';
import { issueApiKey } from '../../src/auth/api-keys.js';
import { collectOne, member } from './members.js';

/**
 * Every route of the reference, called by everyone who might: nobody, a member lacking the
 * route's right, a member holding exactly it, an admin, and another organization addressing
 * this one's objects. The table in src/api/rights-table.ts is the one place that says who may.
 */
interface Operation { method: HTTPMethods; path: string; key: string }

const toFastify = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');
const placeholder = (name: string) => (name === 'provider' ? 'onedrive' : name === 'token' ? 'not-a-token' : 'zzz_missing');
const fill = (path: string, ids: Record<string, string> = {}) => path.replace(/\{(\w+)\}/g, (_m, name: string) => ids[name] ?? placeholder(name));
/** A live event stream never ends; asking for a missing destination's answers at once. */
const query = (path: string) => (path === '/v1/events' ? '?destinationId=dst_missing' : '');
const isPublic = (need: Need): need is { public: string } => typeof need === 'object';
const denied = new Set([401, 403]);

describe('the rights table', () => {
  let api: Api;
  let operations: Operation[] = [];
  const keys: Partial<Record<Right | 'none' | 'all', string>> = {};
  before(async () => {
    api = await startApi();
    const doc = (await api.call({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => {
      const method = m.toUpperCase() as HTTPMethods;
      return { method, path, key: `${method} ${toFastify(path)}` };
    }));
    keys.none = (await member(api, [])).key;
    keys.all = (await member(api, RIGHTS)).key;
    for (const r of RIGHTS) keys[r] = (await member(api, [r])).key;
  });
  after(() => api?.close());

  const call = (op: Operation, key: string | null, ids?: Record<string, string>) => api.call({
    method: op.method, url: fill(op.path, ids) + query(op.path), key,
    ...(['POST', 'PATCH', 'PUT'].includes(op.method) && { payload: {} }),
  });

  it('names every route of the reference, and only routes that exist', () => {
    assert.ok(operations.length > 50, `the reference lists ${operations.length} operations`);
    const missing = operations.filter((op) => !(op.key in ROUTE_RIGHTS)).map((op) => op.key);
    assert.deepEqual(missing, [], 'routes without an entry in src/api/rights-table.ts');
    const stale = Object.keys(ROUTE_RIGHTS).filter((k) => {
      const [method, url] = k.split(' ') as [HTTPMethods, string];
      return !api.app.hasRoute({ method, url });
    });
    assert.deepEqual(stale, [], 'entries of src/api/rights-table.ts without a route');
    for (const [k, need] of Object.entries(ROUTE_RIGHTS)) {
      if (isPublic(need)) assert.ok(need.public.length > 10, `${k}: a public route says why it is public`);
    }
  });

  it('refuses a caller without credentials on every route that is not public', async () => {
    for (const op of operations) {
      const need = ROUTE_RIGHTS[op.key]!;
      const res = await call(op, null);
      if (isPublic(need)) assert.ok(!denied.has(res.statusCode), `${op.key} is public: ${res.statusCode} ${res.body}`);
      else assert.equal(res.statusCode, 401, `${op.key}: ${res.body}`);
    }
  });

  it('refuses a member lacking the route\'s right, and lets in one holding exactly it', async () => {
    for (const op of operations) {
      const need = ROUTE_RIGHTS[op.key]!;
      if (isPublic(need)) continue;
      if (need === 'signed_in') {
        const res = await call(op, keys.none!);
        assert.ok(!denied.has(res.statusCode), `${op.key} needs only a signed-in user: ${res.statusCode} ${res.body}`);
        continue;
      }
      if (need === 'admin') {
        const res = await call(op, keys.all!);
        assert.equal(res.statusCode, 403, `${op.key} is for admins: ${res.body}`);
        continue;
      }
      const lacking = await member(api, RIGHTS.filter((r) => r !== need));
      const refused = await call(op, lacking.key);
      assert.equal(refused.statusCode, 403, `${op.key} without ${need}: ${refused.body}`);
      assert.match(refused.json().error.message, new RegExp(need), op.key);
      const allowed = await call(op, keys[need]!);
      assert.ok(!denied.has(allowed.statusCode), `${op.key} with exactly ${need}: ${allowed.statusCode} ${allowed.body}`);
    }
  });

  it('lets an admin into every route', async () => {
    for (const op of operations) {
      const res = await call(op, api.apiKey);
      assert.ok(!denied.has(res.statusCode), `${op.key} as admin: ${res.statusCode} ${res.body}`);
    }
  });

  it('answers another organization\'s admin and members about this one\'s objects exactly as about missing ones', async () => {
    const doc = (await upload(api, invoiceFields(api.companyId))).json();
    const root = await api.folder('table');
    const dst = (await api.call({ method: 'POST', url: '/v1/destinations', payload: { companyId: api.companyId, name: 'NAS', kind: 'local', settings: { root } } })).json();
    await api.deps.queue.idle();
    const runId = (await api.call({ method: 'GET', url: `/v1/destinations/${dst.id}` })).json().lastRunId as string;
    const collected = await collectOne(api);
    const channel = (await api.call({ method: 'GET', url: '/v1/channels' })).json().items[0];
    const collectRun = (await api.call({ method: 'GET', url: `/v1/channels/${channel.id}/runs` })).json().items[0];
    const made = (await api.call({ method: 'POST', url: '/v1/exports', payload: { companyId: api.companyId, from: '2024-01-01', to: '2024-12-31' } })).json();
    await api.deps.queue.idle();
    const someone = await member(api, []);
    const keyId = (await api.call({ method: 'GET', url: '/v1/api-keys' })).json().items.find((k: { userId: string }) => k.userId === someone.id).id;
    const idOf: Record<string, string> = {
      companies: api.companyId, documents: doc.id, destinations: dst.id, runs: runId, channels: channel.id,
      'collect-runs': collectRun.id, inbox: collected.itemId, users: someone.id, 'api-keys': keyId, exports: made.id,
    };

    const b = await otherOrganization(api);
    const bUser = await insertUser(api.deps.db, b.orgId, { email: 'b-member@example.com', name: 'B member', role: 'member', rights: RIGHTS });
    const bMemberKey = await issueApiKey(api.deps.db, b.orgId, bUser.id, 'b');
    let checked = 0, notFound = 0;
    for (const op of operations) {
      const area = op.path.split('/')[2]!;
      if (!op.path.startsWith(`/v1/${area}/{id}`) || !idOf[area]) continue;
      const real = idOf[area]!;
      const missing = `${real.split('_')[0]}_${'a'.repeat(real.split('_')[1]!.length)}`;
      for (const key of [b.apiKey, bMemberKey]) {
        const theirs = await call(op, key, { id: real });
        const none = await call(op, key, { id: missing });
        // Mostly 404; a body refused before the object is looked up (400, 415), or the member's
        // missing admin role (403), is refused alike for both.
        const refusedAs = key === b.apiKey ? denied : new Set([401]);
        assert.ok(theirs.statusCode >= 400 && !refusedAs.has(theirs.statusCode), `${op.key} from another organization: ${theirs.statusCode} ${theirs.body}`);
        assert.equal(theirs.statusCode, none.statusCode, op.key);
        assert.equal(theirs.body.replaceAll(real, missing), none.body, op.key);
        checked++;
        if (theirs.statusCode === 404) notFound++;
      }
    }
    assert.ok(checked > 40, `${checked} calls from the other organization`);
    // The rest were refused before any lookup (an empty body checked first, an admin-only route
    // to a member), answered alike for both ids as asserted above.
    assert.ok(notFound > checked * 0.75, `${notFound} of ${checked} calls answered 404`);
    for (const url of [`/v1/documents/${doc.id}`, `/v1/destinations/${dst.id}`, `/v1/runs/${runId}`, `/v1/channels/${channel.id}`, `/v1/inbox/${collected.itemId}`]) {
      assert.equal((await api.call({ method: 'GET', url })).statusCode, 200, `${url} is still there`);
    }
    assert.equal((await api.call({ method: 'GET', url: '/v1/users/me', key: someone.key })).statusCode, 200, 'the key is not revoked');
  });
});
