import type { Readable } from 'node:stream';
import {
  ConnectorError, type CallOptions, type Entry, type HashType, type Quota, type ReadOptions, type StorageConnector, type WriteInfo,
} from '../../src/connectors/connector.js';

/** What to break, read at each call so a test can change it mid-run. */
export interface FaultRules {
  /** Share of writes and moves that fail with a transient error (0..1). */
  transientRate?: number;
  /** Share that fail with 429 and this Retry-After. */
  rateLimitRate?: number;
  retryAfterMs?: number;
  /** Each write takes this much longer, like a slow link. */
  writeDelayMs?: number;
  /** Every call fails with this kind. */
  always?: ConnectorError['kind'];
}

/** Wraps a connector and injects failures by rule; counts calls so tests can check request costs. */
export class FaultyConnector implements StorageConnector {
  readonly kind: string;
  readonly capabilities;
  readonly calls: Record<string, number> = {};
  move?: StorageConnector['move'];

  constructor(private readonly inner: StorageConnector, private readonly rules: () => FaultRules) {
    this.kind = inner.kind;
    this.capabilities = inner.capabilities;
    if (inner.move) this.move = async (from, to, opts) => { this.fault('move'); return inner.move!(from, to, opts); };
  }

  private fault(op: string): void {
    this.calls[op] = (this.calls[op] ?? 0) + 1;
    const r = this.rules();
    if (r.always) throw new ConnectorError(r.always, `injected ${r.always}`);
    if (op !== 'write' && op !== 'move') return;
    const x = Math.random();
    if (x < (r.transientRate ?? 0)) throw new ConnectorError('transient', 'injected connection reset');
    if (x < (r.transientRate ?? 0) + (r.rateLimitRate ?? 0)) throw new ConnectorError('rate_limited', 'injected 429', r.retryAfterMs ?? 10);
  }

  list(dir: string, opts?: CallOptions): AsyncIterable<Entry> { this.fault('list'); return this.inner.list(dir, opts); }
  async stat(path: string, opts?: CallOptions) { this.fault('stat'); return this.inner.stat(path, opts); }
  async read(path: string, opts?: ReadOptions): Promise<Readable> { this.fault('read'); return this.inner.read(path, opts); }
  async write(path: string, body: Readable, info: WriteInfo, opts?: CallOptions) {
    try { this.fault('write'); } catch (e) { body.destroy(); throw e; }
    const delay = this.rules().writeDelayMs;
    if (delay) await new Promise((r) => setTimeout(r, delay));
    return this.inner.write(path, body, info, opts);
  }
  async remove(path: string, opts?: CallOptions) { this.fault('remove'); return this.inner.remove(path, opts); }
  async mkdir(path: string, opts?: CallOptions) { this.fault('mkdir'); return this.inner.mkdir(path, opts); }
  async rmdir(path: string, opts?: CallOptions) { this.fault('rmdir'); return this.inner.rmdir(path, opts); }
  async hashMany(paths: string[], type: HashType, opts?: CallOptions) { this.fault('hashMany'); return this.inner.hashMany!(paths, type, opts); }
  async quota(): Promise<Quota> { this.fault('quota'); return this.inner.quota!(); }
  async close() {}
}
