/**
 * The JobQueue port. Jobs only say "look at this destination now": the ledgers hold the truth,
 * so a lost or repeated job costs a little time, never a document. Handlers must be idempotent.
 */
export interface JobQueue {
  /**
   * Queues a job. With a singleton key, a job already waiting under that key absorbs this one;
   * one already running is followed by exactly one more run, so no change is missed.
   */
  send(name: string, data: unknown, opts?: { singletonKey?: string; delayMs?: number }): Promise<void>;
  work(name: string, handler: (data: any) => Promise<void>, opts?: { concurrency?: number }): void;
  /** Resolves when nothing is queued, delayed or running. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}
