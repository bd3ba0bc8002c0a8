import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Change, ChangePage, Entry, StorageConnector } from '../connector.js';
import { canComputeHash, contentHashOf } from '../kit/content-hash.js';
import { body } from './helpers.js';

/**
 * The change-feed part of the conformance suite, for connectors that declare `changeFeed`.
 * It holds a feed to what a consumer (a collection channel) relies on: the first call lists
 * every file, a later one what changed and nothing else, cursors outlive the connector that
 * made them, and a page read again from its old cursor says the same again.
 */
export interface ChangeFeedContext {
  connector(): StorageConnector;
  /** Another connector over the same storage, as after a restart. */
  reopen(): Promise<StorageConnector>;
  /** The page size the connector's feed was made with, when small: the first enumeration must then take several pages. */
  feedPageSize?: number;
}

interface Round { pages: Array<{ from: string | null; page: ChangePage }>; changes: Change[]; cursor: string }

/** Reads pages while the feed says more are waiting. */
export async function drainFeed(c: StorageConnector, dir: string, cursor: string | null): Promise<Round> {
  const pages: Round['pages'] = [];
  for (let at = cursor; ;) {
    const page = await c.changes!(dir, at);
    pages.push({ from: at, page });
    at = page.cursor;
    if (!page.hasMore) return { pages, changes: pages.flatMap((p) => p.page.changes), cursor: at };
    assert.ok(pages.length < 1000, 'the feed ends');
  }
}

/**
 * What reading a feed costs in requests, as an emulator's request log counts them: the first
 * enumeration, then (after `change`) the incremental read that reports what `change` did.
 */
export async function feedCost(c: StorageConnector, dir: string, requests: () => number, change: () => unknown): Promise<{ enumeration: number; incremental: number; changes: Change[]; cursor: string }> {
  let mark = requests();
  const first = await drainFeed(c, dir, null);
  const enumeration = requests() - mark;
  await change();
  mark = requests();
  const next = await drainFeed(c, dir, first.cursor);
  return { enumeration, incremental: requests() - mark, changes: next.changes, cursor: next.cursor };
}

/** Every file below `dir` now, by path relative to `dir`. */
export async function filesBelow(c: StorageConnector, dir: string, prefix = ''): Promise<Map<string, Entry>> {
  const out = new Map<string, Entry>();
  for await (const e of c.list(dir)) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDir) for (const [p, f] of await filesBelow(c, e.path, rel)) out.set(p, f);
    else out.set(rel, e);
  }
  return out;
}

/**
 * What a consumer knows, id -> path, after applying changes in order: an upsert places its id; a
 * delete drops its id, else what its path names (a file, or a folder and everything below it).
 */
export function applyChanges(model: Map<string, string>, changes: Change[], caseInsensitive: boolean): void {
  const key = (p: string) => (caseInsensitive ? p.toLowerCase() : p);
  for (const ch of changes) {
    if (ch.type === 'upsert') { model.set(ch.entry.id, ch.entry.path); continue; }
    if (model.delete(ch.id) || ch.path === undefined) continue;
    const gone = key(ch.path);
    for (const [id, p] of model) if (key(p) === gone || key(p).startsWith(`${gone}/`)) model.delete(id);
  }
}

/** The paths a round upserted, sorted; and its deletes. */
export const upsertPaths = (changes: Change[]) => changes.flatMap((c) => (c.type === 'upsert' ? [c.entry.path] : [])).sort();
export const deletesOf = (changes: Change[]) => changes.flatMap((c) => (c.type === 'delete' ? [c] : []));

const sorted = (m: Map<string, string>) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));

