import type { Generated } from 'kysely';

/**
 * The tables, as Kysely sees them. Portable on purpose: times are ISO-8601 text, booleans are
 * 0/1 integers, JSON is text, so the same queries run on SQLite and PostgreSQL.
 */
export interface Database {
  organizations: { id: string; name: string; created_at: string };
  users: { id: string; org_id: string; email: string; name: string; role: string; created_at: string; rights: Generated<string>; password_hash: string | null; deactivated_at: Generated<string | null>; language: Generated<string | null> };
  user_invitations: {
    id: string; org_id: string; user_id: string; token_hash: string; expires_at: string; used_at: string | null; revoked_at: string | null;
    created_by: string | null; created_at: string;
  };
  sign_in_attempts: { key: string; count: number; reset_at: number };
  sessions: { id_hash: string; org_id: string; user_id: string; created_at: string; last_seen_at: string; expires_at: string };
  api_keys: {
    id: string; org_id: string; user_id: string; name: string; prefix: string; hash: string;
    created_at: string; last_used_at: string | null; revoked_at: string | null;
  };
  companies: { id: string; org_id: string; name: string; language: string; time_zone: string; created_at: string; vat_id: Generated<string | null> };
  documents: {
    id: string; org_id: string; company_id: string; type: string; number: string | null; date: string;
    counterparty: string | null; amount: string | null; currency: string | null; business_account: string | null;
    current_version_id: string; version_count: number; change_seq: number; created_at: string; updated_at: string;
    legal_hold: Generated<number>;
  };
  /** What the reader extracted of a document, for search (indexed by a tsvector on PostgreSQL, by an FTS5 table on SQLite). */
  document_texts: { document_id: string; org_id: string; text: string };
  document_versions: {
    id: string; org_id: string; document_id: string; version: number; sha256: string; size: number;
    filename: string; mime: string; created_at: string;
  };
  connections: {
    id: string; org_id: string; kind: string; label: string;
    settings: string; secrets: string | null; created_at: string; updated_at: string;
    state: Generated<string>; state_reason: string | null; secrets_version: Generated<number>;
    refreshed_at: string | null; created_by: string | null;
  };
  oauth_states: {
    id: string; org_id: string; user_id: string; kind: string; connection_id: string | null; verifier: string;
    browser_hash: string | null; return_to: string | null; expires_at: string; created_at: string;
    purpose: Generated<string>; invitation_id: string | null;
  };
  destinations: {
    id: string; org_id: string; company_id: string; name: string; kind: string; connection_id: string;
    layout: string; start_date: string | null; schedule: string; restore_deleted: number;
    respect_folder_deletions: number; state: string; state_reason: string | null;
    cursor_seq: number; lease_owner: string | null; lease_until: string | null;
    last_run_id: string | null; created_at: string; updated_at: string; settings: string | null;
    /** When its copies' Object Locks were asked to change, until a pass applied it, and that pass's last failure (migration 027). */
    lock_sync_due: string | null; lock_sync_error: string | null;
  };
  deliveries: {
    destination_id: string; document_id: string; org_id: string; version_id: string | null;
    remote_path: string | null; intent_path: string | null; remote_id: string | null; sha256: string | null;
    size: number | null; state: string; error: string | null; attempts: number;
    synced_at: string | null; updated_at: string;
    /** remote_path and intent_path folded to lower case (migration 025), to find names by. */
    remote_fold: string | null; intent_fold: string | null;
    /** The Object Lock its copy is known to carry (migration 027); NULL: not known. */
    lock_until: string | null; lock_hold: number | null;
  };
  runs: {
    id: string; org_id: string; destination_id: string; trigger: string; status: string;
    started_at: string; finished_at: string | null; planned: number; uploaded: number; moved: number;
    restored: number; removed: number; failed: number; bytes: number; error: string | null;
  };
  run_items: {
    id: Generated<number>; run_id: string; document_id: string | null; action: string; outcome: string;
    remote_path: string | null; bytes: number; error: string | null; at: string;
  };
  counters: { name: string; value: number };
  binders: { id: string; org_id: string; company_id: string; name: string; created_at: string };
  channels: {
    id: string; org_id: string; company_id: string; name: string; kind: string; connection_id: string | null; folder: string | null;
    recipient_id: string; binder_id: string; collect_at: string; move_collected: number; client_email: string | null;
    client_name: string | null; client_language: string | null; state: string; state_reason: string | null; cursor: string | null; lease_owner: string | null;
    lease_until: string | null; last_run_id: string | null; created_by: string | null; created_at: string; updated_at: string;
    options: string | null;
  };
  channel_items: {
    channel_id: string; item_key: string; org_id: string; path: string; size: number; modified_at: string | null;
    remote_hash: string | null; state: string; sha256: string | null; inbox_item_id: string | null; claim_owner: string | null;
    claim_until: string | null; attempts: number; error: string | null; collected_at: string | null; updated_at: string;
  };
  channel_invitations: {
    id: string; org_id: string; channel_id: string; token_hash: string; email: string; purpose: string; connection_id: string | null;
    expires_at: string; connected_at: string | null; used_at: string | null; revoked_at: string | null; created_by: string | null; created_at: string;
  };
  /** The mailbox (before @) of a channel that receives mail; never reused. */
  channel_addresses: { mailbox: string; org_id: string; channel_id: string; created_at: string };
  invitation_tries: { id: string; invitation_id: string; client_hash: string; at: string };
  collect_runs: {
    id: string; org_id: string; channel_id: string; trigger: string; started_by: string | null; status: string; queued_at: string;
    started_at: string | null; finished_at: string | null; found: number; collected: number; skipped: number; duplicates: number;
    failed: number; error: string | null;
  };
  collect_run_items: {
    id: Generated<number>; run_id: string; item_key: string; path: string; outcome: string; inbox_item_id: string | null; error: string | null; at: string;
  };
  inbox_items: {
    id: string; org_id: string; company_id: string; binder_id: string; recipient_id: string; channel_id: string | null; document_id: string;
    sha256: string; filename: string; source_path: string | null; status: string; fields: string; extraction: string;
    dedupe_key: string | null; likely_duplicate_of: string | null; previous_id: string | null; duplicates_seen: number;
    reviewed_by: string | null; reviewed_at: string | null; created_at: string; updated_at: string;
  };
  smtp_rates: { scope: string; key: string; window_start: number; count: number };
  mail_messages: {
    channel_id: string; message_key: string; org_id: string; message_id: string | null; source: string; uid_validity: number | null;
    uid: number | null; envelope_from: string | null; from_address: string | null; subject: string | null; sent_at: string | null;
    spf: string | null; dkim: string | null; dmarc: string | null; outcome: string; detail: string | null; documents: number;
    raw_sha256: string | null; run_id: string | null; received_at: string;
  };
  retention_policies: { company_id: string; org_id: string; preset: string | null; years: number; legal_hold: number; hold_reason: string | null; updated_at: string };
  audit_heads: { org_id: string; seq: number; hash: string; updated_at: string };
  audit_entries: {
    org_id: string; seq: number; at: string; type: string; actor_kind: string; actor_id: string | null;
    object_type: string | null; object_id: string | null; company_id: string | null; details: string; prev_hash: string; hash: string;
  };
  idempotency_keys: {
    org_id: string; principal: string; key: string; fingerprint: string; status: number | null; document_id: string | null;
    created_at: string; expires_at: string;
  };
  webhook_endpoints: {
    id: string; org_id: string; url: string; description: string; event_types: string; secrets: string; state: string; state_reason: string | null;
    created_at: string; updated_at: string;
  };
  webhook_messages: {
    seq: Generated<number>; id: string; org_id: string; endpoint_id: string; event_type: string; order_key: string; payload: string; state: string;
    attempts: number; next_attempt_at: string; lease_owner: string | null; lease_until: string | null; created_at: string; finished_at: string | null;
    last_error: string | null;
  };
  webhook_attempts: {
    id: string; org_id: string; message_seq: number; endpoint_id: string; at: string; status_code: number | null; response_body: string | null;
    duration_ms: number; error: string | null;
  };
  alert_preferences: { user_id: string; org_id: string; kinds: string; updated_at: string };
  alert_incidents: { id: string; org_id: string; kind: string; subject_id: string; opened_at: string; closed_at: string | null; reason: string | null };
  exports: {
    id: string; org_id: string; company_id: string; from_day: string; to_day: string; state: string; done: number; total: number;
    sha256: string | null; size: number | null; summary: string | null; error: string | null; created_by: string | null;
    created_at: string; finished_at: string | null; expires_at: string;
  };
}
