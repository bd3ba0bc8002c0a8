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
  'inbox_item_reading',
  'message_not_held',
  'mailbox_unreachable',
  'mail_sign_in_not_used',
  'mail_sign_in_email_only',
  'mail_sign_in_server_only',
  'mail_sign_in_no_password',
  'not_imap_channel',
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
  // Choices and values a request gives
  'choice_unknown',
  'kind_unavailable',
  'settings_invalid',
  'kind_settings_invalid',
  'schedule_invalid',
  'start_date_format',
  'collect_time_invalid',
  'date_missing',
  'nothing_to_change',
  'folder_path_invalid',
  'folder_name_missing',
  'retention_preset_and_years',
  'retention_years_range',
  'run_needs_confirm',
  'preview_needs_document',
  'preview_needs_company',
  // Uploads
  'multipart_required',
  'upload_no_file',
  'upload_field_too_long',
  'upload_field_twice',
  'upload_file_part',
  'upload_after_file',
  'file_too_large',
  'sha256_invalid',
  'idempotency_key_format',
  'idempotency_in_flight',
  'idempotency_key_reused',
  'reader_busy',
  // Signing in, users and rights
  'sign_in_required',
  'api_key_missing',
  'api_key_invalid',
  'api_key_other_user',
  'account_gone',
  'too_many_sign_ins',
  'user_deactivated',
  'email_taken',
  'only_admin_left',
  'admin_target',
  'rights_not_held',
  'user_has_password',
  'invitation_used',
  'link_invalid',
  'link_replaced',
  'link_expired',
  // Connections to cloud accounts and servers
  'connection_reconnect',
  'connection_disconnected',
  'connection_other_provider',
  'connection_other_kind',
  'connection_holds_secrets',
  'connection_endpoint',
  'sign_in_unknown',
  'sign_in_other_browser',
  'sign_in_other_account',
  'sign_in_declined',
  'sign_in_failed',
  'no_refresh_token',
  'return_to_foreign',
  'not_browsable',
  'host_key_unconfirmed',
  'host_key_changed',
  'unreachable',
  'busy_elsewhere',
  // Collection channels and the client's link
  'binder_name_taken',
  'binder_other_company',
  'binder_missing',
  'recipient_not_user',
  'confirm_no_value',
  'mailbox_for_email_only',
  'mailbox_missing',
  'local_folder_missing',
  'server_settings_not_here',
  'client_email_missing',
  'client_email_unset',
  'email_settings_missing',
  'email_options_invalid',
  'email_options_email_only',
  'client_link_used',
  'collection_gone',
  'local_nothing_to_connect',
  'connect_with_server_details',
  'connect_by_sign_in',
  'provider_not_set_up',
  'too_many_tries_link',
  'too_many_tries_client',
  'connect_account_first',
  'folder_create_read_only',
  'server_sign_in_refused',
  'server_unreachable',
  // HTTP itself, a storage's own answer, and our own failures
  'request_too_large',
  'one_file_only',
  'media_type_unsupported',
  'request_malformed',
  'route_unknown',
  'destination_answered',
  'internal_error',
  // Parts an installation may leave out
  'connections_unavailable',
  'client_invitations_unavailable',
  'user_invitations_unavailable',
  'live_events_unavailable',
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

/** What a schema library reports of settings it refused (zod's issues, and the like). */
export interface SettingsIssues { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }

/**
 * Settings refused by their schema. The message (for API clients and logs) quotes each issue;
 * the reason carries only the fields' names, so the app says it all in the user's language:
 * `name` for something the user named (a channel), `kind` for a kind of storage or channel.
 */
export function invalidSettings(of: { name: string } | { kind: string }, what: string, e: SettingsIssues): DomainError {
  const detail = e.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
  const fields = [...new Set(e.issues.map((i) => i.path.map(String).join('.')).filter(Boolean))].join(', ') || 'settings';
  return 'name' in of
    ? new DomainError('invalid_input', `${what}: ${detail}`, { reason: 'settings_invalid', params: { name: of.name, fields } })
    : new DomainError('invalid_input', `${what}: ${detail}`, { reason: 'kind_settings_invalid', params: { kind: of.kind, fields } });
}
