import { useEffect, useRef } from 'react';

/** The server-sent events of GET /v1/events (see src/events/live.ts). */
export type BackupEvent =
  | { type: 'run.started'; destinationId: string; runId: string; trigger: string }
  | { type: 'run.progress'; destinationId: string; runId: string; done: number; planned: number; bytes: number }
  | { type: 'run.finished'; destinationId: string; runId: string; status: string; planned: number; uploaded: number; failed: number }
  | { type: 'destination.changed'; destinationId: string; state: string };

/** A collection channel's run, on the same stream. */
export type CollectEvent =
  | { type: 'collect.started'; channelId: string; runId: string }
  | { type: 'collect.progress'; channelId: string; runId: string; found: number; collected: number; failed: number }
  | { type: 'collect.finished'; channelId: string; runId: string; status: string; found: number; collected: number; failed: number };

const BACKUP_TYPES = ['run.started', 'run.progress', 'run.finished', 'destination.changed'] as const;
const COLLECT_TYPES = ['collect.started', 'collect.progress', 'collect.finished'] as const;

/** Listens to the named events of GET /v1/events (narrowed by `query`) while the component is shown. */
function useServerEvents<E>(types: readonly string[], query: string, onEvent: (e: E) => void): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (typeof EventSource === 'undefined') return undefined;
    const source = new EventSource(`/v1/events${query}`, { withCredentials: true });
    const listeners = types.map((type) => {
      const listener = (m: MessageEvent<string>) => handler.current({ type, ...JSON.parse(m.data) } as E);
      source.addEventListener(type, listener);
      return listener;
    });
    return () => {
      types.forEach((type, i) => source.removeEventListener(type, listeners[i]!));
      source.close();
    };
  }, [types, query]);
}

/** Listens to the live backup events (of one destination, or all) while the component is shown. */
export function useBackupEvents(onEvent: (e: BackupEvent) => void, destinationId?: string): void {
  useServerEvents(BACKUP_TYPES, destinationId ? `?destinationId=${encodeURIComponent(destinationId)}` : '', onEvent);
}

/** Listens to one collection channel's runs while the component is shown. */
export function useCollectEvents(onEvent: (e: CollectEvent) => void, channelId: string): void {
  useServerEvents(COLLECT_TYPES, `?channelId=${encodeURIComponent(channelId)}`, onEvent);
}
