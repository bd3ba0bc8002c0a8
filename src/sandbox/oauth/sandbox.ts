import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../log/log.js';
import { createOAuthEmulator, type OAuthEmulator, type TokenIssuer } from './server.js';
import type { ProviderName } from './shapes.js';

/**
 * The sandbox an installation without provider credentials offers: the authorization server and
 * one API emulator per storage kind, all answering below one prefix of Dossier's own server
 * (/sandbox/oauth/..., /sandbox/graph/...). A new emulator plugs in as one more `apis` entry.
 */
export interface SandboxApi {
  /** The connector kind it stands in for. */
  kind: 'onedrive' | 'gdrive' | 'dropbox';
  /** Whose authorization server issues its tokens. */
  provider: ProviderName;
  /** Its path below the sandbox prefix, such as "graph". */
  mount: string;
  emulator: TokenIssuer & { handle(req: IncomingMessage, res: ServerResponse): Promise<void> };
  /** The connection settings that point its connector at `apiOrigin` (the emulator's public address). */
  settings(apiOrigin: string): Record<string, unknown>;
}

export interface SandboxOptions {
  /** Public address of the sandbox prefix, such as http://localhost:8080/sandbox. */
  origin: string;
  app: { clientId: string; clientSecret: string; redirectUrl: string };
  apis: SandboxApi[];
  log?: Logger;
}

export interface Sandbox {
  /** Where the authorization server answers (its /microsoft, /google, /dropbox below it). */
  authOrigin: string;
  /** Connection settings per kind whose emulator is plugged in. */
  apiSettings: Partial<Record<SandboxApi['kind'], Record<string, unknown>>>;
  oauth: OAuthEmulator;
  /** Handles a request whose path is below the sandbox prefix (the prefix already removed). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** Where a public origin's emulator lives: `apiOrigin(origin, "graph")`. */
export const mountOrigin = (origin: string, mount: string) => `${origin.replace(/\/+$/, '')}/${mount}`;

export function createSandbox(opts: SandboxOptions): Sandbox {
  const issuers: Partial<Record<ProviderName, TokenIssuer>> = {};
  for (const api of opts.apis) issuers[api.provider] = api.emulator;
  const oauth = createOAuthEmulator({
    issuers, log: opts.log,
    clients: opts.apis.map((a) => ({ provider: a.provider, clientId: opts.app.clientId, clientSecret: opts.app.clientSecret, redirectUris: [opts.app.redirectUrl], appName: 'Dossier' })),
  });
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>([['oauth', oauth.handle]]);
  for (const api of opts.apis) routes.set(api.mount, (req, res) => api.emulator.handle(req, res));
  const apiSettings: Sandbox['apiSettings'] = {};
  for (const api of opts.apis) apiSettings[api.kind] = api.settings(mountOrigin(opts.origin, api.mount));

  return {
    authOrigin: mountOrigin(opts.origin, 'oauth'),
    apiSettings,
    oauth,
    handle: async (req, res) => {
      const m = /^\/([^/?]+)(\/[^?]*)?(\?.*)?$/.exec(req.url ?? '/');
      const route = m ? routes.get(m[1]!) : undefined;
      if (!m || !route) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('No such sandbox service.');
        return;
      }
      // Each emulator sees the paths it would see at its own host.
      req.url = `${m[2] ?? '/'}${m[3] ?? ''}`;
      await route(req, res);
    },
  };
}
