import type { Logger } from 'pino';
import { DomainError, invalidSettings } from '../domain/errors.js';
import { parseSchedule } from '../domain/destinations.js';
import { resolveLayout, renderPath } from '../domain/layout.js';
import type { DocumentFacts } from '../domain/documents.js';
import { isConnectorError, type ConnectorDefinition, type StorageConnector } from '../connectors/connector.js';
import type { Db } from '../catalog/db.js';
import { getCompany } from '../catalog/organizations.js';
import { getDocument, getVersion } from '../catalog/documents.js';
import { findConnection } from '../catalog/connections.js';
import {
  deleteConnectionSecrets, getDestination, insertConnection, insertDestination, listDestinations,
  updateDestination, type DestinationRow,
} from '../catalog/destinations.js';
import { deliveriesOfDocument, deliveryCounts, getRun, listRunItems, listRuns } from '../catalog/deliveries.js';
import type { JobQueue } from '../jobs/queue.js';
import { readQuota, NEARLY_FULL, formatBytes } from './quota.js';
import { syncDestination, type Progress, type SyncDeps } from './sync.js';
import { destinationRecovered } from './announce.js';
import { verifyDestination, type VerifyReport } from './verify.js';
import { previewChange, type ChangePreview } from './change-preview.js';
import { listServerFolders, makeServerFolder, type ServerFolder } from './browse.js';

export const SYNC_JOB = 'destination.sync';

export interface BackupDeps extends SyncDeps {
  queue: JobQueue;
  debounceMs: number;
  /** The connector kinds a destination may use. */
  definitions: Map<string, ConnectorDefinition>;
  /** Encrypts the secret fields of a connection's settings. */
  seal(secrets: Record<string, unknown>): string;
}

export interface NewDestinationInput {
  companyId: string;
  name: string;
  kind: string;
  settings: Record<string, unknown>;
  /**
   * An existing connection (an OAuth account) to use; `settings` then holds only this
   * destination's own fields, such as the folder chosen in the folder browser.
   */
  connectionId?: string;
  layout: string;
  startDate: string | null;
  schedule: string;
  restoreDeleted: boolean;
  respectFolderDeletions: boolean;
}

export interface ConnectionTest { ok: boolean; message: string | null; hostKeySha256: string | null; free: number | null }

export interface DestinationStatus extends Omit<DestinationRow, 'cursorSeq'> {
  documents: { synced: number; pending: number; failed: number };
  quota: { total: number | null; used: number | null; free: number | null; warning: string | null } | null;
}

/** Destinations: add, change, pause, sync, verify, remove; and their status and history. */
export class BackupService {
  constructor(private readonly deps: BackupDeps) {}

  private definition(kind: string): ConnectorDefinition {
    const def = this.deps.definitions.get(kind);
    if (!def) throw new DomainError('invalid_input', `"${kind}" is not a destination type. Choose one of: ${[...this.deps.definitions.keys()].join(', ')}.`, { reason: 'choice_unknown', params: { field: 'kind', values: kind, choices: [...this.deps.definitions.keys()].join(', ') } });
    return def;
  }

  /** Checks the input, tests the connection, stores it encrypted, and queues the initial copy. */
  async add(orgId: string, input: NewDestinationInput): Promise<DestinationRow> {
    await getCompany(this.deps.db, orgId, input.companyId);
    resolveLayout(input.layout);
    parseSchedule(input.schedule);
    if (input.startDate && !/^\d{4}-\d{2}-\d{2}$/.test(input.startDate)) throw new DomainError('invalid_input', 'The start date must be written YYYY-MM-DD.', { reason: 'start_date_format' });
    const def = this.definition(input.kind);
    // A destination with a connection of its own is tested before anything is written: through
    // the API the change is one transaction with its audit entry, and a slow or dead server
    // must not hold that transaction (on SQLite, the process's only connection) open.
    const hostKey = input.connectionId ? null : await this.testUnsaved(def, input);
    const { connectionId, settings } = input.connectionId
      ? await this.onConnection(orgId, def, input.connectionId, input.settings)
      : await this.newConnection(orgId, def, hostKey ? { ...input, settings: { ...input.settings, hostKeySha256: hostKey } } : input);
    const dst = await insertDestination(this.deps.db, orgId, {
      companyId: input.companyId, name: input.name, kind: input.kind, connectionId, layout: input.layout, startDate: input.startDate,
      schedule: input.schedule, restoreDeleted: input.restoreDeleted, respectFolderDeletions: input.respectFolderDeletions, settings,
    });
    if (input.connectionId) {
      try {
        await this.test(orgId, dst);
      } catch (e) {
        await this.remove(orgId, dst.id);
        throw e;
      }
    }
    await this.requestSync(orgId, dst.id, 'initial');
    return getDestination(this.deps.db, orgId, dst.id);
  }

