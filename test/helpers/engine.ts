import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/log.js';
import { buildDeps, type Deps } from '../../src/main/deps.js';
import { bootstrapIfEmpty } from '../../src/auth/bootstrap.js';
import type { ConnectorDefinition } from '../../src/connectors/connector.js';
import { TEST_LIMITS } from './limits.js';

export interface Engine { deps: Deps; orgId: string; companyId: string; close(): Promise<void> }

/**
 * A whole Dossier (temp data folder, SQLite, worker on, no debounce) offering `definition`:
 * what a provider's backup test runs against. Retries are quick, so injected faults cost
 * milliseconds, not the production back-off.
 */
export async function startEngine(definition: ConnectorDefinition): Promise<Engine> {
  const dir = await mkdtemp(join(tmpdir(), `dossier-${definition.kind}-`));
  const config = loadConfig({ DOSSIER_DATA_DIR: dir, LOG_LEVEL: 'silent', DOSSIER_DEBOUNCE_MS: '0', ...TEST_LIMITS });
  const deps = await buildDeps({ config, log: silentLogger, definitions: [definition], worker: true, retry: { retries: 8, minTimeoutMs: 2, maxTimeoutMs: 50 } });
  const org = (await bootstrapIfEmpty(deps.db))!;
  return {
    deps, orgId: org.orgId, companyId: org.companyId,
    close: async () => { await deps.close(); await rm(dir, { recursive: true, force: true }); },
  };
}
