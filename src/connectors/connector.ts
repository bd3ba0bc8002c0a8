import type { Readable } from 'node:stream';
import type { ZodType } from 'zod';
import type { NameRules } from '../domain/names.js';
import type { EgressPolicy } from './kit/egress.js';

/**
 * The StorageConnector port: what the backup and collection engines need from any storage.
 * Paths are relative to the connector's root, "/"-separated, without a leading slash ("" is
 * the root itself). Bodies stream in and out, so memory does not grow with file size.
 */
export interface StorageConnector {
  readonly kind: string;
  readonly capabilities: Capabilities;
  /** One folder level; throws not_found if `dir` does not exist. */
  list(dir: string, opts?: CallOptions): AsyncIterable<Entry>;
  /** Throws not_found when missing. */
  stat(path: string, opts?: CallOptions): Promise<Entry>;
  read(path: string, opts?: ReadOptions): Promise<Readable>;
  /**
   * Writes the whole body to `path`, creating parent folders and replacing an existing file.
   * Atomic where the protocol allows: a failed or cancelled write leaves no file at `path`
   * (and an existing file there untouched).
   */
  write(path: string, body: Readable, info: WriteInfo, opts?: CallOptions): Promise<Entry>;
  /** Throws not_found if absent. */
  remove(path: string, opts?: CallOptions): Promise<void>;
  /** Creates the folder and its parents; succeeds if it already exists. */
  mkdir(path: string, opts?: CallOptions): Promise<void>;
  /** Removes a folder and everything below it; throws not_found if absent. */
  rmdir(path: string, opts?: CallOptions): Promise<void>;
  close(): Promise<void>;
  /** Server-side move, replacing the target; present iff capabilities.serverSideMove. */
  move?(from: string, to: string, opts?: CallOptions): Promise<Entry>;
  /**
   * Hashes of many files in one go (one exec round trip on SFTP, for example), as the
   * destination itself computes them. Missing files are absent from the result.
   */
  hashMany?(paths: string[], type: HashType, opts?: HashManyOptions): Promise<Map<string, string>>;
  quota?(opts?: CallOptions): Promise<Quota>;
  /** Who is signed in, for showing a connection ("Alice Martin, alice@example.com"). */
  account?(opts?: CallOptions): Promise<AccountInfo>;
  /**
   * One page of a folder, for folder browsers over folders too large to list at once. The
   * token is the provider's own (or the connector's), opaque to callers; null on the last page.
   */
  /**
   * Brings a stored file's Object Lock in step with its document's retention (capabilities
   * .objectLock): its retain-until extended to `want.until` if earlier (never shortened), its
   * legal hold set or lifted, on each of its versions (older versions of the document stored
   * there are under the same duty). Returns the lock the current version carries afterwards.
   */
  applyLock?(path: string, want: { until: Date; legalHold: boolean }, opts?: CallOptions): Promise<ObjectLockState>;
  listPage?(dir: string, page: { pageToken?: string; pageSize?: number }, opts?: CallOptions): Promise<{ entries: Entry[]; nextPageToken: string | null }>;
  /**
   * The provider's change feed over the tree below `dir` (Graph delta, Drive changes, Dropbox
   * list_folder/continue); present iff capabilities.changeFeed. With a null cursor it first
   * enumerates every file there now, page by page, then follows changes from that moment on.
   * Call again with the page's cursor while `hasMore`. Callers store a cursor only after the
   * changes it covered are committed, so a crash replays a page rather than losing one; a page
   * read again from the same cursor brings the same changes. A cursor the connector cannot use
   * (made for another folder, damaged) starts a new enumeration, with `reset: true`.
   */
  changes?(dir: string, cursor: string | null, opts?: CallOptions): Promise<ChangePage>;
}

export interface ChangePage {
  changes: Change[];
  /** Opaque to callers; pass it back for what changed after this page. */
  cursor: string;
  /** More changes are waiting now: call again with `cursor` before waiting. */
  hasMore: boolean;
  /**
   * The old cursor was no longer valid (Graph 410 resync, Dropbox reset, ...): this page begins
   * a new full enumeration. Files seen before and listed again are not new; files not listed
   * again must not be taken as deleted until the enumeration ends.
   */
  reset: boolean;
}

