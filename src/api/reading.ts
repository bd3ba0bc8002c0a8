import { Readable } from 'node:stream';
import { z } from 'zod';
import { BUSY_RETRY_AFTER_S, extractDocument, extractionLimits, type ExtractionResult } from '../extract/index.js';
import { prefill, PREFILL_FIELDS, type Prefill } from '../collect/fields.js';
import { HttpError } from './errors.js';
import type { Upload } from '../vault/service.js';
import type { FastifyReply } from 'fastify';

/**
 * Reading an upload to propose its metadata (`read=true` on POST /v1/documents, `companyId` on
 * POST /v1/extract). What the caller typed always wins; a read value fills only what was left
 * empty, and comes back with its confidence so the client can ask the user to check it.
 */

const Proposed = z.object({ value: z.string(), confidence: z.number().min(0).max(1) });
export const PrefillSchema = z.partialRecord(z.enum(PREFILL_FIELDS), Proposed)
  .describe('Values read from the file for the document\'s fields, each with a confidence (0..1; below 0.8 means "check this value").')
  .meta({ id: 'Prefill' });

export const ReadingSchema = z.object({
  ok: z.boolean().describe('Whether the file could be read; a file that could not be read is still stored.'),
  source: z.string().nullable().describe('How it was read: ubl, cii, facturx, pdf-text or ocr.'),
  reason: z.string().nullable().describe('Why it could not be read (a FAILURE_REASONS code), or null.'),
  proposed: PrefillSchema,
  filled: z.array(z.enum(PREFILL_FIELDS)).describe('The fields that were empty in the request and were filled from the file.'),
}).meta({ id: 'Reading' });
export type Reading = z.infer<typeof ReadingSchema>;

/**
 * The file's bytes when they fit the extraction limit, and a body that still yields every byte
 * for the vault. A larger file is not read (the reader would refuse it) and is never held in
 * memory whole: it streams on as before.
 */
export async function bufferForReading(upload: Upload): Promise<{ bytes: Buffer | null; upload: Upload }> {
  const limit = extractionLimits().maxInputBytes;
  const it = upload.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await it.next();
    if (next.done) {
      const bytes = Buffer.concat(chunks);
      return { bytes, upload: { ...upload, body: Readable.from([bytes], { objectMode: false }) } };
    }
    chunks.push(next.value);
    size += next.value.length;
    if (size > limit) break;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield* chunks;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  }
  return { bytes: null, upload: { ...upload, body: Readable.from(rest(), { objectMode: false }) } };
}

/** Every extraction thread taken and the waiting line full: a 503 the client retries. */
export function throwIfBusy(result: ExtractionResult | null, reply: FastifyReply): void {
  if (result && !result.ok && result.reason === 'busy') {
    reply.header('retry-after', String(BUSY_RETRY_AFTER_S));
    throw new HttpError(503, 'busy', result.message, { reason: 'reader_busy', params: { seconds: BUSY_RETRY_AFTER_S } });
  }
}

/** Reads the buffered file (null when it was too large to read); busy is a 503, before anything is stored. */
export async function readUpload(bytes: Buffer | null, upload: Upload, reply: FastifyReply): Promise<ExtractionResult | null> {
  if (!bytes) return null;
  const result = await extractDocument({ bytes, filename: upload.filename, mime: upload.mime });
  throwIfBusy(result, reply);
  return result;
}

/** The proposals that are valid values for the document's fields (a 600-character name is not). */
export function proposals(result: ExtractionResult | null, companyName: string, valid: Record<string, z.ZodType>): Prefill {
  const out: Prefill = {};
  for (const [k, p] of Object.entries(prefill(result, companyName)) as [keyof Prefill, { value: string; confidence: number }][]) {
    if (valid[k]?.safeParse(p.value).success) out[k] = p;
  }
  return out;
}

export function readingOf(result: ExtractionResult | null, proposed: Prefill, filled: Reading['filled']): Reading {
  if (!result) return { ok: false, source: null, reason: 'too_large', proposed, filled };
  return { ok: result.ok, source: result.ok ? result.source : null, reason: result.ok ? null : result.reason, proposed, filled };
}
