// One worker process for bench:scale part (2): `dossier worker`'s job handlers (buildDeps with
// worker: true) on the benchmark's PostgreSQL database, with the OneDrive connector opened on the
// emulator's fixed token instead of an OAuth connection. Prints "READY" once its workers are
// registered; SIGTERM stops it after the passes in flight.
// Usage: node --import tsx scale-worker-child.ts '<json { token }>' (the database and data folder from the environment).
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/log/log.js';
import { buildDeps } from '../src/main/deps.js';
import { targetsByKind } from './cloud-targets.js';

const { token } = JSON.parse(process.argv[2] ?? '{}') as { token: string };
const deps = await buildDeps({ config: loadConfig(process.env), log: silentLogger, worker: true, definitions: [targetsByKind.get('onedrive')!.definition(token)] });
process.stdout.write('READY\n');
process.on('SIGTERM', () => void deps.close().then(() => process.exit(0)));