  private parseSettings(def: ConnectorDefinition, settings: Record<string, unknown>): Record<string, unknown> {
    const parsed = def.settings.safeParse(settings);
    if (!parsed.success) {
      throw invalidSettings({ kind: def.kind }, `The ${def.title} settings are incomplete`, parsed.error);
    }
    return { ...(parsed.data as Record<string, unknown>) };
  }

  /** A connection of its own, holding the settings; the secret fields sealed. */
  private async newConnection(orgId: string, def: ConnectorDefinition, input: NewDestinationInput): Promise<{ connectionId: string; settings: null }> {
    const settings = this.parseSettings(def, input.settings);
    const secrets: Record<string, unknown> = {};
    for (const key of def.secrets) if (settings[key] !== undefined) { secrets[key] = settings[key]; delete settings[key]; }
    const connectionId = await insertConnection(this.deps.db, orgId, {
      kind: input.kind, label: input.name, settings, secrets: Object.keys(secrets).length ? this.deps.seal(secrets) : null,
    });
    return { connectionId, settings: null };
  }

  /** A shared connection (an OAuth account) of this organization; the destination keeps only its own fields. */
  private async onConnection(orgId: string, def: ConnectorDefinition, connectionId: string, own: Record<string, unknown>): Promise<{ connectionId: string; settings: Record<string, unknown> }> {
    const conn = await findConnection(this.deps.db, orgId, connectionId);
    // A client's account, connected for a collection channel, is never written to.
    if (conn.settings.collectOnly) throw new DomainError('not_found', `Connection ${connectionId} does not exist in this organization.`, { reason: 'not_found_thing', params: { id: connectionId } });
    if (conn.kind !== def.kind) throw new DomainError('invalid_input', `Connection ${connectionId} is a ${conn.kind} connection, not ${def.title}.`, { reason: 'connection_other_kind', params: { id: connectionId, kind: def.title } });
    if (conn.state !== 'ready') throw new DomainError('conflict', `The "${conn.label}" connection ${conn.state === 'disconnected' ? 'was disconnected' : 'needs to be reconnected'}: reconnect it first.`, { reason: conn.state === 'disconnected' ? 'connection_disconnected' : 'connection_reconnect', params: { name: conn.label } });
    const secretsGiven = def.secrets.filter((k) => own[k] !== undefined);
    if (secretsGiven.length) throw new DomainError('invalid_input', `The connection already holds the credentials: leave out ${secretsGiven.join(', ')}.`, { reason: 'connection_holds_secrets', params: { fields: secretsGiven.join(', ') } });
    // Where the provider is reached belongs to the connection: a destination pointing its
    // connector at another host would hand that host the account's bearer token.
    const endpoints = Object.keys(own).filter((k) => /url$/i.test(k));
    if (endpoints.length) throw new DomainError('invalid_input', `A destination on a connection uses the connection's provider address: leave out ${endpoints.join(', ')}.`, { reason: 'connection_endpoint', params: { fields: endpoints.join(', ') } });
    this.parseSettings(def, { ...conn.settings, ...own });
    return { connectionId, settings: own };
  }

  /** A connection that needed reconnecting works again: the destinations it stopped run again. */
  async connectionRestored(orgId: string, connectionId: string): Promise<void> {
    for (const dst of await listDestinations(this.deps.db, orgId)) {
      if (dst.connectionId !== connectionId || dst.state !== 'needs_attention') continue;
      await updateDestination(this.deps.db, orgId, dst.id, { state: 'active', stateReason: null });
      this.changed(orgId, dst.id, 'active');
      await destinationRecovered(this.deps.announce, orgId, dst);
      await this.requestSync(orgId, dst.id, 'reconnected');
    }
  }

