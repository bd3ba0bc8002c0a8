import { describe, expect, it } from 'vitest';
import { resources, LANGUAGES } from '../src/i18n';
import { makeFormat } from '../src/i18n/format';
import { ERROR_REASONS } from '../../src/domain/errors';

function flatten(o: object, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string') out[prefix + k] = v; else Object.assign(out, flatten(v as object, `${prefix}${k}.`));
  }
  return out;
}
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('messages', () => {
  const english = flatten(resources.en.translation);
  it.each(LANGUAGES)('%s has every key English has, no other, none empty, with the same placeholders', (language) => {
    const messages = flatten(resources[language].translation);
    expect(Object.keys(messages).sort()).toEqual(Object.keys(english).sort());
    for (const [key, text] of Object.entries(messages)) {
      expect(text.trim(), key).not.toBe('');
      expect(placeholders(text), key).toEqual(placeholders(english[key]!));
    }
  });
  it('nl, fr and de are translated, not copies of English', () => {
    for (const language of ['nl', 'fr', 'de'] as const) {
      const messages = flatten(resources[language].translation);
      // Product names (Dossier Drive, Google Drive) stay as they are.
      const same = Object.keys(english).filter((k) => !/^integrations\.kinds\.\w+\.title$/.test(k) && messages[k] === english[k] && english[k]!.replace(/\{\{\w+\}\}/g, '').trim().split(/\s+/).length >= 3);
      expect(same, language).toEqual([]);
    }
  });
});

describe('the server\'s error reasons', () => {
  it.each(LANGUAGES)('%s has a sentence for every reason the API gives, and none for a reason it does not', (language) => {
    const sentences = resources[language].translation.apiErrors as Record<string, string>;
    expect(Object.keys(sentences).sort()).toEqual([...ERROR_REASONS].sort());
    for (const reason of ERROR_REASONS) expect(sentences[reason]?.trim(), reason).toBeTruthy();
  });
});

describe('formats in the user\'s locale', () => {
  it('writes amounts, dates and sizes the way each language does', () => {
    const n = (s: string) => s.replace(/\s/g, ' ');
    expect(n(makeFormat('nl').amount('1210.50', 'EUR'))).toBe('€ 1.210,50');
    expect(n(makeFormat('de').amount('1210.50', 'EUR'))).toBe('1.210,50 €');
    expect(n(makeFormat('fr').amount('1210.50', 'EUR'))).toBe('1 210,50 €');
    expect(makeFormat('en').amount('1210.50', 'EUR')).toBe('€1,210.50');
    expect(makeFormat('de').date('2024-03-14')).toBe('14.03.2024');
    expect(makeFormat('fr').date('2024-03-14')).toBe('14 mars 2024');
    expect(makeFormat('en').amount(null, 'EUR')).toBe('—');
    expect(n(makeFormat('de').bytes(1536))).toBe('1,5 kB');
  });
});
