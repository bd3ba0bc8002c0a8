import { invalidParameter } from './errors.js';

/**
 * Drive's partial responses: `fields=nextPageToken,files(id,name)` keeps only what is named, so a
 * client that forgets to ask for sha256Checksum does not get it (docs/providers/google-drive.md, "Hashes").
 * "a/b" is read as "a(b)"; "*" keeps everything at its level.
 */
export type FieldTree = Map<string, FieldTree | true> | '*';

const MAX_FIELDS = 2000;

export function parseFields(text: string): FieldTree {
  if (text.length > MAX_FIELDS) throw invalidParameter('fields', 'The fields parameter is too long.');
  let at = 0;
  const fail = () => invalidParameter('fields', `Invalid field selection ${text}`);
  const level = (depth: number): FieldTree => {
    const tree = new Map<string, FieldTree | true>();
    for (;;) {
      const m = /^\s*([A-Za-z_*][A-Za-z0-9_]*(?:\/[A-Za-z_*][A-Za-z0-9_]*)*)\s*/.exec(text.slice(at));
      if (!m) throw fail();
      at += m[0].length;
      const parts = m[1]!.split('/');
      let sub: FieldTree | true = true;
      if (text[at] === '(') {
        at++;
        sub = level(depth + 1);
        if (text[at] !== ')') throw fail();
        at++;
      }
      for (const part of parts.slice(1).reverse()) sub = part === '*' ? '*' : new Map([[part, sub]]);
      if (parts[0] === '*') return '*';
      tree.set(parts[0]!, sub);
      while (text[at] === ' ') at++;
      if (text[at] === ',') { at++; continue; }
      if (text[at] === ')' && depth > 0) return tree;
      if (at >= text.length && depth === 0) return tree;
      throw fail();
    }
  };
  return level(0);
}

/** Keeps the named fields of `value`; arrays are projected item by item. */
export function project(value: unknown, tree: FieldTree | true): unknown {
  if (tree === true || tree === '*' || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => project(v, tree));
  const out: Record<string, unknown> = {};
  for (const [key, sub] of tree) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = project(v, sub);
  }
  return out;
}

/** The `fields` of a request, or what Drive sends when none is given. */
export function fieldsOf(url: URL, fallback: string): FieldTree {
  return parseFields(url.searchParams.get('fields') ?? fallback);
}