  /** Opens the connection once and reads its free space: a wrong password fails here, not at 3 a.m. */
  private async test(orgId: string, dst: DestinationRow): Promise<void> {
    let connector: StorageConnector | null = null;
    try {
      connector = await this.deps.connect(orgId, dst);
      await connector.mkdir('');
      await readQuota(connector);
    } catch (e) {
      throw new DomainError('invalid_input', `Dossier could not reach "${dst.name}": ${(e as Error).message}`, { reason: 'unreachable', params: { name: dst.name, detail: (e as Error).message } });
    } finally {
      await connector?.close().catch(() => undefined);
    }
  }

  /**
   * The same test on settings not stored yet; answers the SFTP host key seen when none was
   * given, to be pinned with the connection (trust on first use, as a first pass would).
   */
  private async testUnsaved(def: ConnectorDefinition, input: NewDestinationInput): Promise<string | null> {
    const parsed = this.parseSettings(def, input.settings);
    let hostKey: string | null = null;
    let connector: StorageConnector | null = null;
    try {
      connector = await def.create(parsed, { pinHostKey: async (fingerprint) => { hostKey = fingerprint; } });
      await connector.mkdir('');
      await readQuota(connector);
    } catch (e) {
      throw new DomainError('invalid_input', `Dossier could not reach "${input.name}": ${(e as Error).message}`, { reason: 'unreachable', params: { name: input.name, detail: (e as Error).message } });
    } finally {
      await connector?.close().catch(() => undefined);
    }
    return hostKey;
  }

  private changed(orgId: string, destinationId: string, state: string): void {
    this.deps.events?.emit({ type: 'destination.changed', orgId, destinationId, state });
  }

  /**
   * Tries settings before anything is stored ("test connection" in a form): logs in, opens the
   * folder and reads the free space. An SFTP server's host key is reported, not pinned, so the
   * user can compare it with the server's own before saving it as hostKeySha256.
   */
  async tryConnection(kind: string, settings: Record<string, unknown>): Promise<ConnectionTest> {
    const def = this.definition(kind);
    const parsed = this.parseSettings(def, settings);
    let hostKeySha256 = typeof parsed.hostKeySha256 === 'string' ? parsed.hostKeySha256 : null;
    let connector: StorageConnector | null = null;
    try {
      connector = await def.create(parsed, { pinHostKey: async (fingerprint) => { hostKeySha256 = fingerprint; } });
      // A root that does not exist yet is fine: the first pass makes it. Any other failure
      // (login, host key, permissions) is what the user needs to hear about now.
      await connector.stat('').catch((e: unknown) => { if (!(isConnectorError(e) && e.kind === 'not_found')) throw e; });
      const quota = await readQuota(connector).catch(() => null);
      return { ok: true, message: null, hostKeySha256, free: quota?.free ?? null };
    } catch (e) {
      return { ok: false, message: (e as Error).message, hostKeySha256, free: null };
    } finally {
      await connector?.close().catch(() => undefined);
    }
  }

  /** The folders of a server whose details are being typed in (SFTP, WebDAV): for the wizard's folder browser. */
  async serverFolders(kind: string, settings: Record<string, unknown>, path: string): Promise<{ path: string; folders: ServerFolder[] }> {
    const def = this.definition(kind);
    return listServerFolders(def, this.parseSettings(def, settings), path);
  }

  async createServerFolder(kind: string, settings: Record<string, unknown>, parent: string, name: string): Promise<ServerFolder> {
    const def = this.definition(kind);
    return makeServerFolder(def, this.parseSettings(def, settings), parent, name);
  }

  async list(orgId: string, companyId?: string): Promise<DestinationRow[]> {
    return listDestinations(this.deps.db, orgId, companyId);
  }

  async get(orgId: string, id: string): Promise<DestinationRow> {
    return getDestination(this.deps.db, orgId, id);
  }

