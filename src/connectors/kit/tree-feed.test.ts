import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Change } from '../connector.js';
import { FolderTree } from './folder-tree.js';
import { FeedExpired, treeFeedPage, type FeedItem, type TreeFeedSource } from './tree-feed.js';

const file = (id: string, parent: string, name: string): FeedItem => ({
  id, gone: false, folder: false, parentIds: [parent], name, entry: (path) => ({ path, name, isDir: false, size: 1, modifiedAt: null }),
});
const folder = (id: string, parent: string, name: string): FeedItem => ({ id, gone: false, folder: true, parentIds: [parent], name });
const paths = (changes: Change[]) => changes.map((c) => (c.type === 'upsert' ? `+${c.entry.path}` : `-${c.path ?? c.id}`));

/** A feed of the folder alone that sends the pages the test gives it, each a whole round. */
function scripted(pages: FeedItem[][], known: Record<string, { parentId?: string; name: string }> = {}): TreeFeedSource & { located: string[] } {
  const located: string[] = [];
  return {
    rootId: 'R', selfEnumerating: true, located,
    baseline: async () => 't0',
    feed: async (token) => {
      const i = token === null ? 0 : Number(token);
      if (i >= pages.length) throw new FeedExpired();
      return { items: pages[i]!, token: String(i + 1), more: false };
    },
    children: async () => ({ items: [] }),
    locate: async (id) => { located.push(id); return known[id] ?? null; },
  };
}

describe('FolderTree', () => {
  it('gives paths by parent ids, forgets subtrees, and stores itself compactly', () => {
    const t = new FolderTree('R');
    t.set('a', 'R', 'A');
    t.set('b', 'a', 'B');
    t.set('c', 'R', 'C');
    assert.equal(t.pathOf('b'), 'A/B');
    assert.equal(t.childPath('b', 'x.pdf'), 'A/B/x.pdf');
    assert.equal(t.pathOf('R'), '');
    assert.equal(t.has('nope'), false);
    const again = new FolderTree('R', JSON.parse(JSON.stringify(t.toStored())));
    assert.equal(again.pathOf('b'), 'A/B');
    again.remove('a');
    assert.deepEqual([again.has('a'), again.has('b'), again.has('c')], [false, false, true]);
    assert.deepEqual(again.toStored(), [['c', -1, 'C']]);
  });
});

describe('treeFeedPage', () => {
  it('places an item whose folder the feed has not named yet by looking the folder up', async () => {
    // The feed breaks its "parents first" habit: a file in a folder it sends later.
    const src = scripted([[file('f', 'sub', 'late.pdf'), folder('sub', 'R', 'Sub')], []], { sub: { parentId: 'R', name: 'Sub' } });
    const page = await treeFeedPage({ kind: 'test', dir: '', cursor: null, open: async () => src });
    assert.deepEqual(paths(page.changes), ['+Sub/late.pdf']);
    assert.deepEqual(src.located, ['sub']);
  });

  it('takes an item whose folders lead away from the root for one outside: a delete by id, looked up once', async () => {
    const src = scripted([[file('f1', 'elsewhere', 'a.pdf'), file('f2', 'elsewhere', 'b.pdf')], []], { elsewhere: { parentId: 'top', name: 'E' }, top: { name: 'root' } });
    const page = await treeFeedPage({ kind: 'test', dir: '', cursor: null, open: async () => src });
    assert.deepEqual(paths(page.changes), ['-f1', '-f2']);
    assert.deepEqual(src.located, ['elsewhere', 'top']);
  });

  it('says a folder that leaves once, with its path, and lists one that comes or is renamed', async () => {
    const listed: string[] = [];
    const pages: FeedItem[][] = [
      [folder('a', 'R', 'A'), folder('b', 'a', 'B'), file('x', 'b', 'x.pdf')],
      [{ ...folder('a', 'out', 'A') }, folder('c', 'R', 'C2')],
      [],
    ];
    const src = { ...scripted(pages), locate: undefined, children: async (id: string) => { listed.push(id); return { items: id === 'c' ? [file('y', 'c', 'y.pdf')] : [] }; } };
    const open = async () => src;
    const first = await treeFeedPage({ kind: 'test', dir: '', cursor: null, open });
    assert.deepEqual(paths(first.changes), ['+A/B/x.pdf']);
    const second = await treeFeedPage({ kind: 'test', dir: '', cursor: first.cursor, open });
    assert.deepEqual(paths(second.changes), ['-A'], 'one delete for the folder and all below it');
    assert.equal(second.hasMore, true, 'the new folder is still to be listed');
    const third = await treeFeedPage({ kind: 'test', dir: '', cursor: second.cursor, open });
    assert.deepEqual([paths(third.changes), listed], [['+C2/y.pdf'], ['c']]);
  });
});
