import { isConnectorError, type Quota, type StorageConnector } from '../connectors/connector.js';
import { DestinationBlocked } from './executor.js';
import type { Action } from './planner.js';

/** Below this share of free space a destination shows a warning. */
export const NEARLY_FULL = 0.05;

export async function readQuota(connector: StorageConnector): Promise<Quota | null> {
  if (!connector.quota) return null;
  try {
    return await connector.quota();
  } catch (e) {
    if (isConnectorError(e) && (e.kind === 'auth_expired' || e.kind === 'permission_denied')) throw e;
    return null; // some servers do not report space; uploads will still say when it runs out
  }
}

/**
 * Stops a run before it starts when the planned bytes cannot fit: better a clear "full" now
 * than hundreds of files failing one by one.
 */
export function checkSpace(q: Quota | null, actions: Action[], destinationName: string): void {
  const needed = actions.reduce((n, a) => n + (a.op === 'upload' ? a.size : 0), 0);
  if (needed === 0) return;
  if (q?.free !== null && q?.free !== undefined && q.free < needed) {
    throw new DestinationBlocked('paused', `"${destinationName}" has ${formatBytes(q.free)} free but the next files need ${formatBytes(needed)}: free some space there, then resume the destination.`);
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
