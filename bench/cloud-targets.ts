// The cloud providers the cloud benchmark backs up to: each one's emulator (started by the
// benchmark) and its connector (built in the Dossier child process with a fixed bearer token).
// A new provider is one entry in `targets`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectorDefinition, TokenSource } from '../src/connectors/connector.js';
import { ConnectorError } from '../src/connectors/connector.js';
import { OneDriveConnector } from '../src/connectors/onedrive/connector.js';
import { onedriveDefinition } from '../src/connectors/onedrive/index.js';
import { createGraphEmulator } from '../src/sandbox/graph/server.js';
import { DropboxConnector } from '../src/connectors/dropbox/connector.js';
import { dropboxDefinition } from '../src/connectors/dropbox/index.js';
import { createDropboxEmulator } from '../src/sandbox/dropbox/server.js';
import { COMMIT_ROUTES } from '../src/connectors/dropbox/client.js';
import { WRITE_CONCURRENCY } from '../src/connectors/dropbox/connector.js';
import { DRIVE_PACING, GoogleDriveConnector } from '../src/connectors/gdrive/connector.js';
import { gdriveDefinition } from '../src/connectors/gdrive/index.js';
import { createGdriveEmulator } from '../src/sandbox/gdrive/server.js';

export interface EmulatorHandle {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  tokenFor(user: string): string;
}

/**
 * The provider's own limit on how fast one connection may go, as the connector keeps to it
 * (docs/providers/*.md). With the latency bound, it sets the ceiling.
 * - pacer: a token bucket in front of every request (Drive): `burst` at once, then `perSecond`.
 * - commit slots: at most `slots` namespace commits in flight (Dropbox's too_many_write_operations);
 *   each holds its slot for at least one round trip.
 * - none: the provider publishes no rate a client could keep to; only its 429s pace it (Graph).
 */
export type Pacing =
  | { kind: 'pacer'; perSecond: number; burst: number }
  | { kind: 'commit slots'; slots: number; isCommit(url: string): boolean }
  | { kind: 'none' };

export interface CloudTarget {
  kind: string;
  title: string;
  /** The emulator's handler; its links (upload URLs and the like) point at `origin`. */
  emulator(origin: () => string): EmulatorHandle;
  /** The destination settings for an emulator reached at `origin`. */
  settings(origin: string): Record<string, unknown>;
  /** The connector kind, opened with one fixed token (the benchmark's pass is far shorter than its lifetime). */
  definition(token: string): ConnectorDefinition;
  pacing: Pacing;
}

/** A bearer token that never changes; asking for a new one means the benchmark set-up is wrong. */
export function fixedToken(token: string): TokenSource {
  return {
    accessToken: async (opts) => {
      if (opts?.refresh) throw new ConnectorError('auth_expired', 'The benchmark token was refused; it is not refreshed.');
      return token;
    },
  };
}

export const targets: CloudTarget[] = [
  {
    kind: 'onedrive',
    title: 'OneDrive (Graph emulator)',
    // A day-long token: the pass must never stop to refresh.
    emulator: (origin) => createGraphEmulator({ tokenLifetimeMs: 86_400_000, quotaBytes: 1024 ** 4 }, origin),
    settings: (origin) => ({ baseUrl: `${origin}/v1.0`, root: 'Dossier' }),
    definition: (token) => ({ ...onedriveDefinition, create: async (s) => new OneDriveConnector({ ...s, tokens: fixedToken(token) }) }),
    // Graph counts "resource units" per app and tenant without a published rate (docs/providers/onedrive.md, "Errors and throttling").
    pacing: { kind: 'none' },
  },
  {
    kind: 'gdrive',
    title: 'Google Drive (Drive v3 emulator)',
    emulator: (origin) => createGdriveEmulator({ tokenLifetimeMs: 86_400_000, quotaBytes: 1024 ** 4 }, origin),
    settings: (origin) => ({ baseUrl: origin, root: 'Dossier' }),
    definition: (token) => ({ ...gdriveDefinition, create: async (s) => new GoogleDriveConnector({ ...s, tokens: fixedToken(token) }) }),
    pacing: { kind: 'pacer', ...DRIVE_PACING },
  },
  {
    kind: 'dropbox',
    title: 'Dropbox (API v2 emulator)',
    emulator: () => createDropboxEmulator({ tokenLifetimeMs: 86_400_000, quotaBytes: 1024 ** 4 }),
    settings: (origin) => ({ apiUrl: `${origin}/api/2`, contentUrl: `${origin}/content/2`, root: 'Dossier' }),
    definition: (token) => ({ ...dropboxDefinition, create: async (s) => new DropboxConnector({ ...s, tokens: fixedToken(token) }) }),
    pacing: { kind: 'commit slots', slots: WRITE_CONCURRENCY, isCommit: (url) => COMMIT_ROUTES.has(url.replace(/^\/(api|content)\/2\//, '').split('?')[0]!) },
  },
];

export const targetsByKind = new Map(targets.map((t) => [t.kind, t]));
