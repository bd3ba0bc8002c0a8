import type { Logger } from 'pino';
import { isConnectorError, joinPath, splitPath, type StorageConnector } from '../connectors/connector.js';
import { COLLECTED_FOLDER } from '../domain/channels.js';
import type { Db } from '../catalog/db.js';
import type { Channel } from '../catalog/channels.js';
import type { Company } from '../catalog/organizations.js';
import type { Outcome } from '../catalog/collect-runs.js';
import { inboxItemWithContent, inboxItemWithKey, insertInboxItem, noteDuplicate } from '../catalog/inbox.js';
import { claimItem, failItem, goneWithContent, LostClaim, settleItem, type LedgerItem } from '../catalog/ledger.js';
import type { BlobStore } from '../vault/blobs.js';
import type { VaultService } from '../vault/service.js';
import { extractDocument, type ExtractionResult } from '../extract/index.js';
import { dedupeKey, documentMeta, extractionSummary, inboxFields } from './fields.js';

export interface IntakeDeps {
  db: Db;
  log: Logger;
  vault: VaultService;
  blobs: BlobStore;
  /** Read each collected document (e-invoice XML, PDF text, OCR); off only for benchmarks of the transfer itself. */
  readDocuments: boolean;
}

export interface IntakeJob {
  orgId: string;
  channel: Channel;
  company: Company;
  connector: StorageConnector;
  /** Who claims: this process. */
  owner: string;
}

export interface IntakeResult { outcome: Outcome; inboxItemId: string | null; error: string | null }

/** How long a claim holds without being settled: far longer than reading one document takes. */
export const CLAIM_MS = 15 * 60_000;
const MAX_READ_BYTES = 50 * 1024 * 1024;

