import assert from 'node:assert/strict';
import { it } from 'node:test';
import { RECHECK_MS, SharedBearer } from './bearer.js';

it('asks the token source again after a while, so a long pass hears of a token changed or taken away elsewhere', async () => {
  let clock = 0, current = 't1';
  const asked: string[] = [];
  const bearer = new SharedBearer({ accessToken: async () => { asked.push(current); if (current === 'gone') throw new Error('disconnected'); return current; } }, () => clock);
  assert.equal(await bearer.get(null), 't1');
  current = 't2';
  clock += RECHECK_MS - 1;
  assert.equal(await bearer.get(null), 't1', 'within the window the token is reused');
  clock += 2;
  assert.equal(await bearer.get(null), 't2', 'after it, the stored token is asked for');
  current = 'gone';
  clock += RECHECK_MS + 1;
  await assert.rejects(bearer.get(null), /disconnected/);
  assert.deepEqual(asked, ['t1', 't2', 'gone']);
});
