import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryConnector } from '../connectors/memory/connector.js';
import { ConnectorPool } from './connector-pool.js';

/** A memory store that counts how often it is opened and closed. */
function counting() {
  const counts = { opened: 0, closed: 0 };
  const open = async () => {
    counts.opened++;
    const c = new MemoryConnector();
    const close = c.close.bind(c);
    c.close = async () => { counts.closed++; await close(); };
    return c;
  };
  return { counts, open };
}

describe('connector pool', () => {
  it('reuses a released connector for the next pass instead of logging in again', async () => {
    const pool = new ConnectorPool(60_000);
    const { counts, open } = counting();
    const a = await pool.acquire('dst_1', 'v1', open);
    await a.mkdir('x');
    await a.close();
    const b = await pool.acquire('dst_1', 'v1', open);
    assert.equal((await b.stat('x')).isDir, true, 'the same store behind both');
    await b.close();
    assert.deepEqual(counts, { opened: 1, closed: 0 });
    await pool.closeAll();
    assert.deepEqual(counts, { opened: 1, closed: 1 });
  });

  it('opens a new connector when the settings changed, and closes the old one once unused', async () => {
    const pool = new ConnectorPool(60_000);
    const { counts, open } = counting();
    const old = await pool.acquire('dst_1', 'v1', open);
    const fresh = await pool.acquire('dst_1', 'v2', open);
    assert.equal(counts.opened, 2);
    assert.equal(counts.closed, 0, 'still in use by its first caller');
    await old.close();
    assert.equal(counts.closed, 1);
    await fresh.close();
    await pool.closeAll();
    assert.equal(counts.closed, 2);
  });

  it('closes after the idle time, and at once when forgotten', async () => {
    const pool = new ConnectorPool(20);
    const { counts, open } = counting();
    await (await pool.acquire('dst_1', 'v1', open)).close();
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(counts.closed, 1, 'closed once idle');
    await (await pool.acquire('dst_2', 'v1', open)).close();
    await pool.forget('dst_2');
    assert.equal(counts.closed, 2);
    await pool.closeAll();
  });

  it('keeps a second caller on the same connector and closes only after the last release', async () => {
    const pool = new ConnectorPool(20);
    const { counts, open } = counting();
    const [a, b] = await Promise.all([pool.acquire('dst_1', 'v1', open), pool.acquire('dst_1', 'v1', open)]);
    await a.close();
    await a.close(); // releasing twice counts once
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(counts.closed, counts.opened - 1, 'the one in use stays open (a racing duplicate is closed at once)');
    await b.mkdir('still-works');
    await b.close();
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(counts.closed, counts.opened);
    await pool.closeAll();
  });
});
