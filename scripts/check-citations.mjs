// Checks that the repository cites only itself: every `docs/....md, "Heading"` in code, tests,
// benchmarks, scripts and docs names a page and a heading that exist, and nothing points at
// notes kept outside the repository (a reader of a plain clone would not have them).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOTS = ['src', 'test', 'bench', 'scripts', 'web/src', 'docs', 'README.md'];
const SKIP = new Set(['node_modules', 'dist', 'fixtures', 'screenshots']);
// Spelt in pieces, so that searching the repository for them finds nothing at all.
const OUTSIDE = [['..', 'shared'].join('/'), ['ARCHI', 'TECTURE.md'].join(''), ['research', ''].join('/')];

function walk(path, out = []) {
  if (!existsSync(path)) return out;
  if (statSync(path).isFile()) { out.push(path); return out; }
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    if (e.isDirectory()) { if (!SKIP.has(e.name)) walk(p, out); } else if (/\.(ts|tsx|mjs|js|md|json)$/.test(e.name)) out.push(p);
  }
  return out;
}

const headings = new Map();
function headingsOf(page) {
  if (!headings.has(page)) {
    const text = existsSync(page) ? readFileSync(page, 'utf8') : null;
    headings.set(page, text === null ? null : new Set([...text.matchAll(/^#{1,6} +(.+?) *$/gm)].map((m) => m[1])));
  }
  return headings.get(page);
}

// docs/providers/onedrive.md, "Uploads"; docs/providers/onedrive.md, google-drive.md and dropbox.md, "Change feed" and "Hashes"
const CITATION = /(docs\/[\w/.-]+\.md)((?:,\s*(?:\*\s*)?[\w-]+\.md)*(?:\s+and\s+(?:\*\s*)?[\w-]+\.md)?),\s*(?:\*\s*)?((?:"[^"]{1,80}"(?:,\s*|\s+and\s+(?:\*\s*)?)?)+)/g;

let failures = 0;
let cited = 0;
const fail = (file, message) => { console.error(`${file}: ${message}`); failures++; };
for (const file of ROOTS.flatMap((r) => walk(r))) {
  if (file === 'scripts/check-citations.mjs') continue;
  const text = readFileSync(file, 'utf8');
  for (const outside of OUTSIDE) if (text.includes(outside)) fail(file, `cites ${outside}, which is not in the repository; cite docs/ instead`);
  for (const m of text.matchAll(CITATION)) {
    const first = m[1];
    const siblings = [...m[2].matchAll(/([\w-]+\.md)/g)].map((s) => join(dirname(first), s[1]));
    const titles = [...m[3].matchAll(/"([^"]+)"/g)].map((t) => t[1].replace(/\s*\n\s*\*?\s*/g, ' '));
    cited++;
    for (const page of [first, ...siblings]) {
      const known = headingsOf(page);
      if (known === null) { fail(file, `cites ${page}, which does not exist`); continue; }
      for (const title of titles) if (!known.has(title)) fail(file, `cites "${title}" in ${page}, which has no such heading`);
    }
  }
}
if (failures) { console.error(`${failures} citation problem(s).`); process.exit(1); }
console.log(`Citations resolve (${cited} checked).`);
