import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGraphEmulator, type GraphEmulator } from './server.js';

/** Follows nextLinks to the end of one round; returns every item and the deltaLink. */
async function round(emu: GraphEmulator, token: string, first: string): Promise<{ items: any[]; deltaLink: string; pages: number }> {
  const items: any[] = [];
  let url: string | undefined = first;
  let pages = 0;
  for (;;) {
    const res: Response = await fetch(url!, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const page = (await res.json()) as any;
    pages++;
    items.push(...page.value);
    if (page['@odata.deltaLink']) return { items, deltaLink: page['@odata.deltaLink'], pages };
    assert.ok(page['@odata.nextLink'], 'a page without deltaLink has a nextLink');
    url = page['@odata.nextLink'];
  }
}

for (const driveType of ['business', 'personal'] as const) {
  describe(`Graph emulator delta (${driveType})`, () => {
    let emu: GraphEmulator;
    let token: string;
    let d: string;
    const api = (method: string, path: string, body?: unknown) => fetch(emu.url + path, {
      method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: (body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body)) as BodyInit | undefined,
    });

    before(async () => {
      emu = await startGraphEmulator({ driveType, pageSize: 3 });
      token = emu.tokenFor('bob');
      d = ((await (await api('GET', '/me/drive')).json()) as { id: string }).id;
    });
    after(() => emu.stop());

    it('enumerates everything in pages, folders first, then reports only changes, deletions by id', async () => {
      const folder = (await (await api('POST', `/drives/${d}/items/root/children`, { name: 'In', folder: {}, '@microsoft.graph.conflictBehavior': 'fail' })).json()) as any;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(((await (await api('PUT', `/drives/${d}/items/${folder.id}:/f${i}.pdf:/content`, Buffer.from(`${i}`))).json()) as any).id);
      const first = await round(emu, token, `${emu.url}/drives/${d}/root/delta`);
      assert.ok(first.pages >= 3, 'paged by the default page size');
      assert.ok(first.items.findIndex((i) => i.id === folder.id) < first.items.findIndex((i) => i.id === ids[0]), 'the folder comes before its children');
      assert.ok(first.items.every((i) => i.parentReference?.path === undefined), 'no parentReference.path in delta');
      assert.match(first.deltaLink, /token=/);

      await api('PUT', `/drives/${d}/items/${folder.id}:/f1.pdf:/content`, Buffer.from('changed'));
      await api('DELETE', `/drives/${d}/items/${ids[2]}`);
      const second = await round(emu, token, first.deltaLink);
      const changed = second.items.filter((i) => ids.includes(i.id));
      assert.deepEqual(changed.map((i) => i.id).sort(), [ids[1], ids[2]].sort());
      const gone = changed.find((i) => i.id === ids[2]);
      assert.deepEqual(Object.keys(gone.deleted), ['state']);
      if (driveType === 'business') assert.equal(gone.name, undefined, 'Business leaves the name out');
      else assert.equal(gone.size, undefined, 'Personal leaves the size out');
      assert.equal(gone.cTag, undefined);

      const quiet = await round(emu, token, second.deltaLink);
      assert.deepEqual(quiet.items, []);
    });

    it('starts from now with token=latest', async () => {
      const latest = await round(emu, token, `${emu.url}/drives/${d}/root/delta?token=latest`);
      assert.deepEqual(latest.items, []);
      await api('PUT', `/drives/${d}/root:/new.pdf:/content`, Buffer.from('n'));
      const next = await round(emu, token, latest.deltaLink);
      assert.ok(next.items.some((i) => i.name === 'new.pdf'));
    });

    it('answers 410 with a Location for a token it invalidated', async () => {
      const latest = await round(emu, token, `${emu.url}/drives/${d}/root/delta?token=latest`);
      emu.state.invalidateDelta('bob');
      const res = await fetch(latest.deltaLink, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(res.status, 410);
      assert.equal(res.headers.get('location'), `${emu.url}/drives/${d}/root/delta`);
      assert.equal(((await res.json()) as any).error.code, 'resyncChangesApplyDifferences');
    });

    it('keeps $top in its links, and loses no item when one changes while the round is paged', async () => {
      const folder = (await (await api('POST', `/drives/${d}/items/root/children`, { name: 'Paged', folder: {} })).json()) as any;
      const latest = await round(emu, token, `${emu.url}/drives/${d}/root/delta?token=latest&$top=2`);
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(((await (await api('PUT', `/drives/${d}/items/${folder.id}:/p${i}.pdf:/content`, Buffer.from(`${i}`))).json()) as any).id);
      const first = (await (await fetch(latest.deltaLink, { headers: { Authorization: `Bearer ${token}` } })).json()) as any;
      assert.equal(first.value.length, 2, 'the $top of the first request');
      // p0 changes after the first page: it drops out of this round, and nothing else is skipped.
      await api('PUT', `/drives/${d}/items/${folder.id}:/p0.pdf:/content`, Buffer.from('again'));
      const rest = await round(emu, token, first['@odata.nextLink']);
      assert.ok(rest.pages >= 2, 'later pages keep $top');
      const seen = [...first.value, ...rest.items].map((i: any) => i.id);
      for (const id of ids.slice(1)) assert.ok(seen.includes(id), 'every unchanged file is in the round');
      const next = await round(emu, token, rest.deltaLink);
      assert.ok(next.items.some((i) => i.id === ids[0]), 'the changed file comes in the next round');
    });

    it(driveType === 'business' ? 'refuses folder delta with 501' : 'serves folder delta', async () => {
      const res = await api('GET', `/drives/${d}/root:/In:/delta`);
      assert.equal(res.status, driveType === 'business' ? 501 : 200);
      if (driveType === 'personal') assert.ok(((await res.json()) as any).value.every((i: any) => i.name !== 'new.pdf'), 'only that folder');
    });
  });
}

describe('Graph emulator folder delta (personal): items that leave the folder', () => {
  let emu: GraphEmulator;
  let token: string;
  let d: string;
  const api = async (method: string, path: string, body?: unknown) => (await fetch(emu.url + path, {
    method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: (body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body)) as BodyInit | undefined,
  })).json() as Promise<any>;

  before(async () => {
    emu = await startGraphEmulator({ driveType: 'personal' });
    token = emu.tokenFor('pia');
    d = (await api('GET', '/me/drive')).id;
  });
  after(() => emu.stop());

  it('reports a file or folder moved out as deleted (descendants too), and a folder rename without its descendants', async () => {
    const watched = await api('POST', `/drives/${d}/items/root/children`, { name: 'Watched', folder: {} });
    const elsewhere = await api('POST', `/drives/${d}/items/root/children`, { name: 'Elsewhere', folder: {} });
    const sub = await api('POST', `/drives/${d}/items/${watched.id}/children`, { name: 'Sub', folder: {} });
    const inner = await api('PUT', `/drives/${d}/items/${sub.id}:/inner.pdf:/content`, Buffer.from('i'));
    const loose = await api('PUT', `/drives/${d}/items/${watched.id}:/loose.pdf:/content`, Buffer.from('l'));
    const stays = await api('POST', `/drives/${d}/items/${watched.id}/children`, { name: 'Stays', folder: {} });
    const kept = await api('PUT', `/drives/${d}/items/${stays.id}:/kept.pdf:/content`, Buffer.from('k'));
    const first = await round(emu, token, `${emu.url}/drives/${d}/items/${watched.id}/delta`);

    await api('PATCH', `/drives/${d}/items/${loose.id}`, { parentReference: { id: elsewhere.id } });
    await api('PATCH', `/drives/${d}/items/${sub.id}`, { parentReference: { id: elsewhere.id } });
    await api('PATCH', `/drives/${d}/items/${stays.id}`, { name: 'Renamed' });
    const second = await round(emu, token, first.deltaLink);
    const byId = new Map(second.items.map((i) => [i.id, i]));
    for (const id of [loose.id, sub.id, inner.id]) assert.ok(byId.get(id)?.deleted, `${id} left the folder: deleted here`);
    assert.equal(byId.get(stays.id)?.name, 'Renamed');
    assert.equal(byId.has(kept.id), false, 'a folder rename does not emit what is inside it');

    await api('PATCH', `/drives/${d}/items/${loose.id}`, { parentReference: { id: watched.id } });
    const third = await round(emu, token, second.deltaLink);
    const back = third.items.find((i) => i.id === loose.id);
    assert.ok(back && !back.deleted, 'moved back in: an ordinary item again');
  });
});
