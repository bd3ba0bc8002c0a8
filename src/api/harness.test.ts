import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../config/config.js';
import { silentLogger } from '../log/log.js';
import { buildDeps, type Deps } from '../main/deps.js';
import { bootstrapIfEmpty } from '../auth/bootstrap.js';
import { issueApiKey } from '../auth/api-keys.js';
import { createCompany, createOrganization, createUser } from '../catalog/organizations.js';
import { definitions } from '../connectors/registry.js';
import type { ConnectorDefinition } from '../connectors/connector.js';
import { buildServer } from './server.js';
import { TEST_LIMITS } from '../../test/helpers/limits.js';

/**
 * A whole Dossier behind the API (temp SQLite, real blob store, real services, the in-process
 * queue working), as the tests of the routes use it. It holds no tests itself: its name ends
 * in .test.ts because test code may wire the composition root, which src/api code may not.
 */
export interface Api {
  app: FastifyInstance;
  deps: Deps;
  orgId: string;
  companyId: string;
  apiKey: string;
  dir: string;
  /** A fresh empty folder under the temp dir, for a local destination. */
  folder(name: string): Promise<string>;
  /** app.inject with this organization's key. */
  call(opts: InjectOptions & { key?: string | null }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startApi(opts: { maxUploadBytes?: number; definitions?: ConnectorDefinition[]; env?: Record<string, string> } = {}): Promise<Api> {
  const dir = await mkdtemp(join(tmpdir(), 'dossier-api-'));
  const config = loadConfig({ DOSSIER_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent', DOSSIER_DEBOUNCE_MS: '0', ...TEST_LIMITS, ...opts.env });
  const deps = await buildDeps({ config, log: silentLogger, worker: true, definitions: opts.definitions });
  const first = (await bootstrapIfEmpty(deps.db))!;
  const app = await buildServer({
    ...deps,
    ...(opts.maxUploadBytes && { maxUploadBytes: opts.maxUploadBytes }),
    ...(opts.definitions && { definitions: [...definitions, ...opts.definitions] }),
  });
  return {
    app, deps, dir, orgId: first.orgId, companyId: first.companyId, apiKey: first.apiKey,
    folder: async (name) => { const p = join(dir, 'destinations', name); await mkdir(p, { recursive: true }); return p; },
    call: ({ key, headers, ...rest }) => {
      const k = key === undefined ? first.apiKey : key;
      return app.inject({ ...rest, headers: { ...headers, ...(k !== null && { authorization: `Bearer ${k}` }) } });
    },
    close: async () => {
      await app.close();
      await deps.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Another organization in the same installation, with its own key and company. */
export async function otherOrganization(api: Api): Promise<{ orgId: string; companyId: string; apiKey: string }> {
  const orgId = await createOrganization(api.deps.db, 'Other organization');
  const userId = await createUser(api.deps.db, orgId, { email: 'other@example.com', name: 'Other', role: 'admin' });
  const company = await createCompany(api.deps.db, orgId, { name: 'Other company', language: 'nl', timeZone: 'Europe/Brussels' });
  return { orgId, companyId: company.id, apiKey: await issueApiKey(api.deps.db, orgId, userId, 'other') };
}

export type Part = [name: string, value: string] | { name: string; filename: string; type: string; content: Buffer };

/** A multipart/form-data body with its parts in exactly the given order. */
export function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----dossier${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if (Array.isArray(p)) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p[0]}"\r\n\r\n${p[1]}\r\n`));
    } else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`), p.content, Buffer.from('\r\n'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export const pdf = (text = 'an invoice') => Buffer.from(`%PDF-1.4\n% ${text}\n${randomBytes(64).toString('hex')}\n%%EOF\n`);

/** The fields of a typical sales invoice, to override per test. */
export function invoiceFields(companyId: string, extra: Record<string, string> = {}): Array<[string, string]> {
  const base: Record<string, string> = {
    companyId, type: 'invoice', number: 'F-2024-001', date: '2024-03-14', counterparty: 'Client NV', amount: '121.00', currency: 'EUR', ...extra,
  };
  return Object.entries(base);
}

export async function upload(api: Api, fields: Array<[string, string]>, content = pdf(), filename = 'invoice.pdf') {
  const body = multipart([...fields, { name: 'file', filename, type: 'application/pdf', content }]);
  return api.call({ method: 'POST', url: '/v1/documents', ...body });
}
