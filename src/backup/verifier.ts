import { createHash } from 'node:crypto';
import { isConnectorError, type HashType, type StorageConnector } from '../connectors/connector.js';
import { canComputeHash } from '../connectors/kit/content-hash.js';
import { withRetry, type RetryPolicy } from '../connectors/kit/retry.js';

/** The hash of type `type` of the vault blob whose SHA-256 is `sha256`, computed here. */
export type LocalHash = (type: HashType, sha256: string, size?: number) => Promise<string>;

interface Check { path: string; size?: number; expected: Promise<string>; resolve(h: MatchedHash): void; reject(e: Error): void }

/**
 * The destination's own hash of a file, which matched: what the audit log keeps of a verified
 * transfer. An S3 ETag ('etag') is the MD5 of the body, or of its part MD5s with "-N".
 */
export interface MatchedHash { type: HashType | 'etag'; hash: string }

/**
 * Which hash to compare. SHA-256 whenever the destination reports it (or has to be read back);
 * a destination that reports only another hash we can compute (OneDrive's quickxor) is checked
 * with that one, computed locally over the blob, rather than by downloading every file again.
 */
function hashTypeFor(connector: StorageConnector, localHash?: LocalHash): HashType {
  const { hashes } = connector.capabilities;
  if (hashes.includes('sha256') || !localHash || !connector.hashMany) return 'sha256';
  return hashes.find(canComputeHash) ?? 'sha256';
}

/**
 * Checks uploads against the hash the destination itself reports, many files per request:
 * one `sha256sum` round trip on SFTP covers a whole batch, which is what lets a verified
 * backup keep pace with an unverified copy. Without hashMany it reads the file back.
 */
export class BatchVerifier {
  private pending: Check[] = [];
  private flushing: Promise<void> = Promise.resolve();

  private readonly type: HashType;
  /**
   * The hash of the blob that has to be computed here to compare with the destination's, or
   * null when that is the SHA-256 the vault already knows. An upload can compute it on the way
   * (check's `computed`), which spares reading the blob a second time. For a destination that
   * proves its writes (S3), it is the SHA-256 of the bytes sent.
   */
  readonly localType: HashType | null;
  /** The connector's write() proves the server stored what it read (Capabilities.provesWrites). */
  private readonly proven: boolean;

  constructor(
    private readonly connector: StorageConnector,
    private readonly batchSize = 64,
    private readonly signal?: AbortSignal,
    private readonly retry?: RetryPolicy,
    private readonly localHash?: LocalHash,
  ) {
    this.type = hashTypeFor(connector, localHash);
    this.proven = connector.capabilities.provesWrites === true;
    this.localType = this.proven ? 'sha256' : this.type === 'sha256' ? null : this.type;
  }

  /**
   * Resolves once `path` is confirmed to hold the blob; rejects on a mismatch or a missing
   * file. `reported`: the hashes the destination returned with the write, if any; `computed`:
   * the hash of type `localType` of the bytes the upload sent, if it computed it; `proof`: the
   * server's ETag a proving destination's write returned. Answers the destination's hash
   * that matched.
   *
   * With a proof, the server has already compared its own hashes of what it stored with the
   * bytes sent (per part on S3); what is left is that those bytes were the document's, so the
   * SHA-256 computed of them as they went out must be the catalog's. Hashing both here and in
   * the connector would be two passes over every byte for one fact.
   */
  check(path: string, blob: { sha256: string; size?: number }, reported?: Partial<Record<HashType, string>>, computed?: string, proof?: string): Promise<MatchedHash> {
    const { sha256, size } = blob;
    if (this.proven && proof !== undefined && computed !== undefined) {
      return computed === sha256 ? Promise.resolve({ type: 'etag', hash: proof }) : Promise.reject(notTheDocument(path, computed, sha256));
    }
    const type = this.type;
    const expected = type === 'sha256' ? Promise.resolve(sha256) : computed !== undefined && this.localType === type ? Promise.resolve(computed) : this.localHash!(type, sha256, size);
    const got = reported?.[type];
    if (got) return expected.then((want) => { if (got !== want) throw mismatch(path, type, got, want); return { type, hash: got }; });
    // Settled here too, so a failing local hash is never an unhandled rejection before verify() awaits it.
    expected.catch(() => undefined);
    const done = new Promise<MatchedHash>((resolve, reject) => this.pending.push({ path, size, expected, resolve, reject }));
    if (this.pending.length >= this.batchSize) void this.flush();
    return done;
  }

  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.verify(batch));
    return this.flushing;
  }

  private async verify(batch: Check[]): Promise<void> {
    let hashes: Map<string, string>;
    try {
      hashes = await withRetry(() => this.hashes(batch), this.retry, this.signal);
    } catch (e) {
      for (const c of batch) c.reject(e as Error);
      return;
    }
    for (const c of batch) {
      const got = hashes.get(c.path);
      let want: string;
      try {
        want = await c.expected;
      } catch (e) {
        c.reject(e as Error);
        continue;
      }
      if (got === want) c.resolve({ type: this.type, hash: got });
      else c.reject(got === undefined ? new Error(`${c.path} is not at the destination after the upload.`) : mismatch(c.path, this.type, got, want));
    }
  }

  private async hashes(batch: Check[]): Promise<Map<string, string>> {
    const paths = batch.map((c) => c.path);
    if (this.connector.hashMany && this.connector.capabilities.hashes.includes(this.type)) {
      const expectedBytes = batch.every((c) => c.size !== undefined) ? batch.reduce((n, c) => n + c.size!, 0) : undefined;
      return this.connector.hashMany(paths, this.type, { signal: this.signal, expectedBytes });
    }
    const out = new Map<string, string>();
    for (const path of paths) {
      try {
        const hash = createHash('sha256');
        for await (const chunk of await this.connector.read(path, { signal: this.signal })) hash.update(chunk as Buffer);
        out.set(path, hash.digest('hex'));
      } catch (e) {
        if (!isConnectorError(e, 'not_found')) throw e;
      }
    }
    return out;
  }
}

const HASH_NAMES: Partial<Record<HashType, string>> = { sha256: 'SHA-256', quickxor: 'QuickXorHash' };

function notTheDocument(path: string, sent: string, expected: string): Error {
  return new Error(`The bytes uploaded to ${path} were not the document's (SHA-256 ${sent.slice(0, 12)}…, expected ${expected.slice(0, 12)}…): its copy in the vault is damaged.`);
}

function mismatch(path: string, type: HashType, got: string, expected: string): Error {
  return new Error(`The destination holds different bytes at ${path} (${HASH_NAMES[type] ?? type} ${got.slice(0, 12)}…, expected ${expected.slice(0, 12)}…).`);
}
