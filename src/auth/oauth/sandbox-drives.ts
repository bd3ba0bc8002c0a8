import { Readable } from 'node:stream';
import { DomainError, notFound } from '../../domain/errors.js';
import type { Entry, StorageConnector } from '../../connectors/connector.js';
import type { Db } from '../../catalog/db.js';
import { findConnection, listConnections, type ConnectionRecord } from '../../catalog/connections.js';
import type { OAuthProvider } from './providers.js';
import { withConnection, type OpenConnector } from './connections.js';
import { providerOf, type TokenVault } from './vault.js';

export interface SandboxDrivesDeps {
  db: Db;
  vault: TokenVault;
  providers: readonly OAuthProvider[];
  open: OpenConnector;
}

export interface SandboxFile { path: string; name: string; size: number; modifiedAt: string | null }

export interface SandboxDrive {
  connectionId: string; provider: string; kind: string; label: string;
  files: SandboxFile[];
  /** More files than a page shows: the list stops at MAX_FILES. */
  truncated: boolean;
  /** Why the files could not be read (the connection needs reconnecting, the emulator failed); null when listed. */
  problem: string | null;
}

/** A drive with more than this is not a demonstration any more: the page shows the first ones. */
export const MAX_FILES = 200;
/** What a try-out puts into a drive: an invoice, a scan. */
export const MAX_SANDBOX_UPLOAD = 25 * 1024 ** 2;

/**
 * The sandbox's emulated drives as the organization's own connections see them: the accounts a
 * backup or a client's collection channel signed in to, through the same connectors and tokens.
 * Only connections of this organization to a sandbox provider are shown or written to, so one
 * firm never sees another's try-out files, and a real account is never touched from here.
 */
export class SandboxDrives {
  private readonly sandbox: Map<string, OAuthProvider>;

  constructor(private readonly deps: SandboxDrivesDeps) {
    this.sandbox = new Map(deps.providers.filter((p) => p.sandbox).map((p) => [p.id, p]));
  }

  /** Whether there is a sandbox at all: without one the page and its routes are off. */
  get enabled(): boolean {
    return this.sandbox.size > 0;
  }

  async list(orgId: string): Promise<SandboxDrive[]> {
    this.requireEnabled();
    const kinds = [...new Set([...this.sandbox.values()].map((p) => p.kind))];
    const records = (await listConnections(this.deps.db, orgId, kinds)).filter((r) => this.sandbox.has(providerOf(r.settings) ?? ''));
    return Promise.all(records.map((rec) => this.drive(rec)));
  }

  /**
   * Puts a file into the drive at `folder` (names below the top, "" for the top), as the
   * account's owner would from the provider's own app. A file of that name is replaced.
   */
  async put(orgId: string, connectionId: string, folder: string, filename: string, content: Buffer): Promise<SandboxFile> {
    const rec = await this.record(orgId, connectionId);
    // The browser's name for the file, without any folder a client put before it.
    const base = filename.split(/[/\\]/).pop()!.trim();
    const name = base && base !== '.' && base !== '..' ? base : 'document';
    const path = folder ? `${folder}/${name}` : name;
    return this.withConnector(rec, async (c) => {
      if (folder) await c.mkdir(folder);
      const e = await c.write(path, Readable.from([content]), { size: content.length, modifiedAt: new Date() });
      return fileOf(e, path);
    });
  }

  private async drive(rec: ConnectionRecord): Promise<SandboxDrive> {
    const base = { connectionId: rec.id, provider: providerOf(rec.settings)!, kind: rec.kind, label: rec.label };
    if (rec.state !== 'ready') return { ...base, files: [], truncated: false, problem: rec.stateReason ?? 'The connection needs to be reconnected.' };
    try {
      const { files, truncated } = await this.withConnector(rec, (c) => walk(c));
      return { ...base, files, truncated, problem: null };
    } catch (e) {
      return { ...base, files: [], truncated: false, problem: (e as Error).message };
    }
  }

  private async record(orgId: string, id: string): Promise<ConnectionRecord> {
    this.requireEnabled();
    const rec = await findConnection(this.deps.db, orgId, id);
    if (!this.sandbox.has(providerOf(rec.settings) ?? '')) throw notFound('Sandbox drive', id);
    if (rec.state !== 'ready') throw new DomainError('conflict', `The "${rec.label}" connection needs to be reconnected first.`, { reason: 'connection_reconnect', params: { name: rec.label } });
    return rec;
  }

  private requireEnabled(): void {
    if (!this.enabled) throw new DomainError('unavailable', 'The sandbox is off in this installation: it is on only while no real provider is configured (DOSSIER_SANDBOX).', { reason: 'sandbox_off' });
  }

  private withConnector<T>(rec: ConnectionRecord, fn: (c: StorageConnector) => Promise<T>): Promise<T> {
    return withConnection(this.deps, rec, fn);
  }
}

const fileOf = (e: Entry, path = e.path): SandboxFile => ({ path: path.replace(/^\/+/, ''), name: e.name, size: e.size, modifiedAt: e.modifiedAt?.toISOString() ?? null });

/** Every file below the top, folders first breadth-wise, up to MAX_FILES. */
async function walk(c: StorageConnector): Promise<{ files: SandboxFile[]; truncated: boolean }> {
  const files: SandboxFile[] = [];
  const queue = [''];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    for await (const e of c.list(dir)) {
      const path = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDir) { queue.push(path); continue; }
      if (files.length === MAX_FILES) return { files, truncated: true };
      files.push(fileOf(e, path));
    }
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, truncated: false };
}