/** Defines the change-feed tests inside the current describe, for a connector that declares a feed. */
export function changeFeedTests(ctx: ChangeFeedContext): void {
  const FILES = ['a.pdf', 'keep/k.pdf', 'x/b.pdf', 'x/y/c.pdf', 'x/y/d.pdf', 'z/e.pdf', 'z/f.pdf', 'gone/g1.pdf', 'gone/g2.pdf'];
  let cursor = '';
  let model = new Map<string, string>();
  let before = new Map<string, Entry>();
  let replayable: Round | undefined;
  const feedIt = (title: string, fn: (c: StorageConnector) => Promise<void>) => it(title, async () => {
    const c = ctx.connector();
    assert.ok(c.capabilities.changeFeed && c.changes, 'the connector declares a change feed');
    await fn(c);
  });
  const put = (c: StorageConnector, path: string, data: Buffer = randomBytes(64)) => c.write(path, body(data), { size: data.length });
  const reality = async (c: StorageConnector, dir: string) => new Map([...await filesBelow(c, dir)].map(([p, e]) => [e.id!, p]));

  feedIt('lists every file below the folder first, page by page, with ids and the provider\'s hashes', async (c) => {
    for (const f of FILES) await put(c, `feed/${f}`);
    await c.mkdir('feed/empty');
    for (const f of ['o.pdf', 'in/o2.pdf']) await put(c, `feed-outside/${f}`);
    const round = await drainFeed(c, 'feed', null);
    assert.ok(round.pages.every((p) => !p.page.reset), 'a first enumeration is no reset');
    assert.deepEqual(round.changes.filter((ch) => ch.type === 'delete'), [], 'nothing deleted yet');
    if (ctx.feedPageSize && ctx.feedPageSize < FILES.length) assert.ok(round.pages.length > 1, 'several pages');
    applyChanges(model, round.changes, c.capabilities.names.caseInsensitive);
    assert.deepEqual([...model.values()].sort(), [...FILES].sort(), 'every file below feed/ once, nothing outside');
    before = await filesBelow(c, 'feed');
    let hashed = 0;
    for (const ch of round.changes) {
      assert.ok(ch.type === 'upsert' && !ch.entry.isDir, 'files only');
      assert.equal(ch.entry.id, before.get(ch.entry.path)?.id, `${ch.entry.path}: the provider's id`);
      for (const type of c.capabilities.hashes) {
        const reported: string | undefined = ch.entry.hashes?.[type];
        if (!reported || !canComputeHash(type)) continue;
        const data = Buffer.concat(await (await c.read(`feed/${ch.entry.path}`)).toArray());
        assert.equal(reported, await contentHashOf(type, Readable.from([data])), `${type} of ${ch.entry.path}`);
        hashed++;
      }
    }
    assert.ok(hashed >= FILES.length, 'each file carries a hash the provider reports');
    cursor = round.cursor;
  });

  feedIt('answers an empty page with a cursor that still works when nothing changed', async (c) => {
    const page = await c.changes!('feed', cursor);
    assert.deepEqual([page.changes, page.hasMore, page.reset], [[], false, false]);
    cursor = page.cursor;
  });

  feedIt('reports exactly what changed, to a new connector with the stored cursor: adds, changes, renames, moves, deletes', async (c) => {
    const stored = JSON.parse(JSON.stringify({ cursor })).cursor as string;
    await put(c, 'feed/new.pdf');
    await put(c, 'feed/a.pdf', randomBytes(99));
    await c.move!('feed/x/b.pdf', 'feed/x/b2.pdf');
    await c.move!('feed/x/y/c.pdf', 'feed/z/c.pdf');
    await c.remove('feed/z/e.pdf');
    await c.rmdir('feed/gone');
    await c.move!('feed/x/y/d.pdf', 'feed-outside/d.pdf');
    await c.move!('feed-outside/o.pdf', 'feed/o.pdf');
    await c.move!('feed-outside/in', 'feed/in');
    await c.move!('feed/z', 'feed/zz');
    const fresh = await ctx.reopen();
    const round = await drainFeed(fresh, 'feed', stored);
    await fresh.close();
    assert.ok(round.pages.every((p) => !p.page.reset));
    const known = new Map(model);
    for (const ch of round.changes) {
      if (ch.type === 'delete') assert.ok(known.has(ch.id) || ch.path !== undefined, `delete ${ch.id} names something the consumer knew`);
    }
    applyChanges(model, round.changes, c.capabilities.names.caseInsensitive);
    const now = await reality(c, 'feed');
    assert.deepEqual(sorted(model), sorted(now), 'the consumer\'s view matches the folder');
    const aId = before.get('a.pdf')!.id!;
    const moved = [...now].filter(([id, p]) => known.get(id) !== p || id === aId).map(([id]) => id).sort();
    const upserted = [...new Set(round.changes.flatMap((ch) => (ch.type === 'upsert' ? [ch.entry.id] : [])))].sort();
    assert.deepEqual(upserted, moved, 'upserts for new, changed, renamed and moved files only');
    const keepId = before.get('keep/k.pdf')!.id!;
    assert.ok(round.changes.every((ch) => (ch.type === 'upsert' ? ch.entry.id : ch.id) !== keepId && !(ch.type === 'delete' && ch.path?.startsWith('keep'))), 'an unchanged file is not mentioned');
    cursor = round.cursor;
    replayable = round;
  });

  feedIt('gives the same changes again for a page read again with its old cursor', async () => {
    assert.ok(replayable, 'the previous test ran');
    const again = await ctx.reopen();
    for (const { from, page } of replayable.pages) {
      const replay = await again.changes!('feed', from);
      assert.deepEqual([replay.changes, replay.hasMore, replay.reset], [page.changes, page.hasMore, page.reset]);
    }
    await again.close();
  });

  feedIt('loses nothing that changes while the first enumeration is under way', async (c) => {
    for (let i = 0; i < 6; i++) await put(c, `feed2/f${i}.pdf`);
    const mine = new Map<string, string>();
    const first = await c.changes!('feed2', null);
    applyChanges(mine, first.changes, c.capabilities.names.caseInsensitive);
    await put(c, 'feed2/late.pdf');
    await put(c, 'feed2/f0.pdf', randomBytes(7));
    let at = first.cursor;
    if (first.hasMore) {
      const rest = await drainFeed(c, 'feed2', at);
      applyChanges(mine, rest.changes, c.capabilities.names.caseInsensitive);
      at = rest.cursor;
    }
    // What came too late for the enumeration comes with the next call.
    applyChanges(mine, (await drainFeed(c, 'feed2', at)).changes, c.capabilities.names.caseInsensitive);
    assert.deepEqual(sorted(mine), sorted(await reality(c, 'feed2')));
  });

  feedIt('starts over, with reset, when handed a cursor it cannot use here', async (c) => {
    for (const stale of [cursor, 'not a cursor']) {
      const round = await drainFeed(c, 'feed2', stale);
      assert.equal(round.pages[0]!.page.reset, true, 'the first page says reset');
      const mine = new Map<string, string>();
      applyChanges(mine, round.changes, c.capabilities.names.caseInsensitive);
      assert.deepEqual(sorted(mine), sorted(await reality(c, 'feed2')), 'a full enumeration follows');
    }
  });
}

/** The change-feed tests on their own, for a connector set up differently from its main suite. */
export function defineChangeFeedSuite(name: string, target: { create(): Promise<StorageConnector>; cleanup?(): Promise<void>; feedPageSize?: number }): void {
  describe(`${name} change feed conformance`, () => {
    let c: StorageConnector;
    before(async () => { c = await target.create(); });
    after(async () => { await c?.close(); await target.cleanup?.(); });
    changeFeedTests({ connector: () => c, reopen: () => target.create(), feedPageSize: target.feedPageSize });
  });
}
