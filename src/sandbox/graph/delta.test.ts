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

    it(driveType === 'business' ? 'refuses folder delta with 501' : 'serves folder delta', async () => {
      const res = await api('GET', `/drives/${d}/root:/In:/delta`);
      assert.equal(res.status, driveType === 'business' ? 501 : 200);
      if (driveType === 'personal') assert.ok(((await res.json()) as any).value.every((i: any) => i.name !== 'new.pdf'), 'only that folder');
    });
  });
}
