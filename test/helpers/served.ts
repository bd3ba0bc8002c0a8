import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/log.js';
import { buildDeps, type Deps } from '../../src/main/deps.js';
import { bootstrapIfEmpty } from '../../src/auth/bootstrap.js';
import { buildServer } from '../../src/api/server.js';
import type { OAuthProvider } from '../../src/auth/oauth/providers.js';
import { freePort } from '../servers/net.js';
import { TEST_LIMITS } from './limits.js';

/**
 * A whole Dossier listening on a loopback port, as `npm start` runs it, sandbox included: a
 * browser (fetch) can follow the consent pages and redirects for real.
 */
export interface Served {
  baseUrl: string;
  deps: Deps;
  app: FastifyInstance;
  orgId: string;
  companyId: string;
  apiKey: string;
  /** The admin's e-mail address and initial password, for signing in from a browser. */
  email: string;
  password: string;
  /** A JSON request with this organization's key (or another's). */
  call(method: string, path: string, body?: unknown, opts?: { key?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startServed(env: Record<string, string> = {}, opts: { webRoot?: string; providers?: (baseUrl: string) => OAuthProvider[] } = {}): Promise<Served> {
  const dir = await mkdtemp(join(tmpdir(), 'dossier-served-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({ DOSSIER_DATA_DIR: dir, LOG_LEVEL: 'silent', DOSSIER_DEBOUNCE_MS: '0', PORT: String(port), DOSSIER_BASE_URL: baseUrl, ...TEST_LIMITS, ...env });
  const deps = await buildDeps({ config, log: silentLogger, worker: true, retry: { retries: 3, minTimeoutMs: 2, maxTimeoutMs: 20 }, providers: opts.providers?.(baseUrl) });
  const first = (await bootstrapIfEmpty(deps.db))!;
  const app = await buildServer({ ...deps, webRoot: opts.webRoot ?? null });
  await app.listen({ host: '127.0.0.1', port });
  return {
    baseUrl, deps, app, orgId: first.orgId, companyId: first.companyId, apiKey: first.apiKey, email: first.email, password: first.password,
    call: async (method, path, body, opts = {}) => {
      const res = await fetch(baseUrl + path, {
        method, redirect: 'manual',
        headers: { authorization: `Bearer ${opts.key ?? first.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...opts.headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try { parsed = text ? JSON.parse(text) : null; } catch { /* an HTML page */ }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    close: async () => {
      await app.close();
      await deps.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Follows a provider's redirect back to Dossier's callback, as the browser would; returns the connection id. */
export async function followCallback(location: URL, cookie?: string): Promise<{ status: number; html: string; connectionId: string | null }> {
  const res = await fetch(location, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const html = await res.text();
  return { status: res.status, html, connectionId: /<code id="connection">([^<]+)<\/code>/.exec(html)?.[1] ?? null };
}