  async status(orgId: string, id: string, withQuota = true): Promise<DestinationStatus> {
    const dst = await getDestination(this.deps.db, orgId, id);
    const { cursorSeq: _cursor, ...rest } = dst;
    let quota: DestinationStatus['quota'] = null;
    if (withQuota && dst.state !== 'removed') {
      const connector = await this.deps.connect(orgId, dst).catch(() => null);
      const q = connector ? await readQuota(connector).catch(() => null) : null;
      await connector?.close().catch(() => undefined);
      if (q) {
        const low = q.free !== null && (q.total ? q.free / q.total < NEARLY_FULL : false);
        quota = { ...q, warning: low ? `Only ${formatBytes(q.free!)} free at the destination: make room soon.` : null };
      }
    }
    return { ...rest, documents: await deliveryCounts(this.deps.db, dst), quota };
  }

  /** Changes settings; a new layout or start date makes the next pass look at every document again. */
  async update(orgId: string, id: string, patch: Partial<Pick<NewDestinationInput, 'name' | 'layout' | 'startDate' | 'schedule' | 'restoreDeleted' | 'respectFolderDeletions'>>): Promise<DestinationRow> {
    const before = await getDestination(this.deps.db, orgId, id);
    if (patch.layout !== undefined) resolveLayout(patch.layout);
    if (patch.schedule !== undefined) parseSchedule(patch.schedule);
    const replan = (patch.layout !== undefined && patch.layout !== before.layout) || (patch.startDate !== undefined && patch.startDate !== before.startDate);
    const after = await updateDestination(this.deps.db, orgId, id, { ...patch, ...(replan && { cursorSeq: 0 }) });
    if (replan) await this.requestSync(orgId, id, 'settings');
    return after;
  }

  /** How many files a new layout or start date would move, send or leave out, before it is saved. */
  async previewChange(orgId: string, id: string, change: { layout?: string; startDate?: string | null }): Promise<ChangePreview> {
    const dst = await getDestination(this.deps.db, orgId, id);
    return previewChange(this.deps.db, dst, this.definition(dst.kind).names, change);
  }

  /** A company's name or language is part of every path: its destinations look at everything again. */
  async companyChanged(orgId: string, companyId: string): Promise<void> {
    for (const dst of await listDestinations(this.deps.db, orgId, companyId)) {
      await updateDestination(this.deps.db, orgId, dst.id, { cursorSeq: 0 });
      await this.requestSync(orgId, dst.id, 'settings');
    }
  }

  async pause(orgId: string, id: string): Promise<DestinationRow> {
    await getDestination(this.deps.db, orgId, id);
    const dst = await updateDestination(this.deps.db, orgId, id, { state: 'paused', stateReason: 'Paused by a user.' });
    this.changed(orgId, id, dst.state);
    return dst;
  }

  async resume(orgId: string, id: string): Promise<DestinationRow> {
    const before = await getDestination(this.deps.db, orgId, id);
    const dst = await updateDestination(this.deps.db, orgId, id, { state: 'active', stateReason: null });
    this.changed(orgId, id, dst.state);
    // Resumed after needing attention: the incident is over unless the next pass blocks again.
    if (before.state === 'needs_attention') await destinationRecovered(this.deps.announce, orgId, dst);
    await this.requestSync(orgId, id, 'resume');
    return dst;
  }

  /** Stops everything for this destination and forgets its credentials; the history stays. */
  async remove(orgId: string, id: string): Promise<void> {
    const dst = await getDestination(this.deps.db, orgId, id);
    await updateDestination(this.deps.db, orgId, id, { state: 'removed', stateReason: 'Removed by a user.' });
    this.changed(orgId, id, 'removed');
    // A shared connection (an OAuth account) outlives its destinations: it is disconnected on its own.
    if (dst.settings === null) await deleteConnectionSecrets(this.deps.db, orgId, dst.connectionId);
    await this.deps.forgetConnector?.(id);
  }

  /** Queues a pass (continuous destinations get one after each change). */
  async requestSync(orgId: string, id: string, trigger: string, delayMs = 0): Promise<void> {
    await this.deps.queue.send(SYNC_JOB, { orgId, destinationId: id, trigger }, { singletonKey: id, delayMs });
  }

