// A Dossier process that runs one collection channel to the end; the crash test kills it.
// Usage: node --import tsx collect-child.ts <dataDir> <orgId> <channelId>
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/log.js';
import { buildDeps } from '../../src/main/deps.js';
import { TEST_LIMITS } from '../helpers/limits.js';

const [dataDir, orgId, channelId] = process.argv.slice(2);
const deps = await buildDeps({ config: loadConfig({ DOSSIER_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...TEST_LIMITS }), log: silentLogger });
process.stdout.write('started\n');
const run = await deps.collect.runs.runNow(orgId!, channelId!, null);
process.stdout.write(`finished ${JSON.stringify(run)}\n`);
await deps.close();
