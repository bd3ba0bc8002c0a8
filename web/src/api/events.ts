import { useEffect, useRef } from 'react';
import type { BackupEvent as ServerBackupEvent, CollectEvent as ServerCollectEvent, ExportEvent as ServerExportEvent, EventOnTheWire } from '../../../src/events/event-types';

/** The server-sent events of GET /v1/events: the server's own types (src/events/event-types.ts), as sent. */
export type BackupEvent = EventOnTheWire<ServerBackupEvent>;

/** A collection channel's run, on the same stream. */
export type CollectEvent = EventOnTheWire<ServerCollectEvent>;

/** An export made as a job, on the same stream. */
export type ExportEvent = EventOnTheWire<ServerExportEvent>;

// Every event name once: `satisfies` fails the build when the server adds, renames or drops one.
const BACKUP_TYPES = Object.keys({ 'run.started': 1, 'run.progress': 1, 'run.finished': 1, 'destination.changed': 1 } satisfies Record<BackupEvent['type'], 1>);
const COLLECT_TYPES = Object.keys({ 'collect.started': 1, 'collect.progress': 1, 'collect.finished': 1 } satisfies Record<CollectEvent['type'], 1>);
const EXPORT_TYPES = Object.keys({ 'export.progress': 1, 'export.finished': 1 } satisfies Record<ExportEvent['type'], 1>);

/** Listens to the named events of GET /v1/events (narrowed by `query`) while the component is shown. */
function useServerEvents<E>(types: readonly string[], query: string, onEvent: (e: E) => void): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (typeof EventSource === 'undefined' || types.length === 0) return undefined;
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

/** Listens to one export's progress while the component is shown (nothing when `exportId` is null). */
export function useExportEvents(onEvent: (e: ExportEvent) => void, exportId: string | null): void {
  useServerEvents(exportId ? EXPORT_TYPES : NO_TYPES, exportId ? `?exportId=${encodeURIComponent(exportId)}` : '', onEvent);
}
const NO_TYPES: readonly string[] = [];
