import type { Readable } from 'node:stream';
import { listDocuments, type DocumentFilter, type DocumentPage } from '../catalog/document-list.js';
import { DomainError, notFound } from '../domain/errors.js';
import type { Db } from '../catalog/db.js';
import { getCompany } from '../catalog/organizations.js';
import type { Transaction } from 'kysely';
import type { Database } from '../catalog/schema.js';
import { createHash } from 'node:crypto';
import { claimKeyIn, keepAnswerIn, keptAnswer, type KeyedRequest } from '../catalog/idempotency.js';
import {
  addVersionIn, findDocumentByContent, findSameDocument, getDocument, getVersion, insertDocumentsIn, listVersions,
  type DocumentMeta, type DocumentRow, type VersionRow,
} from '../catalog/documents.js';
import type { BlobStore } from './blobs.js';
import { recordAudit } from '../audit/log.js';
import { SYSTEM, type AuditActor, type AuditEvent } from '../domain/audit.js';

/** The audit entry of a version received: the document's new state and, with new bytes, their hash. */
function received(doc: DocumentRow, actor: AuditActor, blob: StagedBlob | null, changed?: Partial<DocumentMeta>): AuditEvent {
  return {
    type: 'document.version_received', actor, objectType: 'document', objectId: doc.id, companyId: doc.companyId,
    details: {
      versionId: doc.currentVersionId, version: doc.versionCount, type: doc.type, number: doc.number, date: doc.date,
      ...(blob ? { sha256: blob.sha256, size: blob.size, filename: blob.filename, mime: blob.mime } : { metadataOnly: true }),
      ...(changed && { changed }),
    },
  };
}

/**
 * Intake and reading of documents. Bytes go to the blob store first (content-addressed, so a
 * crash leaves at most an unreferenced blob), then one transaction records the document and
 * its version; only then are listeners told, so a backup never sees a half-made document.
 */
export interface VaultDeps {
  db: Db;
  blobs: BlobStore;
  maxUploadBytes: number;
  /**
   * Called after a document or version is committed, and awaited: when create() returns, the
   * follow-up work (a continuous backup pass) is already queued.
   */
  onChange(orgId: string, companyId: string): Promise<void>;
  /** Told of each new document after its commit (webhooks: document.created); must not throw. */
  onCreated?(orgId: string, documents: Array<{ id: string; companyId: string; type: string; number: string | null }>): Promise<void>;
}

export interface Upload { body: Readable; filename: string; mime: string }

export interface StagedBlob { sha256: string; size: number; filename: string; mime: string }

export interface DocumentView extends DocumentRow { versions: VersionRow[] }

/** An Idempotency-Key as a caller sent it: `principal` is who (an API key, or a signed-in user). */
export interface IdempotencyKeyUse { principal: string; key: string }

/**
 * How an upload was answered: 201 for a new document or version; 200 for a document this
 * company already held (same type, number and bytes: `existing`); `replayed` when it is the
 * first answer to the same Idempotency-Key again.
 */
export interface Submitted { document: DocumentView; status: 200 | 201; existing: boolean; replayed: boolean }

