import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Upload } from '../vault/service.js';
import { DomainError } from '../domain/errors.js';
import { refusedFile, sniffDocumentType, SNIFF_BYTES } from '../domain/file-types.js';
import { describeIssues, HttpError } from './errors.js';

/**
 * Multipart uploads are streamed straight into the vault, never buffered: memory does not grow
 * with the file. That fixes the order of the parts: the metadata fields come first, the one
 * file (a part named "file") comes last. The fields are therefore known, and checked, before a
 * single byte is stored; and since the check for anything after the file runs before the
 * stream ends, a misplaced field fails the upload instead of being silently ignored.
 */
export type MultipartFields = Record<string, string | null>;

const FIELD_LIMITS = { fields: 30, fieldSize: 16 * 1024, fieldNameSize: 100, parts: 40 };

const ORDER_HINT = 'Send the metadata fields first and the file last, in a part named "file".';

function formatLimit(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes, i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`;
}

/**
 * Reads the fields, then hands them and the file stream to `consume`, which must read the
 * stream to its end (the vault does). An empty field counts as "no value" (null).
 */
export async function withUpload<T>(request: FastifyRequest, maxBytes: number, consume: (fields: MultipartFields, upload: Upload) => Promise<T>): Promise<T> {
  if (!request.isMultipart()) {
    throw new HttpError(415, 'unsupported_media_type', `Send this request as multipart/form-data. ${ORDER_HINT}`, { reason: 'multipart_required' });
  }
  const parts = request.parts({ limits: { ...FIELD_LIMITS, fileSize: maxBytes } });
  const fields: MultipartFields = {};
  for (;;) {
    const next = await parts.next();
    if (next.done) throw new DomainError('invalid_input', `The request has no file. ${ORDER_HINT}`, { reason: 'upload_no_file' });
    const part = next.value;
    if (part.type === 'field') {
      if (part.valueTruncated) throw new DomainError('invalid_input', `The field "${part.fieldname}" is too long.`, { reason: 'upload_field_too_long', params: { field: part.fieldname } });
      if (part.fieldname in fields) throw new DomainError('invalid_input', `The field "${part.fieldname}" is sent twice.`, { reason: 'upload_field_twice', params: { field: part.fieldname } });
      const value = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
      fields[part.fieldname] = value === '' ? null : value;
      continue;
    }
    if (part.fieldname !== 'file') throw new DomainError('invalid_input', `The file is in a part named "${part.fieldname}". ${ORDER_HINT}`, { reason: 'upload_file_part', params: { field: part.fieldname } });
    const source = part.file;
    // The first bytes decide what the file is, before anything is stored: the name and the
    // claimed type are the sender's word, the content is not.
    const reader = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const head: Buffer[] = [];
    let seen = 0, ended = false;
    while (seen < SNIFF_BYTES && (seen === 0 || !sniffDocumentType(Buffer.concat(head)))) {
      const next = await reader.next();
      if (next.done) { ended = true; break; }
      head.push(next.value);
      seen += next.value.length;
    }
    const filename = part.filename || 'document';
    const refused = refusedFile(Buffer.concat(head).subarray(0, SNIFF_BYTES), filename);
    if (refused) {
      if (!ended) source.resume(); // let the rest of the body pass, so the answer reaches the client
      throw new DomainError('invalid_input', refused.message, { reason: refused.reason, params: refused.params });
    }
    // Pulled only when the vault reads it: nothing flows (or fails) before a consumer is attached.
    async function* checked(): AsyncGenerator<Buffer> {
      yield* head;
      if (!ended) for (let next = await reader.next(); !next.done; next = await reader.next()) yield next.value;
      // busboy ends a file that hits the limit early instead of failing it: refuse the truncated bytes.
      if (source.truncated) throw new HttpError(413, 'too_large', `The file is larger than the limit of ${formatLimit(maxBytes)}.`, { reason: 'file_too_large', params: { bytes: maxBytes } });
      if (!(await parts.next()).done) throw new DomainError('invalid_input', `Something was sent after the file. ${ORDER_HINT}`, { reason: 'upload_after_file' });
    }
    const body = Readable.from(checked(), { objectMode: false });
    return consume(fields, { body, filename, mime: part.mimetype || 'application/octet-stream' });
  }
}

/** Checks the fields of a multipart body; a missing one most often means it was sent after the file. */
export function parseFields<S extends z.ZodType>(schema: S, fields: MultipartFields): z.output<S> {
  const parsed = schema.safeParse(fields);
  if (parsed.success) return parsed.data;
  let missing = false;
  const issues = parsed.error.issues.map((i) => {
    const path = i.path.map(String).join('.');
    const absent = i.path.length === 1 && !(path in fields);
    missing ||= absent;
    return { path, message: absent ? 'is missing' : i.message };
  });
  throw new DomainError('invalid_input', `The form fields are not valid: ${describeIssues(issues)}.${missing ? ` ${ORDER_HINT}` : ''}`, { reason: 'invalid_fields', params: { fields: issues.map((i) => i.path).join(', ') } });
}
