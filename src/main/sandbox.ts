import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { createGraphEmulator } from '../sandbox/graph/server.js';
import { createDropboxEmulator } from '../sandbox/dropbox/server.js';
import { createGdriveEmulator } from '../sandbox/gdrive/server.js';
import { createSandbox, mountOrigin, type Sandbox, type SandboxApi } from '../sandbox/oauth/sandbox.js';
import { SANDBOX_PREFIX } from '../api/server.js';

/**
 * The sandbox providers, in this process: the authorization server and the API emulators,
 * reached through Dossier's own server under /sandbox. Their data lives in memory and is gone
 * at restart. Google Drive and Dropbox plug in as more entries of `apis`.
 */
export type InstalledSandbox = Sandbox & {
  app: { clientId: string; clientSecret: string; redirectUrl: string };
  /** The emulators themselves, for tests that look inside. */
  graph: ReturnType<typeof createGraphEmulator>;
  dropbox: ReturnType<typeof createDropboxEmulator>;
  gdrive: ReturnType<typeof createGdriveEmulator>;
};

export function buildSandbox(config: Config, log: Logger): InstalledSandbox {
  const origin = new URL(SANDBOX_PREFIX, config.baseUrl).toString();
  const graphOrigin = mountOrigin(origin, 'graph');
  const graph = createGraphEmulator({ publicOrigin: graphOrigin, log }, () => graphOrigin);
  const dropbox = createDropboxEmulator({ log });
  const gdriveOrigin = mountOrigin(origin, 'gdrive');
  const gdrive = createGdriveEmulator({ publicOrigin: gdriveOrigin, log }, () => gdriveOrigin);
  const apis: SandboxApi[] = [{
    kind: 'onedrive', provider: 'microsoft', mount: 'graph',
    emulator: { handle: graph.handle, tokenFor: graph.tokenFor, expireTokens: (user) => graph.state.expireTokens(user) },
    settings: (apiOrigin) => ({ baseUrl: `${apiOrigin}/v1.0` }),
  }, {
    kind: 'gdrive', provider: 'google', mount: 'gdrive',
    emulator: { handle: gdrive.handle, tokenFor: gdrive.tokenFor, expireTokens: (user) => gdrive.state.expireTokens(user) },
    settings: (apiOrigin) => ({ baseUrl: apiOrigin }),
  }, {
    kind: 'dropbox', provider: 'dropbox', mount: 'dropbox',
    emulator: { handle: dropbox.handle, tokenFor: (user) => dropbox.tokenFor(user), expireTokens: (user) => dropbox.state.expireTokens(user) },
    settings: (apiOrigin) => ({ apiUrl: `${apiOrigin}/api/2`, contentUrl: `${apiOrigin}/content/2` }),
  }];
  // The app exists only in this process, so its secret is new at every start.
  const app = { clientId: 'dossier-sandbox', clientSecret: randomBytes(24).toString('base64url'), redirectUrl: new URL('/v1/oauth/callback', config.baseUrl).toString() };
  return { ...createSandbox({ origin, app, apis, log }), app, graph, dropbox, gdrive };
}
