import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ERROR_REASONS } from './errors.js';

const SRC = join(import.meta.dirname, '..');
// Errors said only to the operator at a terminal, in English, never through the API: the CLI's
// own look-ups (which organization, which key). Everything else may reach the web app.
const OPERATOR_ONLY = (path: string) => path.startsWith('cli/');

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) sources(path, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** Every `new DomainError(...)` / `new HttpError(...)` whose reason argument is missing, as file:line. */
function withoutReason(): string[] {
  const found: string[] = [];
  for (const file of sources(SRC)) {
    const path = relative(SRC, file).split('\\').join('/');
    if (OPERATOR_ONLY(path)) continue;
    const text = readFileSync(file, 'utf8');
    if (!text.includes('new DomainError(') && !text.includes('new HttpError(')) continue;
    const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
        // DomainError(code, message, why); HttpError(status, code, message, why)
        const whyAt = { DomainError: 2, HttpError: 3 }[node.expression.text];
        if (whyAt !== undefined && (node.arguments?.length ?? 0) <= whyAt) {
          found.push(`src/${path}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

test('every error the API may return carries a reason the web app says in the user\'s language', () => {
  assert.deepEqual(withoutReason(), [], 'give these errors a { reason, params } (a key of ERROR_REASONS, translated in web/src/i18n/api-errors.ts)');
});

test('every reason listed in ERROR_REASONS is given by some error, none is left over', () => {
  const known = new Set<string>(ERROR_REASONS);
  const used = new Set<string>(), prefixes: string[] = [];
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    // reason: 'x', reason: cond ? 'x' : 'y', reason: `x_${...}` (a family of reasons, such as vat_id_*)
    for (const m of text.matchAll(/reason: ([^,}]*)/g)) {
      for (const q of m[1]!.matchAll(/'(\w+)'/g)) used.add(q[1]!);
      const family = /^`(\w+)\$\{/.exec(m[1]!);
      if (family) prefixes.push(family[1]!);
    }
  }
  const unused = [...known].filter((r) => !used.has(r) && !prefixes.some((p) => r.startsWith(p)));
  assert.deepEqual(unused, [], 'reasons listed but never given: remove them or use them');
  assert.equal(known.size, ERROR_REASONS.length, 'a reason is listed twice');
});
