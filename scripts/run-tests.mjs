// Finds every *.test.ts under src/ and test/ and runs them with Node's own test runner.
// Node 20's --test does not expand globs itself, so the list is built here.
// Usage: node scripts/run-tests.mjs [substring filter ...]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) { if (entry.name !== 'node_modules') walk(path, out); }
    else if (entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = [...walk('src', []), ...walk('test', [])]
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) { console.error('No test files matched.'); process.exit(1); }
const result = spawnSync(process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', ...files],
  { stdio: 'inherit' });
process.exit(result.status ?? 1);
