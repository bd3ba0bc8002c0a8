// A Dossier process that runs one destination's pass to the end; the crash test kills it.
// Usage: node --import tsx sync-child.ts <dataDir> <orgId> <destinationId>
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/log.js';
import { buildDeps } from '../../src/main/deps.js';
import { TEST_LIMITS } from '../helpers/limits.js';

const [dataDir, orgId, destinationId] = process.argv.slice(2);
const deps = await buildDeps({ config: loadConfig({ DOSSIER_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...TEST_LIMITS, ...(process.env.DATABASE_URL && { DATABASE_URL: process.env.DATABASE_URL }) }), log: silentLogger });
const runId = await deps.backup.syncNow(orgId!, destinationId!, {
  onProgress: (p) => { if (p.done % 100 === 0) process.stdout.write(`progress ${p.done}\n`); },
});
const { run } = await deps.backup.run(orgId!, runId);
process.stdout.write(`finished ${JSON.stringify(run)}\n`);
await deps.close();
