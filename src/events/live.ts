import { EventEmitter } from 'node:events';
import type { LiveEvent } from './event-types.js';
import { afterCommit } from '../catalog/unit-of-work.js';

export type { BackupEvent, CollectEvent, LiveEvent } from './event-types.js';

/**
 * What happens to destinations and collection channels while it happens, for live views (the
 * web app's progress bars through GET /v1/events). Alone, only runs of this process are seen;
 * with a relay (PostgreSQL's NOTIFY, src/events/pg-relay.ts) those of every process sharing the
 * database are. The ledgers stay the truth, so a client that missed an event reads the status
 * again. Its own folder: backup and collection both publish here, and neither depends on the other.
 */
export class LiveEvents {
  private readonly emitter = new EventEmitter();
  private outbound: ((event: LiveEvent) => void) | null = null;

  constructor() {
    // One listener per open browser tab; the default warning at 10 says nothing useful here.
    this.emitter.setMaxListeners(0);
  }

  /** Emitted inside a unit of work (an API change), the event is given once the change is committed: a view reading on it sees the change. */
  emit(event: LiveEvent): void {
    afterCommit(() => {
      this.emitter.emit('event', event);
      this.outbound?.(event);
    });
  }

  /** Sends what this process emits on to the other processes too. */
  relayTo(send: (event: LiveEvent) => void): void {
    this.outbound = send;
  }

  /** An event another process emitted: given to this process's listeners only. */
  receive(event: LiveEvent): void {
    this.emitter.emit('event', event);
  }

  /** Returns the function that stops listening. */
  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
