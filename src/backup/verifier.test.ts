import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HashType, StorageConnector } from '../connectors/connector.js';
import { BatchVerifier } from './verifier.js';

/** Just enough of a connector: capabilities and a hashMany that records what it was asked. */
function recordingConnector(hashes: HashType[], stored: Record<string, string>, provesWrites = false) {
  const asked: Array<{ paths: string[]; type: HashType }> = [];
  const connector = {
    capabilities: { hashes, names: { set: 'posix', caseInsensitive: false, maxComponentBytes: 255 }, serverSideMove: false, provesWrites },
    hashMany: async (paths: string[], type: HashType) => {
      asked.push({ paths, type });
      return new Map(paths.filter((p) => stored[p]).map((p) => [p, stored[p]!]));
    },
  } as unknown as StorageConnector;
  return { connector, asked };
}

const local = async (type: HashType, sha256: string) => `${type}-of-${sha256}`;

describe('BatchVerifier', () => {
  it('checks a quickxor-only destination by the hash the write returned, computed locally', async () => {
    const { connector, asked } = recordingConnector(['quickxor'], {});
    const v = new BatchVerifier(connector, 64, undefined, undefined, local);
    await v.check('a.pdf', { sha256: 'aa' }, { quickxor: 'quickxor-of-aa' });
    await assert.rejects(v.check('b.pdf', { sha256: 'bb' }, { quickxor: 'something else' }), /QuickXorHash/);
    assert.equal(asked.length, 0, 'no extra request when the write reported the hash');
  });

  it('asks hashMany for quickxor when the write reported none', async () => {
    const { connector, asked } = recordingConnector(['quickxor'], { 'a.pdf': 'quickxor-of-aa', 'b.pdf': 'wrong' });
    const v = new BatchVerifier(connector, 64, undefined, undefined, local);
    const checks = [v.check('a.pdf', { sha256: 'aa' }), v.check('b.pdf', { sha256: 'bb' }), v.check('c.pdf', { sha256: 'cc' })];
    await v.flush();
    const results = await Promise.allSettled(checks);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected']);
    assert.match(String((results[2] as PromiseRejectedResult).reason), /not at the destination/);
    assert.deepEqual(asked, [{ paths: ['a.pdf', 'b.pdf', 'c.pdf'], type: 'quickxor' }]);
  });

  it('keeps comparing SHA-256 on destinations that report it, without computing anything locally', async () => {
    const { connector, asked } = recordingConnector(['sha256', 'quickxor'], { 'a.pdf': 'aa' });
    let computed = 0;
    const v = new BatchVerifier(connector, 64, undefined, undefined, async (t, s) => { computed++; return local(t, s); });
    await v.check('r.pdf', { sha256: 'rr' }, { sha256: 'rr' });
    const pending = v.check('a.pdf', { sha256: 'aa' });
    await v.flush();
    await pending;
    assert.deepEqual(asked, [{ paths: ['a.pdf'], type: 'sha256' }]);
    assert.equal(computed, 0);
  });

  it('compares with the hash the upload computed on the way, without reading the blob again', async () => {
    const { connector } = recordingConnector(['quickxor'], {});
    let computed = 0;
    const v = new BatchVerifier(connector, 64, undefined, undefined, async (t, s) => { computed++; return local(t, s); });
    assert.equal(v.localType, 'quickxor');
    await v.check('a.pdf', { sha256: 'aa' }, { quickxor: 'sent' }, 'sent');
    // The blob's hash computed on the way out is what counts: a destination holding other bytes still fails.
    await assert.rejects(v.check('b.pdf', { sha256: 'bb' }, { quickxor: 'quickxor-of-bb' }, 'what was sent'), /QuickXorHash/);
    assert.equal(computed, 0);
  });

  it('on a destination that proves its writes (S3), checks that the bytes sent were the document\'s and keeps the server\'s ETag', async () => {
    const { connector, asked } = recordingConnector(['md5'], { 'c.pdf': 'md5-of-cc' }, true);
    let computed = 0;
    const v = new BatchVerifier(connector, 64, undefined, undefined, async (t, s) => { computed++; return local(t, s); });
    assert.equal(v.localType, 'sha256', 'the upload computes the SHA-256 of what it sends');
    assert.deepEqual(await v.check('a.pdf', { sha256: 'aa' }, {}, 'aa', '0123-2'), { type: 'etag', hash: '0123-2' });
    // The server holds what was sent, but what was sent was not the document (a damaged vault copy).
    await assert.rejects(v.check('b.pdf', { sha256: 'bb' }, { md5: 'x' }, 'not-bb', 'x'), /were not the document's/);
    assert.equal(computed, 0);
    assert.equal(asked.length, 0);
    // Without the server's proof (an ETag that is no MD5: SSE-KMS), it asks the destination and compares MD5 of the blob.
    const pending = v.check('c.pdf', { sha256: 'cc' }, {}, 'cc');
    await v.flush();
    assert.deepEqual(await pending, { type: 'md5', hash: 'md5-of-cc' });
    assert.deepEqual(asked, [{ paths: ['c.pdf'], type: 'md5' }]);
    assert.equal(computed, 1, 'the blob\'s MD5 computed locally, not the SHA-256 passed as computed');
  });
});
