import { createHash } from 'node:crypto';
import { isConnectorError, type StorageConnector } from '../connectors/connector.js';
import { withRetry, type RetryPolicy } from '../connectors/kit/retry.js';

interface Check { path: string; sha256: string; resolve(): void; reject(e: Error): void }

/**
 * Checks uploads against the hash the destination itself reports, many files per request:
 * one `sha256sum` round trip on SFTP covers a whole batch, which is what lets a verified
 * backup keep pace with an unverified copy. Without hashMany it reads the file back.
 */
export class BatchVerifier {
  private pending: Check[] = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly connector: StorageConnector, private readonly batchSize = 64, private readonly signal?: AbortSignal, private readonly retry?: RetryPolicy) {}

  /** Resolves once `path` is confirmed to hold `sha256`; rejects on a mismatch or a missing file. */
  check(path: string, sha256: string, reported?: string): Promise<void> {
    if (reported) return reported === sha256 ? Promise.resolve() : Promise.reject(mismatch(path, reported, sha256));
    const done = new Promise<void>((resolve, reject) => this.pending.push({ path, sha256, resolve, reject }));
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
      hashes = await withRetry(() => this.hashes(batch.map((c) => c.path)), this.retry, this.signal);
    } catch (e) {
      for (const c of batch) c.reject(e as Error);
      return;
    }
    for (const c of batch) {
      const got = hashes.get(c.path);
      if (got === c.sha256) c.resolve();
      else c.reject(got === undefined ? new Error(`${c.path} is not at the destination after the upload.`) : mismatch(c.path, got, c.sha256));
    }
  }

  private async hashes(paths: string[]): Promise<Map<string, string>> {
    if (this.connector.hashMany && this.connector.capabilities.hashes.includes('sha256')) {
      return this.connector.hashMany(paths, 'sha256', { signal: this.signal });
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

function mismatch(path: string, got: string, expected: string): Error {
  return new Error(`The destination holds different bytes at ${path} (SHA-256 ${got.slice(0, 12)}…, expected ${expected.slice(0, 12)}…).`);
}
