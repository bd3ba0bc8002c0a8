import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { QuickXorHash } from '../../connectors/kit/quickxorhash.js';
import { quickXor } from './quickxor.js';

describe("the Graph emulator's QuickXorHash", () => {
  it("gives rclone's vectors (docs/providers/onedrive.md, 'Hashes')", () => {
    assert.equal(quickXor(Buffer.alloc(0)), 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    assert.equal(quickXor(Buffer.from('h490d57Pqz5q2rtT', 'base64')), 'h3gEHe7giWeswgdq3MYupgAAAAA=');
    assert.equal(quickXor(Buffer.from('NbYXsp5/K6mR+NmHwExjvWeWDJFnXTKWVlzYHoesp2E=', 'base64')), 'wjuAuWDiq04qDt1R8hHWDDcwVoQ=');
  });

  it("agrees with the connector's own, separately written, hash on every length around the 160-byte period", () => {
    for (const n of [1, 20, 21, 159, 160, 161, 319, 320, 321, 1760, 100_003]) {
      const data = randomBytes(n);
      assert.equal(quickXor(data), new QuickXorHash().update(data).digest(), `${n} bytes`);
    }
  });
});
