import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { findOutsideSet, type OutsideSet } from './outside-sets.js';

const set: OutsideSet = { name: 'the example set', variable: 'EXAMPLE_SET_DIR', howToGet: 'download it from its publisher' };

describe('example sets kept outside the repository', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'outside-set-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the folder the variable names, in CI or not', () => {
    assert.deepEqual(findOutsideSet(set, { EXAMPLE_SET_DIR: dir }), { dir });
    assert.deepEqual(findOutsideSet(set, { EXAMPLE_SET_DIR: dir, CI: 'true' }), { dir });
  });

  it('outside CI, skips with a message naming the set and how to get it', () => {
    const { skip } = findOutsideSet(set, {});
    assert.equal(skip, 'the example set is not available (EXAMPLE_SET_DIR is not set): to run with it, download it from its publisher.');
    const missing = path.join(dir, 'absent');
    assert.match(findOutsideSet(set, { EXAMPLE_SET_DIR: missing }).skip ?? '', new RegExp(`EXAMPLE_SET_DIR is ${missing}, which does not exist`));
  });

  it('in CI, fails when the set is missing rather than passing without it', () => {
    assert.throws(() => findOutsideSet(set, { CI: 'true' }), /the example set is not available .*download it from its publisher\. CI runs every test/);
    assert.throws(() => findOutsideSet(set, { CI: '1', EXAMPLE_SET_DIR: path.join(dir, 'absent') }), /which does not exist/);
  });
});
