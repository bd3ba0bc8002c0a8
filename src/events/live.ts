import { EventEmitter } from 'node:events';

/**
 * What happens to destinations and collection channels while it happens, for live views (the
 * web app's progress bars through GET /v1/events). Only runs of this process are seen; the
 * ledgers stay the truth, so a client that missed an event reads the status again. Its own
 * folder: backup and collection both publish here, and neither depends on the other.
 */
export type LiveEvent =
  | BackupEvent
  | CollectEvent;

/** A destination's pass, and the destination's state. */
export type BackupEvent =
  | { type: 'run.started'; orgId: string; destinationId: string; runId: string; trigger: string }
  | { type: 'run.progress'; orgId: string; destinationId: string; runId: string; done: number; planned: number; bytes: number }
  | { type: 'run.finished'; orgId: string; destinationId: string; runId: string; status: string; planned: number; uploaded: number; failed: number }
  | { type: 'destination.changed'; orgId: string; destinationId: string; state: string };

/** A collection channel's run, for the channel page's live view (same stream, its own names). */
export type CollectEvent =
  | { type: 'collect.started'; orgId: string; channelId: string; runId: string }
  | { type: 'collect.progress'; orgId: string; channelId: string; runId: string; found: number; collected: number; failed: number }
  | { type: 'collect.finished'; orgId: string; channelId: string; runId: string; status: string; found: number; collected: number; failed: number };

export class LiveEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open browser tab; the default warning at 10 says nothing useful here.
    this.emitter.setMaxListeners(0);
  }

  emit(event: LiveEvent): void {
    this.emitter.emit('event', event);
  }

  /** Returns the function that stops listening. */
  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
