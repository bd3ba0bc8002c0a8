import type { Logger } from 'pino';
import type { Db } from '../catalog/db.js';
import type { JobQueue } from '../jobs/queue.js';
import type { BlobStore } from '../vault/blobs.js';
import type { VaultService } from '../vault/service.js';
import type { DocumentMeta } from '../catalog/documents.js';
import { getVersion } from '../catalog/documents.js';
import { getCompany } from '../catalog/organizations.js';
import { saveDocumentTexts } from '../catalog/document-list.js';
import { finishReading, findInboxItem, inboxItemsBeingRead, type ExtractionSummary } from '../catalog/inbox.js';
import { BUSY_RETRY_AFTER_S, extractDocument, type ExtractionInput, type ExtractionResult } from '../extract/index.js';
import { dedupeKey, documentMeta, extractionSummary, inboxFields } from './fields.js';

/**
 * Reading a collected document (e-invoice XML, PDF text, OCR) as a job of its own: the document
 * is filed into the inbox at once, marked `reading`, and whichever worker takes the job reads it,
 * so OCR spreads over the workers instead of holding up the collection run that found the file.
 */
export const READ_JOB = 'document.read';

export interface ReadJob { orgId: string; inboxItemId: string }

/** Read once, and more than 50 MB not at all: the reader would refuse it anyway. */
const MAX_READ_BYTES = 50 * 1024 * 1024;
/** How long a document waits, at most, for a free extraction thread before it is filed as not read. */
const MAX_BUSY_WAIT_MS = 5 * 60_000;

const MIME: Record<string, string> = { pdf: 'application/pdf', xml: 'application/xml', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', tif: 'image/tiff', tiff: 'image/tiff' };
export const mimeOf = (name: string) => MIME[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

/** What reading one document gave: the inbox's fields, the summary, the duplicate key and the text for search. */
export interface Reading { fields: ReturnType<typeof inboxFields>; extraction: ExtractionSummary; key: string | null; text: string | null }

/** What an item shows until its job has read it. */
export const NOT_READ_YET: Reading = {
  fields: {}, key: null, text: null,
  extraction: { ok: false, source: null, reason: 'reading', message: 'The document is being read.', warnings: [], pages: null },
};

async function readAll(blobs: BlobStore, sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of blobs.open(sha256)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Reading is shared with uploads to the API; when all of it is taken (`busy`), a document waits
 * its turn rather than being filed as unread, within a bound.
 */
async function extractWhenFree(input: ExtractionInput): Promise<ExtractionResult> {
  const giveUpAt = Date.now() + MAX_BUSY_WAIT_MS;
  for (;;) {
    const result = await extractDocument(input);
    if (result.ok || result.reason !== 'busy' || Date.now() >= giveUpAt) return result;
    await new Promise((r) => setTimeout(r, BUSY_RETRY_AFTER_S * 1000));
  }
}

/** Reads one stored file; `skipped` says why it is not read at all. */
export async function readBlob(blobs: BlobStore, blob: { sha256: string; size: number }, name: string, mime: string, skipped?: string): Promise<Reading> {
  let result: ExtractionResult | null = null;
  if (blob.size > MAX_READ_BYTES) skipped ??= 'The file is too large to be read; enter its fields by hand.';
  if (!skipped) result = await extractWhenFree({ bytes: await readAll(blobs, blob.sha256), filename: name, mime });
  const fields = inboxFields(result);
  return { fields, extraction: extractionSummary(result, skipped), key: dedupeKey(fields), text: result?.ok ? result.text : null };
}

export interface DocumentReadingDeps { db: Db; log: Logger; vault: VaultService; blobs: BlobStore; queue: JobQueue }

export class DocumentReading {
  constructor(private readonly deps: DocumentReadingDeps) {}

  /** Queues the reading of items just filed; the item's id is the job's key, so each is read once. */
  async queue(orgId: string, inboxItemIds: string[]): Promise<void> {
    for (const inboxItemId of inboxItemIds) await this.deps.queue.send(READ_JOB, { orgId, inboxItemId } satisfies ReadJob, { singletonKey: inboxItemId });
  }

  /**
   * The job. An item no longer `reading` was read already (by an earlier run of this job, whose
   * worker died after its commit): nothing is done twice. The vault document takes the read
   * metadata first, so a crash between the two steps reads again and finds the metadata equal.
   */
  async runJob(job: ReadJob): Promise<void> {
    const { db, vault } = this.deps;
    const item = await findInboxItem(db, job.orgId, job.inboxItemId);
    if (!item || item.status !== 'reading') return;
    const doc = await vault.get(job.orgId, item.documentId);
    const version = await getVersion(db, job.orgId, doc.currentVersionId);
    const reading = await readBlob(this.deps.blobs, { sha256: version.sha256, size: Number(version.size) }, item.filename, version.mime);
    const company = await getCompany(db, job.orgId, item.companyId);
    // The file's date, recorded at filing, stays the date when none was read.
    const meta = documentMeta(reading.fields, company.name, doc.date);
    const changed: Partial<DocumentMeta> = {};
    for (const k of ['type', 'number', 'date', 'counterparty', 'amount', 'currency'] as const) if (meta[k] !== doc[k]) Object.assign(changed, { [k]: meta[k] });
    if (Object.keys(changed).length > 0) {
      await vault.update(job.orgId, item.documentId, changed, undefined, { kind: 'client', id: item.channelId ?? item.recipientId });
    }
    await db.transaction().execute(async (trx) => {
      if (!(await finishReading(trx, job.orgId, item, reading))) return;
      if (reading.text) await saveDocumentTexts(trx, job.orgId, [{ documentId: item.documentId, text: reading.text }]);
    });
  }

  /**
   * Queues again every item still being read: on the in-process queue a stopped process took
   * its jobs with it (the scheduler leader calls this at start). Paged, so it stays small.
   */
  async requeueUnread(): Promise<number> {
    let after: string | undefined;
    let n = 0;
    for (;;) {
      const page = await inboxItemsBeingRead(this.deps.db, after, 500);
      if (page.length === 0) return n;
      for (const i of page) await this.deps.queue.send(READ_JOB, { orgId: i.orgId, inboxItemId: i.id } satisfies ReadJob, { singletonKey: i.id });
      n += page.length;
      after = page.at(-1)!.id;
    }
  }
}
