import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultFileStem, layoutProblem } from './layout.js';

describe('folder layouts', () => {
  const doc = { id: 'doc_internal123', type: 'receipt' as const, number: null, date: '2024-03-15', counterparty: 'Shop NV', businessAccount: null, filename: 'till receipt.pdf' };

  it('names a file without a number after its original name, never the internal id', () => {
    assert.equal(defaultFileStem(doc), '2024-03-15 till receipt Shop NV');
    assert.equal(defaultFileStem({ ...doc, number: 'F-1' }), '2024-03-15 F-1 Shop NV');
    assert.equal(defaultFileStem({ ...doc, filename: '.pdf', counterparty: null }), '2024-03-15 receipt');
  });

  it('says what is wrong with a template, with a reason the web app translates', () => {
    assert.equal(layoutProblem('company-year-type'), null);
    assert.deepEqual(layoutProblem('{company}/{yeer}/{file}')?.why.reason, 'layout_unknown_token');
    assert.equal(layoutProblem('{company}//{file}')?.why.reason, 'layout_empty_folder');
    assert.equal(layoutProblem('{company}/{year}')?.why.reason, 'layout_no_file');
  });
});
