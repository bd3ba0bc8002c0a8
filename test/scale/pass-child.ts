/**
 * Another Dossier process for test/scale/connector-caches.test.ts: the backup service and its
 * per-process caches (open connectors, OAuth tokens), with the OneDrive and OAuth emulators of
 * the test's process as its providers. Each line "pass <orgId> <destinationId>" on stdin runs a
 * pass here and answers one JSON line with how the run ended.
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/log.js';
import { buildDeps } from '../../src/main/deps.js';
import { sandboxProviders } from '../../src/auth/oauth/providers.js';

const app = JSON.parse(process.env.TEST_OAUTH_APP!) as { clientId: string; clientSecret: string; redirectUrl: string };
const providers = sandboxProviders({ authOrigin: process.env.TEST_OAUTH_URL!, app, apis: { onedrive: { baseUrl: process.env.TEST_GRAPH_URL! }, gdrive: {}, dropbox: {} } });
const deps = await buildDeps({ config: loadConfig(process.env), log: silentLogger, providers });
console.log(JSON.stringify({ ready: true }));
for await (const line of createInterface({ input: process.stdin })) {
  const [command, orgId, destinationId] = line.split(' ');
  if (command !== 'pass') continue;
  try {
    const runId = await deps.backup.syncNow(orgId!, destinationId!);
    const { run } = await deps.backup.run(orgId!, runId);
    console.log(JSON.stringify({ status: run.status, uploaded: run.uploaded, error: run.error }));
  } catch (e) {
    console.log(JSON.stringify({ status: 'threw', uploaded: 0, error: (e as Error).message }));
  }
}
await deps.close();
