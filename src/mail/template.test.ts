import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillTemplate } from './template.js';

describe('fillTemplate', () => {
  it('puts names with $& and $1 in as written', () => {
    assert.equal(fillTemplate('Hello {name}, from {firm}.', { name: 'A $& B', firm: '$1 $$ Consulting' }), 'Hello A $& B, from $1 $$ Consulting.');
  });

  it('fills every place of a name, and does not fill a value in again', () => {
    assert.equal(fillTemplate('{a} and {a}: {b}', { a: '{b}', b: 'x' }), '{b} and {b}: x');
  });

  it('leaves places it has no value for', () => {
    assert.equal(fillTemplate('{known} {unknown}', { known: 'k' }), 'k {unknown}');
  });
});
