import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/log.js';
import { buildDeps, type Deps } from '../../src/main/deps.js';
import { bootstrapIfEmpty } from '../../src/auth/bootstrap.js';
import { MemoryConnector } from '../../src/connectors/memory/connector.js';
import type { ConnectorDefinition, StorageConnector } from '../../src/connectors/connector.js';
import type { DocumentMeta } from '../../src/catalog/documents.js';
import { freshPostgres } from './databases.js';
import { FaultyConnector, type FaultRules } from './faulty.js';
import { TEST_LIMITS } from './limits.js';

/**
 * A whole Dossier (real database, real blob store, real services and queue) whose
 * destinations of kind "testmem" are in-memory stores the test can look into and break.
 */
export interface World {
  deps: Deps;
  orgId: string;
  companyId: string;
  apiKey: string;
  stores: Map<string, MemoryConnector>;
  faults: Map<string, FaultRules>;
  addDocument(meta?: Partial<DocumentMeta>, content?: string): Promise<string>;
  close(): Promise<void>;
}

export async function createWorld(opts: { postgres?: boolean; env?: Record<string, string> } = {}): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'dossier-world-'));
  const pgdb = opts.postgres ? await freshPostgres() : null;
  const stores = new Map<string, MemoryConnector>();
  const faults = new Map<string, FaultRules>();
  const testmem: ConnectorDefinition<{ store: string; capacity?: number }> = {
    kind: 'testmem', title: 'Test memory store', secrets: [],
    settings: z.object({ store: z.string(), capacity: z.number().optional() }),
    names: { set: 'windows', caseInsensitive: true, maxComponentBytes: 255 },
    create: async ({ store, capacity }): Promise<StorageConnector> => {
      if (!stores.has(store)) stores.set(store, new MemoryConnector({ capacity }));
      const mem = stores.get(store)!;
      (mem.capabilities as { names: unknown }).names = testmem.names;
      return new FaultyConnector(mem, () => faults.get(store) ?? {});
    },
  };
  const config = loadConfig({
    DOSSIER_DATA_DIR: dir, LOG_LEVEL: 'silent', DOSSIER_DEBOUNCE_MS: '0', ...TEST_LIMITS,
    ...(pgdb && { DATABASE_URL: pgdb.url }), ...opts.env,
  });
  const deps = await buildDeps({ config, log: silentLogger, definitions: [testmem], worker: true, retry: { retries: 8, minTimeoutMs: 2, maxTimeoutMs: 20 } });
  const first = (await bootstrapIfEmpty(deps.db))!;
  let n = 0;
  return {
    deps, orgId: first.orgId, companyId: first.companyId, apiKey: first.apiKey, stores, faults,
    addDocument: async (meta = {}, content) => {
      n++;
      const body = content ?? `%PDF-1.4 document ${n} ${Math.random()}`;
      const doc = await deps.vault.create(first.orgId, first.companyId, {
        type: 'invoice', number: `F-${String(n).padStart(5, '0')}`, date: '2024-03-14', counterparty: 'Client NV',
        amount: '121.00', currency: 'EUR', businessAccount: null, ...meta,
      }, { body: Readable.from([Buffer.from(body)]), filename: 'invoice.pdf', mime: 'application/pdf' });
      return doc.id;
    },
    close: async () => {
      await deps.close();
      await pgdb?.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