/**
 * One change below the feed's folder, in order; files only (folders are never upserted). A file
 * added, changed, renamed or moved within the tree (or into it) is an upsert with its current
 * path; `entry.id` is the provider's stable id and `entry.hashes` carries the provider's content
 * hash where it reports one. The same file may come more than once: the last one counts.
 *
 * A delete says something went away: deleted, trashed, or moved out of the tree.
 * - `id`: the provider's id. Dropbox gives deleted entries no id, so there `id` is the path
 *   relative to the folder, lower-cased as Dropbox folds case: it never equals an upsert's id,
 *   and Dropbox deletes are matched by path (a move there is a delete at the old path, then an
 *   upsert with the same id at the new one).
 * - `path`, when known, is where it was. It may name a folder: then everything that was below
 *   that path went too (a folder deleted on Dropbox, or moved out of the tree anywhere, is one
 *   change, not one per file). Graph and Drive may leave the name out, so only `id` is certain.
 * - Drive's feed and Graph's root delta cover the whole drive and cannot tell a file that left
 *   the tree from one that was never in it: a delete may name an id never upserted; ignore it.
 */
export type Change =
  | { type: 'upsert'; entry: Entry & { id: string } }
  | { type: 'delete'; id: string; path?: string };

export interface AccountInfo {
  /** Display name of the account. */
  name: string;
  email?: string;
  /** The provider's stable id of the account, to notice a reconnect to another account. */
  id?: string;
}

export type HashType = 'sha256' | 'md5' | 'sha1' | 'quickxor' | 'dropbox';

export interface Capabilities {
  /** Hashes the provider can report for a stored file without us reading it back. */
  hashes: HashType[];
  names: NameRules;
  serverSideMove: boolean;
  /** Largest single request body; larger files go through chunked upload. */
  maxSimpleUpload?: number;
  chunk?: { multipleOf: number; maxBytes: number };
  /** The connector implements `changes` (a provider change feed). */
  changeFeed?: boolean;
  /** Writes can be locked until the document's retention ends (WriteInfo.retention): S3 Object Lock. */
  objectLock?: boolean;
  /**
   * write() fails unless the server's own hashes of what it stored matched the bytes write()
   * read (S3: the ETag of each part), and then returns that proof as Entry.etag: a verifier has
   * only to check that those bytes were the document's.
   */
  provesWrites?: boolean;
}

export interface Entry {
  /** Path relative to the connector root. */
  path: string;
  name: string;
  isDir: boolean;
  size: number;
  modifiedAt: Date | null;
  /** Provider id where one exists (Graph item id, Drive file id, ...). */
  id?: string;
  /** Hashes the provider returned with the entry (hex, or base64 for quickxor). */
  hashes?: Partial<Record<HashType, string>>;
  /** With provesWrites, from write(): the server's ETag that proved the bytes written. */
  etag?: string;
}

export interface WriteInfo {
  size: number;
  modifiedAt?: Date;
  /** SHA-256 of the body (hex), when the caller knows it; lets a connector verify server-side. */
  sha256?: string;
  /**
   * What the document's retention asks of a destination that can lock objects (capabilities
   * .objectLock): keep it unchangeable until this moment, and under a legal hold or not.
   * Connectors that cannot lock never get it.
   */
  retention?: { until: Date; legalHold: boolean };
}

/**
 * The Object Lock of a stored file after applyLock: `until` is its current version's, `extended`
 * and `holdChanged` say whether any of its versions changed.
 */
