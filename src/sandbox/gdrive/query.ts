import { invalidParameter } from './errors.js';
import type { DriveFile } from './store.js';

/**
 * The part of Drive's `q` language that clients of a backup use (docs/providers/google-drive.md, "Listing and queries"):
 * `'<id>' in parents`, `name = '…'` (case-insensitive, as on Drive), `mimeType = / != '…'` and
 * `trashed = true|false`, joined by `and`. Literals are single-quoted with \' and \\ escapes.
 * Anything else is refused, so a connector cannot come to rely on more than this.
 */
export type Predicate = (f: DriveFile) => boolean;

const MAX_QUERY = 4000;
type Token = { kind: 'str' | 'word' | 'op'; text: string };

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (c === ' ' || c === '\t' || c === '\n') { i++; continue; }
    if (c === "'") {
      let text = '';
      for (i++; ; i++) {
        if (i >= q.length) throw invalid(q);
        if (q[i] === '\\' && i + 1 < q.length) { text += q[++i]; continue; }
        if (q[i] === "'") { i++; break; }
        text += q[i];
      }
      out.push({ kind: 'str', text });
      continue;
    }
    const op = /^(!=|=)/.exec(q.slice(i));
    if (op) { out.push({ kind: 'op', text: op[1]! }); i += op[1]!.length; continue; }
    const word = /^[A-Za-z]+/.exec(q.slice(i));
    if (!word) throw invalid(q);
    out.push({ kind: 'word', text: word[0] });
    i += word[0].length;
  }
  return out;
}

const invalid = (q: string) => invalidParameter('q', `Invalid Value: the query ${JSON.stringify(q)} is not supported.`);

/** `rootId`: what the alias 'root' stands for in `'root' in parents`. */
export function parseQuery(q: string | null, rootId: string): Predicate {
  if (q === null || q.trim() === '') return () => true;
  if (q.length > MAX_QUERY) throw invalid(q.slice(0, 50));
  const tokens = tokenize(q);
  const clauses: Predicate[] = [];
  let i = 0;
  const next = () => tokens[i++];
  for (;;) {
    const a = next(), b = next(), c = next();
    if (!a || !b || !c) throw invalid(q);
    if (a.kind === 'str' && b.text === 'in' && c.text === 'parents') {
      const id = a.text === 'root' ? rootId : a.text;
      clauses.push((f) => f.parents.includes(id));
    } else if (a.kind === 'word' && b.kind === 'op') {
      clauses.push(comparison(a.text, b.text, c, q));
    } else {
      throw invalid(q);
    }
    const joiner = next();
    if (!joiner) break;
    if (joiner.text.toLowerCase() !== 'and') throw invalid(q);
  }
  return (f) => clauses.every((p) => p(f));
}

function comparison(field: string, op: string, value: Token, q: string): Predicate {
  const equal = op === '=';
  switch (field) {
    case 'name': {
      if (value.kind !== 'str') throw invalid(q);
      const want = value.text.toLowerCase();
      return (f) => (f.name.toLowerCase() === want) === equal;
    }
    case 'mimeType': {
      if (value.kind !== 'str') throw invalid(q);
      return (f) => (f.mimeType === value.text) === equal;
    }
    case 'trashed': {
      if (value.kind !== 'word' || !['true', 'false'].includes(value.text)) throw invalid(q);
      const want = value.text === 'true';
      return (f) => (f.trashed === want) === equal;
    }
    default:
      throw invalid(q);
  }
}
