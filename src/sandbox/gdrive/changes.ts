import { invalidParameter } from './errors.js';
import type { DriveStore } from './store.js';

/**
 * changes.getStartPageToken / changes.list (docs/providers/google-drive.md, "Change feed"). A page token is the first
 * change number it covers. Each file shows up once, in its latest state (feeds report final
 * state, not events): trashing is a change whose file says trashed; a permanent deletion is
 * `removed: true` without a file. A page with more to come carries nextPageToken, the last one
 * newStartPageToken instead. A token from before EmulatorState.expireChangeTokens() is refused
 * with 400 invalid (location pageToken): the client must discard it and start over.
 */
export function startPageToken(store: DriveStore): string {
  return String(store.seq + 1);
}

export const pageSizeOf = (url: URL, fallback: number): number => {
  const raw = url.searchParams.get('pageSize');
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw invalidParameter('pageSize', `Invalid value '${raw}'. Values must be within the range: [1, 1000]`);
  return n;
};

export function changesPage(store: DriveStore, url: URL, fallbackPageSize: number): Record<string, unknown> {
  const raw = url.searchParams.get('pageToken');
  if (raw === null) throw invalidParameter('pageToken', 'Required parameter: pageToken');
  const from = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(from >= store.tokenFloor && from <= store.seq + 1)) throw invalidParameter('pageToken', `Invalid Value: page token ${raw}`);
  const size = pageSizeOf(url, fallbackPageSize);
  const includeRemoved = url.searchParams.get('includeRemoved') !== 'false';
  const changes: Array<{ seq: number; change: Record<string, unknown> }> = [];
  for (const f of store.files.values()) {
    if (f.seq < from || f.id === store.rootId) continue;
    changes.push({ seq: f.seq, change: { kind: 'drive#change', changeType: 'file', time: f.changedTime, removed: false, fileId: f.id, file: store.toJson(f) } });
  }
  if (includeRemoved) {
    for (const [id, r] of store.removed) {
      if (r.seq >= from) changes.push({ seq: r.seq, change: { kind: 'drive#change', changeType: 'file', time: r.time, removed: true, fileId: id } });
    }
  }
  changes.sort((a, b) => a.seq - b.seq);
  const page = changes.slice(0, size);
  const out: Record<string, unknown> = { kind: 'drive#changeList', changes: page.map((c) => c.change) };
  if (changes.length > size) out.nextPageToken = String(page.at(-1)!.seq + 1);
  else out.newStartPageToken = startPageToken(store);
  return out;
}
