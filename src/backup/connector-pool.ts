import type { StorageConnector } from '../connectors/connector.js';

/** How long an unused connector stays open: longer than a continuous destination's usual gap. */
export const IDLE_CLOSE_MS = 60_000;

interface Held {
  connector: StorageConnector;
  /** Identifies the settings it was opened with; new settings mean a new connector. */
  version: string;
  users: number;
  idle?: NodeJS.Timeout;
}

/**
 * Keeps each destination's connector open for a while after use. Logging in costs more than
 * the work of a typical continuous pass (an SSH handshake is ~100 ms; ten invoices go up in
 * ~25 ms), so a pass that follows another within a minute reuses the connection. Connectors
 * reconnect by themselves when a connection drops, so a held one stays usable.
 *
 * Callers keep the plain port: they get the connector wrapped so that close() gives it back
 * instead of closing it.
 */
export class ConnectorPool {
  private readonly held = new Map<string, Held>();
  private closed = false;

  constructor(private readonly idleMs = IDLE_CLOSE_MS) {}

  /**
   * The destination's connector, opened by `open` unless one with the same `version` is held.
   * The result's close() releases it; the last release starts the idle timer.
   */
  async acquire(key: string, version: string, open: () => Promise<StorageConnector>): Promise<StorageConnector> {
    if (this.closed) return open();
    let h = this.held.get(key);
    if (h && h.version !== version) {
      this.held.delete(key);
      if (h.users === 0) await this.shut(h);
      h = undefined;
    }
    if (!h) {
      const connector = await open();
      // Another caller may have opened one meanwhile: keep the first, close ours after use.
      const raced = this.held.get(key);
      if (raced && raced.version === version) {
        h = raced;
        await connector.close().catch(() => undefined);
      } else {
        h = { connector, version, users: 0 };
        this.held.set(key, h);
      }
    }
    clearTimeout(h.idle);
    h.users++;
    return this.lease(key, h);
  }

  /** Closes the destination's connector now (removed, paused, failed): nothing is kept open for it. */
  async forget(key: string): Promise<void> {
    const h = this.held.get(key);
    if (!h) return;
    this.held.delete(key);
    await this.shut(h);
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    const all = [...this.held.values()];
    this.held.clear();
    await Promise.all(all.map((h) => this.shut(h)));
  }

  private lease(key: string, h: Held): StorageConnector {
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      h.users--;
      if (this.held.get(key) !== h) {
        // Forgotten or replaced while in use: the last user closes it.
        if (h.users === 0) await this.shut(h);
        return;
      }
      if (h.users === 0) {
        h.idle = setTimeout(() => void this.forget(key), this.idleMs);
        h.idle.unref();
      }
    };
    // A Proxy rather than a wrapper class: every method of the port, optional ones included,
    // stays exactly what the connector declares (callers test `connector.move` and the like).
    return new Proxy(h.connector, {
      get: (target, prop, receiver) => (prop === 'close' ? release : Reflect.get(target, prop, receiver)),
    });
  }

  private async shut(h: Held): Promise<void> {
    clearTimeout(h.idle);
    await h.connector.close().catch(() => undefined);
  }
}