export interface ObjectLockState {
  until: Date | null;
  legalHold: boolean;
  extended: boolean;
  holdChanged: boolean;
  /** Only the current version was reached: the older ones could not be listed (the result still holds for the current one). */
  currentOnly?: true;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface HashManyOptions extends CallOptions {
  /**
   * The bytes the caller expects the files to hold in all, when it knows: a connector whose
   * remote hashing has a fixed cost (an exec round trip) may read a few small files back instead.
   */
  expectedBytes?: number;
}

export interface ReadOptions extends CallOptions {
  /** Inclusive start, exclusive end. */
  range?: { start: number; end?: number };
}

export interface Quota {
  /** Bytes; null when the provider does not say. */
  total: number | null;
  used: number | null;
  free: number | null;
}

export type ConnectorErrorKind =
  | 'not_found'
  | 'is_directory'
  | 'already_exists'
  | 'invalid_name'
  | 'auth_expired'
  | 'permission_denied'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'transient'
  | 'cancelled'
  | 'fatal';

/** Every connector failure, classified once per connector; callers branch on `kind` only. */
export class ConnectorError extends Error {
  constructor(
    readonly kind: ConnectorErrorKind,
    message: string,
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ConnectorError';
  }

  /** Worth trying again later without anyone changing anything. */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'transient';
  }
}

/** The one `cancelled` error: the caller's signal fired, so nothing failed and nothing is retried. */
export function cancelled(cause?: unknown): ConnectorError {
  return new ConnectorError('cancelled', 'The operation was cancelled.', undefined, cause === undefined ? undefined : { cause });
}

/**
 * A connection the egress policy refused (a loopback or private address a user typed): the one
 * connection failure whose own words may be shown to a visitor who is not signed in.
 */
export class AddressRefused extends ConnectorError {
  constructor(message: string) {
    super('permission_denied', message);
    this.name = 'AddressRefused';
  }
}

export function isConnectorError(e: unknown, kind?: ConnectorErrorKind): e is ConnectorError {
  return e instanceof ConnectorError && (kind === undefined || e.kind === kind);
}

/** Splits "a/b/c.pdf" into ["a/b", "c.pdf"]; the parent of a top-level name is "". */
export function splitPath(path: string): [parent: string, name: string] {
  const i = path.lastIndexOf('/');
  return i < 0 ? ['', path] : [path.slice(0, i), path.slice(i + 1)];
}

export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

/** Rejects paths that would escape the root or are not in canonical form. */
export function checkPath(path: string): string {
  if (path.startsWith('/') || path.endsWith('/') || path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    if (path !== '') throw new ConnectorError('invalid_name', `"${path}" is not a valid relative path.`);
  }
  if (path.includes('\0')) throw new ConnectorError('invalid_name', 'A path may not contain a NUL character.');
  return path;
}

/**
 * How a kind of storage is described and opened. `settings` validates what a user enters
 * (secrets included); the fields named in `secrets` are encrypted at rest, never returned by
 * the API and redacted from logs.
 */
export interface ConnectorDefinition<S = any> {
  kind: string;
  title: string;
  settings: ZodType<S>;
  secrets: readonly string[];
  /** The name rules of this kind of storage, known before connecting (for previews). */
  names: NameRules;
  create(settings: S, context: ConnectorContext): Promise<StorageConnector>;
}

/** Where an OAuth connector gets its bearer token; the auth module refreshes and stores it. */
export interface TokenSource {
  /**
   * A current access token. With `refresh`, a new one even if the last looked valid (the
   * provider answered 401). Throws ConnectorError('auth_expired') when the grant is gone
   * (revoked, expired refresh token): the connection then needs the user to reconnect.
   */
  accessToken(opts?: { refresh?: boolean; signal?: AbortSignal }): Promise<string>;
}

/**
 * Where a local destination or channel may point: below one of the folders the operator listed
 * (DOSSIER_LOCAL_ROOTS), never into or around Dossier's own folders (the data folder with the
 * key and the databases, the install folder with the code and the web app browsers load).
 */
export interface LocalFolderPolicy {
  roots: readonly string[];
  forbidden: readonly string[];
}

export interface ConnectorContext {
  /** For providers that use OAuth (OneDrive, Google Drive, Dropbox). */
  tokens?: TokenSource;
  /**
   * Trust on first use: an SFTP connector that meets a server whose key the settings do not
   * pin yet calls this with the key's SHA-256 fingerprint; the caller stores it, and every
   * later connection must present the same key.
   */
  pinHostKey?(fingerprint: string): Promise<void>;
  /** Where local folders may be (DOSSIER_LOCAL_ROOTS and Dossier's own folders); without it the local kind is off. */
  localFolders?: LocalFolderPolicy;
  /** Which hosts a server a user typed may be on (DOSSIER_ALLOW_HOSTS); without it, public addresses only. */
  egress?: EgressPolicy;
}