const MIME: Record<string, string> = { pdf: 'application/pdf', xml: 'application/xml', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', tif: 'image/tiff', tiff: 'image/tiff' };
const mimeOf = (name: string) => MIME[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

async function readAll(blobs: BlobStore, sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of blobs.open(sha256)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed: inbox_items/.test(err?.message ?? '');
}

/**
 * Collects one pending file: claim, fetch into the vault, read, and file it in the inbox,
 * the document, the inbox item and the ledger row in one transaction. Returns null when the
 * file is not this worker's to collect (done meanwhile, or claimed by another live worker).
 */
export async function collectItem(deps: IntakeDeps, job: IntakeJob, item: LedgerItem, signal?: AbortSignal): Promise<IntakeResult | null> {
  const { channel } = job;
  if (!(await claimItem(deps.db, channel.id, item.key, job.owner, CLAIM_MS))) return null;
  try {
    const blob = await deps.vault.stage(await job.connector.read(item.path, { signal }));
    const settle = (state: 'collected' | 'duplicate', inboxItemId: string | null) => settleItem(deps.db, channel.id, item.key, job.owner, { state, sha256: blob.sha256, inboxItemId });
    // Touched, or changed and changed back: the bytes this row was collected with.
    if (item.sha256 === blob.sha256) {
      await settle('collected', item.inboxItemId);
      return { outcome: 'unchanged', inboxItemId: item.inboxItemId, error: null };
    }
    // A listing sees a renamed or moved file as a new path; its bytes say it was collected.
    const renamed = await goneWithContent(deps.db, channel.id, blob.sha256);
    if (renamed) {
      await settle('collected', renamed.inboxItemId);
      return { outcome: 'already_collected', inboxItemId: renamed.inboxItemId, error: null };
    }
    const duplicate = async (of: string): Promise<IntakeResult> => {
      await deps.db.transaction().execute(async (trx) => {
        await settleItem(trx, channel.id, item.key, job.owner, { state: 'duplicate', sha256: blob.sha256, inboxItemId: of });
        await noteDuplicate(trx, of);
      });
      return { outcome: 'duplicate', inboxItemId: of, error: null };
    };
    const existing = await inboxItemWithContent(deps.db, channel.companyId, blob.sha256);
    if (existing) return await duplicate(existing);

    const name = splitPath(item.path)[1];
    let result: ExtractionResult | null = null;
    let skipped: string | undefined;
    if (!deps.readDocuments) skipped = 'Reading is turned off for this run.';
    else if (blob.size > MAX_READ_BYTES) skipped = 'The file is too large to be read; enter its fields by hand.';
    else result = await extractDocument({ bytes: await readAll(deps.blobs, blob.sha256), filename: name, mime: mimeOf(name) });
    const fields = inboxFields(result);
    const key = dedupeKey(fields);
    const fileDate = item.modifiedAt ? item.modifiedAt.slice(0, 10) : new Date().toISOString().slice(0, 10);
    const meta = documentMeta(fields, job.company.name, fileDate);
    try {
      const filed = await deps.vault.createStaged(job.orgId, channel.companyId, meta, { ...blob, filename: name, mime: mimeOf(name) }, async (trx, doc) => {
        const likely = key ? await inboxItemWithKey(trx, channel.companyId, key) : null;
        const id = await insertInboxItem(trx, job.orgId, {
          companyId: channel.companyId, binderId: channel.binderId, recipientId: channel.recipientId, channelId: channel.id,
          documentId: doc.id, sha256: blob.sha256, filename: name, sourcePath: item.path, fields, extraction: extractionSummary(result, skipped),
          dedupeKey: key, likelyDuplicateOf: likely, previousId: item.inboxItemId,
        });
        await settleItem(trx, channel.id, item.key, job.owner, { state: 'collected', sha256: blob.sha256, inboxItemId: id });
        return { id, likely };
      });
      await moveAside(deps, job, item.path);
      const outcome: Outcome = item.inboxItemId ? 'changed' : filed.likely ? 'likely_duplicate' : 'collected';
      return { outcome, inboxItemId: filed.id, error: null };
    } catch (e) {
      // The same bytes filed by another channel a moment ago: the unique index caught it.
      if (!isUniqueViolation(e)) throw e;
      const other = await inboxItemWithContent(deps.db, channel.companyId, blob.sha256);
      if (!other) throw e;
      return await duplicate(other);
    }
  } catch (e) {
    if (e instanceof LostClaim) return null;
    if (signal?.aborted || isConnectorError(e, 'cancelled')) throw e;
    // A connection that broke concerns the whole channel: the run stops and says so.
    if (isConnectorError(e, 'auth_expired') || isConnectorError(e, 'permission_denied')) throw e;
    const message = e instanceof Error ? e.message : String(e);
    await failItem(deps.db, channel.id, item.key, job.owner, message);
    deps.log.warn({ channel: channel.id, path: item.path, err: message }, 'collecting a file failed');
    return { outcome: 'failed', inboxItemId: null, error: message };
  }
}

/** With the option on, a collected file moves to Collected/ in the source folder; a failure there loses nothing. */
async function moveAside(deps: IntakeDeps, job: IntakeJob, path: string): Promise<void> {
  const c = job.connector;
  if (!job.channel.moveCollected || !c.move || path.startsWith(`${COLLECTED_FOLDER}/`)) return;
  const [, name] = splitPath(path);
  const dot = name.lastIndexOf('.');
  for (let n = 1; n < 100; n++) {
    const candidate = n === 1 ? name : dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
    const target = joinPath(COLLECTED_FOLDER, candidate);
    const taken = await c.stat(target).then(() => true, (e) => (isConnectorError(e, 'not_found') ? false : Promise.reject(e)));
    if (taken) continue;
    try {
      await c.mkdir(COLLECTED_FOLDER);
      await c.move(path, target);
    } catch (e) {
      deps.log.warn({ channel: job.channel.id, path, err: (e as Error).message }, 'could not move a collected file to Collected/');
    }
    return;
  }
}
