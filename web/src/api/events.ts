import { useEffect, useRef } from 'react';

/** The server-sent events of GET /v1/events (see src/backup/events.ts). */
export type BackupEvent =
  | { type: 'run.started'; destinationId: string; runId: string; trigger: string }
  | { type: 'run.progress'; destinationId: string; runId: string; done: number; planned: number; bytes: number }
  | { type: 'run.finished'; destinationId: string; runId: string; status: string; planned: number; uploaded: number; failed: number }
  | { type: 'destination.changed'; destinationId: string; state: string };

const TYPES = ['run.started', 'run.progress', 'run.finished', 'destination.changed'] as const;

/** Listens to the live backup events (of one destination, or all) while the component is shown. */
export function useBackupEvents(onEvent: (e: BackupEvent) => void, destinationId?: string): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (typeof EventSource === 'undefined') return undefined;
    const url = `/v1/events${destinationId ? `?destinationId=${encodeURIComponent(destinationId)}` : ''}`;
    const source = new EventSource(url, { withCredentials: true });
    const listeners = TYPES.map((type) => {
      const listener = (m: MessageEvent<string>) => handler.current({ type, ...JSON.parse(m.data) } as BackupEvent);
      source.addEventListener(type, listener);
      return listener;
    });
    return () => {
      TYPES.forEach((type, i) => source.removeEventListener(type, listeners[i]!));
      source.close();
    };
  }, [destinationId]);
}