/** One mailbox generation: UIDs are stable while UIDVALIDITY stays; a new value means all UIDs changed. */
export interface MailboxState { uidValidity: number; uidNext: number; exists: number }

export interface FetchedMessage { uid: number; size: number; source: Buffer }

/** A leaf of a message's MIME tree as the server describes it (IMAP BODYSTRUCTURE), without its bytes. */
export interface OutlinePart {
  /** The section to fetch it by: "2", "1.3" ("1" for a message of one part). */
  section: string;
  /** "application/pdf", lower case. */
  type: string;
  /** The Content-Disposition's type as sent ("attachment", "inline"), or null. */
  disposition: string | null;
  filename: string | null;
  /** The Content-ID without its brackets. */
  cid: string | null;
  /** Content-Transfer-Encoding, lower case, or null. */
  encoding: string | null;
  charset: string | null;
  /** Its size as sent (before decoding: at least the decoded size). */
  size: number;
}

/** What a message is made of, fetched without its parts: its header block and its leaves. */
export interface MessageOutline { uid: number; size: number; header: Buffer; parts: OutlinePart[]; nodes: number }

/**
 * A mailbox a channel collects from (IMAP): the port collection uses, so it knows nothing of
 * the protocol. Nothing here changes the mailbox except markProcessed, which a channel asks for.
 */
export interface MailboxConnector {
  readonly mailbox: string;
  open(opts?: CallOptions): Promise<MailboxState>;
  /** UIDs above `afterUid`, ascending (one UID SEARCH). */
  uidsAfter(afterUid: number, opts?: CallOptions): Promise<number[]>;
  /** Sizes of these messages (one UID FETCH of RFC822.SIZE). */
  sizes(uids: number[], opts?: CallOptions): Promise<Map<number, number>>;
  /** The messages' bytes, unchanged and without marking them seen (one UID FETCH of BODY.PEEK[]). */
  fetch(uids: number[], opts?: CallOptions): Promise<FetchedMessage[]>;
  /**
   * The header block and MIME structure of these messages (one UID FETCH of BODY.PEEK[HEADER]
   * and BODYSTRUCTURE), so that only the parts that may be documents are fetched. Optional: a
   * mailbox without it has its messages fetched whole.
   */
  outlines?(uids: number[], opts?: CallOptions): Promise<MessageOutline[]>;
  /**
   * The same sections of these messages, decoded (one UID FETCH: BINARY.PEEK where the server
   * offers BINARY, else BODY.PEEK and the transfer encoding undone here). Null when the server
   * refused the fetch (it could not decode a part, say): the caller fetches those messages whole.
   */
  sections?(uids: number[], sections: string[], encodings: Map<number, Map<string, string | null>>, opts?: CallOptions): Promise<Map<number, Map<string, Buffer>> | null>;
  /** After collecting: moves the messages to a folder, or adds a flag. */
  markProcessed(uids: number[], action: { action: 'move'; folder: string } | { action: 'flag'; flag: string }): Promise<void>;
  /** Waits, with IDLE when the server offers it, until new mail arrives or `timeoutMs` passes; true when mail came. */
  waitForMail(timeoutMs: number, opts?: CallOptions): Promise<boolean>;
  /** Whether the server offers IDLE, so waitForMail hears of new mail as it comes. */
  canIdle?(): boolean;
  /** IMAP commands sent since the connection opened (for benchmarks: a pass must cost O(new messages)). */
  commands(): number;
  close(): Promise<void>;
}

/** How a mailbox kind is set up: like ConnectorDefinition, with a mailbox in place of a folder. */
export interface MailboxDefinition<S = any> {
  kind: string;
  title: string;
  settings: ZodType<S>;
  /** The settings of a mailbox signed in to with OAuth (XOAUTH2): the same without the secrets. */
  signInSettings?: ZodType;
  secrets: readonly string[];
  create(settings: S, context: ConnectorContext): Promise<MailboxConnector>;
}
