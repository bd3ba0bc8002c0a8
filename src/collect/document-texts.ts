import type { Logger } from 'pino';
import { isUniqueViolation, type Db } from '../catalog/db.js';
import { hasDocumentText, saveDocumentTexts } from '../catalog/document-list.js';
import type { JobQueue } from '../jobs/queue.js';
import { DomainError } from '../domain/errors.js';
import type { VaultService } from '../vault/service.js';
import { extractWhenFree, MAX_READ_BYTES } from './intake.js';

export const READ_TEXT_JOB = 'document.read-text';
export interface ReadTextJob { orgId: string; documentId: string }

/**
 * The text of a document uploaded without read=true, read after the upload was answered, so the
 * Documents page finds it by a word of its text as it finds collected documents. The upload does
 * not wait for it: reading a scan can take seconds, and the document is kept whatever comes of it.
 * A job is idempotent: a document whose text is kept already (or that was deleted) is left alone.
 */
export class DocumentTexts {
  constructor(private readonly deps: { db: Db; vault: VaultService; queue: JobQueue; log: Logger; readDocuments: boolean }) {}

  async request(orgId: string, documentId: string): Promise<void> {
    if (!this.deps.readDocuments) return;
    await this.deps.queue.send(READ_TEXT_JOB, { orgId, documentId } satisfies ReadTextJob, { singletonKey: documentId });
  }

  async runJob({ orgId, documentId }: ReadTextJob): Promise<void> {
    if (await hasDocumentText(this.deps.db, orgId, documentId)) return;
    let content;
    try {
      content = await this.deps.vault.content(orgId, documentId);
    } catch (e) {
      if (e instanceof DomainError && e.code === 'not_found') return; // deleted before it was read
      throw e;
    }
    const { version, body } = content;
    if (version.size > MAX_READ_BYTES) { body.destroy(); return; }
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    const result = await extractWhenFree({ bytes: Buffer.concat(chunks), filename: version.filename, mime: version.mime });
    if (!result.ok || !result.text.trim()) {
      this.deps.log.info({ documentId, reason: result.ok ? 'no text' : result.reason }, 'an uploaded document has no text to search');
      return;
    }
    try {
      await saveDocumentTexts(this.deps.db, orgId, [{ documentId, text: result.text }]);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e; // kept meanwhile by another path: the same file, the same text
    }
  }
}
