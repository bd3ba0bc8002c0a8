import { z } from 'zod';
import { DomainError, type ErrorReason, type ErrorReasonKey } from '../domain/errors.js';
import { ConnectorError, type ConnectorErrorKind } from '../connectors/connector.js';

/**
 * Every failure leaves the API in one shape, `{ error: { code, message, reason, params } }`, whatever
 * threw it: clients branch on `code`, people read `message` (English), and a client says `reason`
 * with its `params` in its user's language (the web app does, for every reason in ERROR_REASONS). Anything not recognised here is a bug on our
 * side and becomes a generic 500, so a stack trace or a secret in an exception never leaks.
 */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string().describe('Stable, machine-readable reason, such as not_found or invalid_input.'),
    message: z.string().describe('What happened and what to do, for people (in English).'),
    reason: z.string().optional().describe('A finer, stable reason (such as run_in_progress), for a client to say the message in its own words.'),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional().describe('The values the reason\'s sentence needs (a run\'s id, a file\'s name, ...).'),
  }),
}).meta({ id: 'Error' });

/** A failure that belongs to HTTP itself (wrong content type, upload too large), not to the domain. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly why?: ErrorReason) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface MappedError {
  status: number;
  code: string;
  message: string;
  reason?: ErrorReasonKey;
  params?: Record<string, string | number>;
  headers?: Record<string, string>;
}

// A destination's own failure is not the client's fault, so most kinds are 502 (bad gateway);
// the few a client can act on directly keep a status that says so.
const connectorStatus: Partial<Record<ConnectorErrorKind, number>> = {
  not_found: 404,
  invalid_name: 400,
  already_exists: 409,
  is_directory: 409,
  quota_exceeded: 507,
  rate_limited: 503,
  transient: 503,
};

interface ValidationEntry { instancePath?: string; message?: string }
interface FastifyLikeError { code?: string; statusCode?: number; message: string; validation?: ValidationEntry[]; validationContext?: string }

const where: Record<string, string> = { body: 'request body', querystring: 'query string', params: 'URL', headers: 'headers' };

/** "date: Write dates as YYYY-MM-DD.; amount: ..." naming each field, so a client can fix them all at once. */
export function describeIssues(issues: Array<{ path: string; message: string }>): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}

function fromValidation(e: FastifyLikeError): MappedError {
  const issues = (e.validation ?? []).map((v) => ({
    path: (v.instancePath ?? '').replace(/^\//, '').split('/').filter(Boolean).join('.'),
    message: v.message ?? 'is not valid',
  }));
  const place = where[e.validationContext ?? ''] ?? 'request';
  const fields = [...new Set(issues.map((i) => i.path).filter(Boolean))].join(', ');
  return { status: 400, code: 'invalid_input', message: `The ${place} is not valid: ${describeIssues(issues)}.`, ...(fields ? { reason: 'invalid_fields', params: { fields } } : { reason: 'request_malformed' }) };
}

const fastifyCodes: Record<string, { status: number; code: string; message?: string; reason: ErrorReasonKey }> = {
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: 'too_large', message: 'The file is larger than this server accepts.', reason: 'request_too_large' },
  FST_PARTS_LIMIT: { status: 413, code: 'too_large', message: 'The multipart body has too many parts.', reason: 'request_too_large' },
  FST_FILES_LIMIT: { status: 413, code: 'too_large', message: 'Send one file per request.', reason: 'one_file_only' },
  FST_FIELDS_LIMIT: { status: 413, code: 'too_large', message: 'The multipart body has too many fields.', reason: 'request_too_large' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'too_large', message: 'The request body is too large.', reason: 'request_too_large' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Send this request as multipart/form-data.', reason: 'multipart_required' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Send JSON (application/json), or multipart/form-data where a file is uploaded.', reason: 'media_type_unsupported' },
  FST_INVALID_JSON_FIELD_ERROR: { status: 400, code: 'invalid_input', reason: 'request_malformed' },
  FST_PROTO_VIOLATION: { status: 400, code: 'invalid_input', reason: 'request_malformed' },
};

/** The public form of an error, or null when it is unexpected (then: 500, logged in full). */
export function mapError(err: unknown): MappedError | null {
  if (err instanceof DomainError || err instanceof HttpError) return { status: err.status, code: err.code, message: err.message, ...err.why };
  if (err instanceof ConnectorError) {
    const headers = err.retryAfterMs ? { 'retry-after': String(Math.ceil(err.retryAfterMs / 1000)) } : undefined;
    return { status: connectorStatus[err.kind] ?? 502, code: `destination_${err.kind}`, message: `The destination answered: ${err.message}`, headers, reason: 'destination_answered', params: { detail: err.message } };
  }
  if (typeof err !== 'object' || err === null) return null;
  const e = err as FastifyLikeError;
  if (Array.isArray(e.validation)) return fromValidation(e);
  const known = e.code ? fastifyCodes[e.code] : undefined;
  if (known) return { status: known.status, code: known.code, message: known.message ?? e.message, reason: known.reason };
  // Fastify's own client errors (malformed JSON, empty body) carry a safe, useful message.
  if (e.code?.startsWith('FST_') && e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, code: e.statusCode === 400 ? 'invalid_input' : 'bad_request', message: e.message, reason: 'request_malformed' };
  }
  return null;
}