/** How long an Idempotency-Key is remembered: a client retries within minutes, not days. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

class KeyTaken extends Error {}

const fingerprintOf = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

const cleanFilename = (name: string) => name.replace(/[\\/]/g, '_').replace(/[\u0000-\u001f]/g, '').slice(0, 255) || 'document';

export class VaultService {
  constructor(private readonly deps: VaultDeps) {}

  async create(orgId: string, companyId: string, meta: DocumentMeta, upload: Upload, actor: AuditActor = SYSTEM): Promise<DocumentView> {
    await getCompany(this.deps.db, orgId, companyId);
    const blob = await this.deps.blobs.put(upload.body, { maxBytes: this.deps.maxUploadBytes });
    const doc = await this.insertAudited(orgId, companyId, meta, { ...blob, filename: cleanFilename(upload.filename), mime: upload.mime }, actor);
    await this.deps.onChange(orgId, companyId);
    await this.created(orgId, companyId, [{ id: doc.id, meta }]);
    return this.get(orgId, doc.id);
  }

  /** Same as create, unless this company already holds these exact bytes: then that document. */
  async importOnce(orgId: string, companyId: string, meta: DocumentMeta, upload: Upload, actor: AuditActor = SYSTEM): Promise<{ document: DocumentView; created: boolean }> {
    await getCompany(this.deps.db, orgId, companyId);
    const blob = await this.deps.blobs.put(upload.body, { maxBytes: this.deps.maxUploadBytes });
    const existing = await findDocumentByContent(this.deps.db, orgId, companyId, blob.sha256);
    if (existing) return { document: await this.get(orgId, existing), created: false };
    const doc = await this.insertAudited(orgId, companyId, meta, { ...blob, filename: cleanFilename(upload.filename), mime: upload.mime }, actor);
    await this.deps.onChange(orgId, companyId);
    await this.created(orgId, companyId, [{ id: doc.id, meta }]);
    return { document: await this.get(orgId, doc.id), created: true };
  }

  /**
   * An upload through the API: create(), unless this company holds a document of the same type
   * and number with these bytes (then that one, status 200), and once per Idempotency-Key.
   */
  async submit(orgId: string, companyId: string, meta: DocumentMeta, upload: Upload, idempotency?: IdempotencyKeyUse, actor: AuditActor = SYSTEM): Promise<Submitted> {
    await getCompany(this.deps.db, orgId, companyId);
    const blob = { ...(await this.deps.blobs.put(upload.body, { maxBytes: this.deps.maxUploadBytes })), filename: cleanFilename(upload.filename), mime: upload.mime };
    const keyed = idempotency && { orgId, ...idempotency, fingerprint: fingerprintOf(['document', companyId, meta, blob]) };
    return this.once(orgId, companyId, keyed, async (trx) => {
      const same = await findSameDocument(trx, orgId, companyId, meta, blob.sha256);
      if (same) return { documentId: same, status: 200 };
      const [doc] = await insertDocumentsIn(trx, orgId, companyId, [{ meta, blob }]);
      await recordAudit(trx, orgId, received(doc!, actor, blob));
      return { documentId: doc!.id, status: 201, created: meta };
    });
  }

  /** A new version through the API: update(), once per Idempotency-Key. */
  async submitVersion(orgId: string, documentId: string, meta: Partial<DocumentMeta>, upload: Upload, idempotency?: IdempotencyKeyUse, actor: AuditActor = SYSTEM): Promise<Submitted> {
    const current = await getDocument(this.deps.db, orgId, documentId);
    const blob = { ...(await this.deps.blobs.put(upload.body, { maxBytes: this.deps.maxUploadBytes })), filename: cleanFilename(upload.filename), mime: upload.mime };
    const keyed = idempotency && { orgId, ...idempotency, fingerprint: fingerprintOf(['version', documentId, meta, blob]) };
    return this.once(orgId, current.companyId, keyed, async (trx) => {
      const doc = await addVersionIn(trx, orgId, documentId, meta, blob);
      await recordAudit(trx, orgId, received(doc, actor, blob, meta));
      return { documentId, status: 201 };
    });
  }

  /**
   * Runs `work` in one transaction with the claim of the key, so that a key is answered exactly
   * when its work is committed: a crash leaves neither, and the client's retry does the work.
   */
  private async once(orgId: string, companyId: string, keyed: KeyedRequest | undefined,
    work: (trx: Transaction<Database>) => Promise<{ documentId: string; status: 200 | 201; created?: DocumentMeta }>): Promise<Submitted> {
    let done: { documentId: string; status: 200 | 201; created?: DocumentMeta };
    try {
      done = await this.deps.db.transaction().execute(async (trx) => {
        if (keyed && !(await claimKeyIn(trx, keyed, IDEMPOTENCY_TTL_MS))) throw new KeyTaken();
        const r = await work(trx);
        if (keyed) await keepAnswerIn(trx, keyed, r.status, r.documentId);
        return r;
      });
    } catch (e) {
      if (!(e instanceof KeyTaken)) throw e;
      const kept = await keptAnswer(this.deps.db, keyed!);
      if (!kept) throw new DomainError('conflict', 'A request with this Idempotency-Key is being answered at this moment; send it again in a few seconds.', { reason: 'idempotency_in_flight' });
      if (kept.fingerprint !== keyed!.fingerprint) {
        throw new DomainError('idempotency_key_reused',
          'This Idempotency-Key was already used, within the last 24 hours, for a different request (other fields or another file). Send a new key with each new upload.', { reason: 'idempotency_key_reused' });
      }
      const status = kept.status === 200 ? 200 : 201;
      return { document: await this.get(orgId, kept.documentId), status, existing: status === 200, replayed: true };
    }
    if (done.status === 201) await this.deps.onChange(orgId, companyId);
    if (done.created) await this.created(orgId, companyId, [{ id: done.documentId, meta: done.created }]);
    return { document: await this.get(orgId, done.documentId), status: done.status, existing: done.status === 200, replayed: false };
  }

  /**
   * Streams bytes into the blob store only; a crash after this leaves an unreferenced blob,
   * nothing else. With `durable: false`, call syncStaged() on them before recording them.
   */
  async stage(body: Readable, opts: { durable?: boolean } = {}): Promise<{ sha256: string; size: number }> {
    return this.deps.blobs.put(body, { maxBytes: this.deps.maxUploadBytes, durable: opts.durable });
  }

  /** Forces a batch of staged bytes to disk at once, before a transaction refers to them. */
  async syncStaged(sha256s: string[]): Promise<void> {
    await this.deps.blobs.sync(sha256s);
  }

  /**
   * One transaction in which `within` records any number of documents over staged bytes (a
   * batch of collected files, in as few statements as possible) beside its own writes: all of
   * them are there, or none. Listeners are told once, after the commit, when a document was recorded.
   */
  async recordStaged<T>(orgId: string, companyId: string,
    within: (trx: Transaction<Database>, record: (docs: Array<{ meta: DocumentMeta; blob: StagedBlob }>) => Promise<DocumentRow[]>) => Promise<T>,
    actor: AuditActor = SYSTEM): Promise<T> {
    const recorded: Array<{ id: string; meta: DocumentMeta }> = [];
    const result = await this.deps.db.transaction().execute(async (trx) => within(trx, async (docs) => {
      const clean = docs.map(({ meta, blob }) => ({ meta, blob: { ...blob, filename: cleanFilename(blob.filename) } }));
      const rows = await insertDocumentsIn(trx, orgId, companyId, clean);
      await recordAudit(trx, orgId, rows.map((row, i) => received(row, actor, clean[i]!.blob)));
      rows.forEach((row, i) => recorded.push({ id: row.id, meta: docs[i]!.meta }));
      return rows;
    }));
    if (recorded.length > 0) await this.deps.onChange(orgId, companyId);
    await this.created(orgId, companyId, recorded);
    return result;
  }

  private async created(orgId: string, companyId: string, docs: Array<{ id: string; meta: DocumentMeta }>): Promise<void> {
    if (docs.length === 0 || !this.deps.onCreated) return;
    await this.deps.onCreated(orgId, docs.map((d) => ({ id: d.id, companyId, type: d.meta.type, number: d.meta.number ?? null })));
  }

  /** A new version: new bytes, new metadata, or both. */
  async update(orgId: string, documentId: string, meta: Partial<DocumentMeta>, upload?: Upload, actor: AuditActor = SYSTEM): Promise<DocumentView> {
    if (!upload && Object.keys(meta).length === 0) throw new DomainError('invalid_input', 'Nothing to change: send a file, metadata, or both.', { reason: 'nothing_to_change' });
    const current = await getDocument(this.deps.db, orgId, documentId);
    const blob = upload ? { ...(await this.deps.blobs.put(upload.body, { maxBytes: this.deps.maxUploadBytes })), filename: cleanFilename(upload.filename), mime: upload.mime } : null;
    await this.deps.db.transaction().execute(async (trx) => {
      const doc = await addVersionIn(trx, orgId, documentId, meta, blob);
      await recordAudit(trx, orgId, received(doc, actor, blob, meta));
    });
    await this.deps.onChange(orgId, current.companyId);
    return this.get(orgId, documentId);
  }

  /** A new document and its audit entry, in one transaction. */
  private async insertAudited(orgId: string, companyId: string, meta: DocumentMeta, blob: StagedBlob, actor: AuditActor): Promise<DocumentRow> {
    return this.deps.db.transaction().execute(async (trx) => {
      const [doc] = await insertDocumentsIn(trx, orgId, companyId, [{ meta, blob }]);
      await recordAudit(trx, orgId, received(doc!, actor, blob));
      return doc!;
    });
  }

  async get(orgId: string, documentId: string): Promise<DocumentView> {
    const doc = await getDocument(this.deps.db, orgId, documentId);
    return { ...doc, versions: await listVersions(this.deps.db, orgId, documentId) };
  }

  async list(orgId: string, filter: DocumentFilter): Promise<DocumentPage> {
    return listDocuments(this.deps.db, orgId, filter);
  }

  /** The bytes of a version (the current one by default). */
  async content(orgId: string, documentId: string, versionId?: string): Promise<{ version: VersionRow; body: Readable }> {
    const doc = await getDocument(this.deps.db, orgId, documentId);
    const version = await getVersion(this.deps.db, orgId, versionId ?? doc.currentVersionId);
    if (version.documentId !== documentId) throw notFound('Version', versionId!);
    return { version, body: this.deps.blobs.open(version.sha256, Number(version.size)) };
  }
}
