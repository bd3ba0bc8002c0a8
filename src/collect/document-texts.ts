import type { Logger } from 'pino';
import { isUniqueViolation, type Db } from '../catalog/db.js';
import { hasDocumentText, saveDocumentTexts } from '../catalog/document-list.js';
import type { JobQueue } from '../jobs/queue.js';
import { DomainError } from '../domain/errors.js';
import type { VaultService } from '../vault/service.js';
import { readBlob } from './reading.js';
import { getVersion } from '../catalog/documents.js';
import type { BlobStore } from '../vault/blobs.js';

export const READ_TEXT_JOB = 'document.read-text';
export interface ReadTextJob { orgId: string; documentId: string }

/**
 * The text of a document uploaded without read=true, read after the upload was answered, so the
 * Documents page finds it by a word of its text as it finds collected documents. The upload does
 * not wait for it: reading a scan can take seconds, and the document is kept whatever comes of it.
 * A job is idempotent: a document whose text is kept already (or that was deleted) is left alone.
 */
export class DocumentTexts {
  constructor(private readonly deps: { db: Db; vault: VaultService; blobs: BlobStore; queue: JobQueue; log: Logger; readDocuments: boolean }) {}

  async request(orgId: string, documentId: string): Promise<void> {
    if (!this.deps.readDocuments) return;
    await this.deps.queue.send(READ_TEXT_JOB, { orgId, documentId } satisfies ReadTextJob, { singletonKey: documentId });
  }

  async runJob({ orgId, documentId }: ReadTextJob): Promise<void> {
    if (await hasDocumentText(this.deps.db, orgId, documentId)) return;
    let doc;
    try {
      doc = await this.deps.vault.get(orgId, documentId);
    } catch (e) {
      if (e instanceof DomainError && e.code === 'not_found') return; // deleted before it was read
      throw e;
    }
    const version = await getVersion(this.deps.db, orgId, doc.currentVersionId);
    // The same bounded reader as collected documents: too large is not read, busy waits its turn.
    const { text, extraction } = await readBlob(this.deps.blobs, { sha256: version.sha256, size: Number(version.size) }, version.filename, version.mime);
    if (!text?.trim()) {
      this.deps.log.info({ documentId, reason: extraction.ok ? 'no text' : extraction.reason }, 'an uploaded document has no text to search');
      return;
    }
    try {
      await saveDocumentTexts(this.deps.db, orgId, [{ documentId, text }]);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e; // kept meanwhile by another path: the same file, the same text
    }
  }
}
