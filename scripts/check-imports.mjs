// Enforces the one-way import rules of docs/architecture.md ("Import rules"): domain imports nothing of ours,
// connectors only domain, services only ports, and only main/ wires concrete adapters.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';

const SRC = resolve('src');
// Test-only files: tsconfig.build.json leaves them out of dist/, so code that is built may not
// import them (tsc would quietly compile an excluded file that a built one imports).
const buildExcludes = JSON.parse(readFileSync('tsconfig.build.json', 'utf8')).exclude
  .map((glob) => new RegExp('^' + glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '(?:.*/)?').replace(/\*\*/g, '.*').replace(/\*/g, '[^/]*') + '$'));
const testOnly = (srcPath) => buildExcludes.some((re) => re.test(`src/${srcPath}`));
// folder -> folders of src/ it may import from (besides itself)
const allowed = {
  domain: [],
  connectors: ['domain'],
  log: ['domain'],
  config: ['domain'],
  catalog: ['domain'],
  jobs: ['domain', 'log', 'catalog/unit-of-work.ts'],
  events: ['domain', 'catalog/unit-of-work.ts'],
  vault: ['domain', 'catalog', 'connectors/connector.ts', 'log', 'audit'],
  audit: ['domain', 'catalog'],
  retention: ['domain', 'catalog', 'audit'],
  export: ['domain', 'catalog', 'audit', 'vault/blobs.ts', 'jobs/queue.ts', 'events'],
  auth: ['domain', 'catalog', 'config', 'log', 'audit', 'connectors/connector.ts', 'mail/mailer.ts', 'mail/template.ts'],
  backup: ['domain', 'catalog', 'connectors/connector.ts', 'connectors/registry.ts', 'connectors/kit', 'jobs/queue.ts', 'vault', 'log', 'auth', 'audit', 'events'],
  collect: ['domain', 'catalog', 'connectors/connector.ts', 'connectors/registry.ts', 'jobs/queue.ts', 'vault', 'extract', 'log', 'auth', 'audit', 'mail/mailer.ts', 'mail/template.ts', 'events'],
  mail: ['domain', 'log'],
  webhooks: ['domain', 'catalog', 'connectors/connector.ts', 'connectors/kit/egress.ts', 'log', 'events'],
  alerts: ['domain', 'catalog', 'mail/mailer.ts', 'mail/template.ts', 'log', 'events'],
  extract: ['domain', 'log'],
  api: ['domain', 'events', 'webhooks', 'alerts', 'backup', 'vault', 'auth', 'catalog', 'collect', 'extract', 'log', 'config', 'connectors/registry.ts', 'connectors/connector.ts', 'audit', 'retention', 'export'],
  cli: ['domain', 'webhooks', 'alerts', 'backup', 'vault', 'auth', 'catalog', 'collect', 'extract', 'log', 'config', 'main', 'connectors/registry.ts', 'connectors/connector.ts', 'audit', 'retention', 'export'],
  sandbox: ['domain', 'log'],
  main: null, // the composition root may import anything
};

function walk(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out); else if (/\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}

let failures = 0;
for (const file of walk(SRC)) {
  const from = relative(SRC, file).split(sep);
  const area = from[0];
  if (file.endsWith('.test.ts')) continue; // tests may wire real adapters
  const rules = allowed[area];
  if (rules === undefined) { console.error(`${relative('.', file)}: folder src/${area} has no import rule`); failures++; continue; }
  const built = !testOnly(from.join('/'));
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]/g)) {
    const target = relative(SRC, resolve(dirname(file), m[1] ?? m[2])).split(sep).join('/').replace(/\.js$/, '.ts');
    if (built && testOnly(target)) {
      console.error(`${relative('.', file)}: is built into dist/ but imports the test-only ${target} (see tsconfig.build.json)`);
      failures++;
    }
    if (rules === null) continue;
    const targetArea = target.split('/')[0];
    if (targetArea === area) {
      // a connector folder may use the port, kit and domain, never a sibling adapter
      if (area === 'connectors') {
        const fromSub = from[1], toSub = target.split('/')[1];
        const shared = ['connector.ts', 'kit', 'conformance', 'registry.ts'];
        if (fromSub !== toSub && !shared.includes(toSub) && from[1] !== 'registry.ts' && from[1] !== 'conformance') {
          console.error(`${relative('.', file)}: imports another adapter (${target})`); failures++;
        }
      }
      continue;
    }
    if (!rules.some((r) => target === r || target.startsWith(r.endsWith('.ts') ? r : r + '/'))) {
      console.error(`${relative('.', file)}: src/${area} may not import ${target}`);
      failures++;
    }
  }
}
if (failures) { console.error(`${failures} import rule violation(s).`); process.exit(1); }
console.log('Import rules hold.');
