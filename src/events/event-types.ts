/**
 * The live events backup and collection publish (src/events/live.ts) and GET /v1/events sends.
 * Types only and no imports: the web app imports this file as it is (web/src/api/events.ts),
 * so the browser's idea of an event cannot drift from the server's.
 */
export type LiveEvent =
  | BackupEvent
  | CollectEvent
  | ExportEvent;

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

/** An export made as a job (POST /v1/exports): files written so far, then its end. */
export type ExportEvent =
  | { type: 'export.progress'; orgId: string; exportId: string; done: number; total: number }
  | { type: 'export.finished'; orgId: string; exportId: string; state: string; done: number };

/** An event as GET /v1/events sends it: the event name is `type`, the JSON body the rest but orgId. */
export type EventOnTheWire<E extends LiveEvent> = E extends unknown ? Omit<E, 'orgId'> : never;