  /** The job handler: runs a pass unless the destination is paused, removed or busy elsewhere. */
  async runJob(data: { orgId: string; destinationId: string; trigger: string }): Promise<void> {
    const dst = await getDestination(this.deps.db, data.orgId, data.destinationId).catch(() => null);
    if (!dst || dst.state !== 'active') return;
    const runId = await syncDestination(this.deps, data.orgId, data.destinationId, { trigger: data.trigger }).catch((e) => {
      if (e instanceof DomainError && e.code === 'conflict') return undefined; // paused meanwhile
      throw e;
    });
    if (runId === null) await this.requestSync(data.orgId, data.destinationId, data.trigger, 5_000); // busy in another process
  }

  /** Runs a pass now, in this process, and reports progress: `dossier destinations sync --wait`. */
  async syncNow(orgId: string, id: string, opts: { signal?: AbortSignal; onProgress?(p: Progress): void } = {}): Promise<string> {
    const dst = await getDestination(this.deps.db, orgId, id);
    if (dst.state === 'paused') throw new DomainError('conflict', `"${dst.name}" is paused${dst.stateReason ? ` (${dst.stateReason})` : ''}: resume it first.`, { reason: 'destination_paused', params: { name: dst.name } });
    for (let attempt = 0; ; attempt++) {
      const runId = await syncDestination(this.deps, orgId, id, { trigger: 'manual', ...opts });
      if (runId) return runId;
      if (attempt > 120) throw new DomainError('unavailable', `"${dst.name}" is being synced by another process; try again when it is done.`, { reason: 'busy_elsewhere', params: { name: dst.name } });
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** Lists the destination, compares with the ledger, then restores what is missing. */
  async verify(orgId: string, id: string, opts: { signal?: AbortSignal } = {}): Promise<VerifyReport & { runId: string | null }> {
    const dst = await getDestination(this.deps.db, orgId, id);
    const connector = await this.deps.connect(orgId, dst);
    let report: VerifyReport;
    try {
      report = await verifyDestination(this.deps.db, connector, dst, opts.signal);
    } finally {
      await connector.close().catch(() => undefined);
    }
    const runId = dst.state === 'active' ? await this.syncNow(orgId, id, opts) : null;
    return { ...report, runId };
  }

  async runs(orgId: string, id: string, limit = 50) {
    await getDestination(this.deps.db, orgId, id);
    return listRuns(this.deps.db, orgId, id, limit);
  }

  async run(orgId: string, runId: string, after = 0, limit = 500) {
    return { run: await getRun(this.deps.db, orgId, runId), items: await listRunItems(this.deps.db, orgId, runId, after, limit) };
  }

  async documentStatus(orgId: string, documentId: string) {
    await getDocument(this.deps.db, orgId, documentId);
    return deliveriesOfDocument(this.deps.db, orgId, documentId);
  }

  /** Where a document (real, or described) would land at a destination, without writing. */
  async preview(orgId: string, input: { destinationId?: string; kind?: string; layout?: string; companyId?: string; documentId?: string; document?: Omit<DocumentFacts, 'id'> }): Promise<string> {
    const dst = input.destinationId ? await getDestination(this.deps.db, orgId, input.destinationId) : null;
    const layout = resolveLayout(input.layout ?? dst?.layout ?? 'company-year-type');
    let facts: DocumentFacts;
    let companyId = input.companyId ?? dst?.companyId;
    if (input.documentId) {
      const d = await getDocument(this.deps.db, orgId, input.documentId);
      const v = await getVersion(this.deps.db, orgId, d.currentVersionId);
      facts = { ...d, filename: v.filename };
      companyId ??= d.companyId;
    } else if (input.document) {
      facts = { id: 'doc_preview', ...input.document };
    } else {
      throw new DomainError('invalid_input', 'Give a documentId or a document to preview.', { reason: 'preview_needs_document' });
    }
    if (!companyId) throw new DomainError('invalid_input', 'Give a companyId or a destinationId.', { reason: 'preview_needs_company' });
    const company = await getCompany(this.deps.db, orgId, companyId);
    const rules = this.definition(input.kind ?? dst?.kind ?? 'local').names;
    return renderPath(layout, facts, company, rules);
  }

}
