/**
 * A failure the user can act on. `code` is stable (the API returns it), `message` says what
 * happened and what to do. The API maps `status`; everything else treats it as data.
 */
export type DomainErrorCode =
  | 'not_found'
  | 'invalid_input'
  | 'conflict'
  | 'idempotency_key_reused'
  | 'unauthorized'
  | 'forbidden'
  | 'unavailable'
  | 'too_many_attempts'
  | 'retention_period'
  | 'legal_hold';

const statusOf: Record<DomainErrorCode, number> = {
  not_found: 404,
  invalid_input: 400,
  conflict: 409,
  idempotency_key_reused: 422,
  unauthorized: 401,
  forbidden: 403,
  unavailable: 503,
  too_many_attempts: 429,
  retention_period: 409,
  legal_hold: 409,
};

/**
 * The finer reason behind a code, for a client to say it in its own words: a stable key (listed
 * in ERROR_REASONS, which the web app translates) and the values its sentence needs.
 */
export type ErrorParams = Record<string, string | number>;
export interface ErrorReason { reason: ErrorReasonKey; params?: ErrorParams }

/** Every reason an error may carry; the web app has a sentence for each in every language. */
export const ERROR_REASONS = [
  'run_in_progress',
  'message_not_held',
  'mailbox_unreachable',
  'layout_unknown_token',
  'layout_empty_folder',
  'layout_no_file',
  'file_type_refused',
  'file_empty',
  'wrong_password',
  'channel_paused',
  'channel_waiting',
  'not_found_thing',
  'webhook_url_invalid',
  'address_refused',
  'webhook_delivery_pending',
  'vat_id_no_country',
  'vat_id_unknown_country',
  'vat_id_format',
  'vat_id_check_digits',
  'mailbox_invalid',
  'mailbox_taken',
  'no_inbound_mail',
  'legal_hold_company',
  'legal_hold_document',
  'retention_period',
  'export_period_reversed',
  'export_not_ready',
  'export_failed',
  'admin_only',
  'csrf_missing',
  'missing_right',
  'session_ended',
  'password_too_short',
  'current_password_wrong',
  'invalid_fields',
  'sandbox_off',
  'folder_name_slash',
  'invalid_cursor',
  'destination_paused',
] as const;
export type ErrorReasonKey = typeof ERROR_REASONS[number];

export class DomainError extends Error {
  readonly status: number;
  constructor(readonly code: DomainErrorCode, message: string, readonly why?: ErrorReason) {
    super(message);
    this.name = 'DomainError';
    this.status = statusOf[code];
  }
}

export const notFound = (what: string, id: string) =>
  new DomainError('not_found', `${what} ${id} does not exist in this organization.`, { reason: 'not_found_thing', params: { id } });
