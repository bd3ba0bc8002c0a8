/**
 * What happened, for the outside world: the events webhooks carry and alerts mail about. Unlike
 * the live events (live.ts), these are durable: `announce` writes them to the outbox before it
 * returns, and a receiver gets them whatever process or restart comes between. Types and the
 * port only: backup and collection call the port; main wires it to webhooks and alerts.
 */
export const OCCURRENCE_TYPES = [
  'document.created', 'document.backed_up', 'destination.needs_attention', 'destination.recovered',
  'collection.document_received', 'collection.run_finished', 'inbox.item_done', 'connection.expired',
  'channel.needs_attention', 'channel.recovered', 'channel.connected', 'audit.head',
] as const;
export type OccurrenceType = (typeof OCCURRENCE_TYPES)[number];

/** The types a webhook endpoint may subscribe to (channel state changes are mailed, not sent). */
export const WEBHOOK_EVENT_TYPES = [
  'document.created', 'document.backed_up', 'destination.needs_attention', 'destination.recovered',
  'collection.document_received', 'collection.run_finished', 'inbox.item_done', 'connection.expired',
  // The audit chain's head of the day: a receiver that keeps them sees a truncation of the chain.
  'audit.head',
] as const satisfies readonly OccurrenceType[];
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface Occurrence {
  type: OccurrenceType;
  orgId: string;
  /**
   * The object the event is about ("doc_...", "dst_..."): events of one object reach each
   * receiver in the order they were announced, the next one only after the one before was
   * delivered or given up.
   */
  subject: string;
  /** The event's data, as the receiver sees it under `data`. */
  data: Record<string, unknown>;
}

/**
 * Records an occurrence, or several in their order, for every interested party. Never throws
 * into the caller's work. Several at once (a batch of backed-up documents) cost each party one
 * look at who is interested, not one per occurrence.
 */
export type Announce = (occurrences: Occurrence | readonly Occurrence[]) => Promise<void>;

/** For services built without webhooks or alerts (tests, one-shot commands). */
export const announceNothing: Announce = async () => undefined;
