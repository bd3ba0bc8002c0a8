import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillTemplate, inLanguage } from './template.js';
import { fromHeader } from './mailer.js';

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

describe('the template in the reader\'s language, and the sender', () => {
  it('picks the language asked for, and English for one Dossier has no words for', () => {
    const words = { en: 'Hello', nl: 'Dag', fr: 'Bonjour', de: 'Hallo' };
    assert.deepEqual(inLanguage(words, 'fr'), { language: 'fr', words: 'Bonjour' });
    assert.deepEqual(inLanguage(words, 'es'), { language: 'en', words: 'Hello' });
    assert.deepEqual(inLanguage(words, null), { language: 'en', words: 'Hello' });
  });
  it('sends from the configured address under the firm\'s name', () => {
    assert.deepEqual(fromHeader('Dossier <dossier@firm.example>', 'Boekhouding Peeters'), { name: 'Boekhouding Peeters', address: 'dossier@firm.example' });
    assert.deepEqual(fromHeader('dossier@firm.example', 'Firm'), { name: 'Firm', address: 'dossier@firm.example' });
    assert.equal(fromHeader('Dossier <dossier@firm.example>'), 'Dossier <dossier@firm.example>');
  });
});
