import { createHash } from 'node:crypto';
import { splitPath, joinPath } from '../connector.js';

/**
 * The temporary name a write goes to before it is renamed into place. It is derived from the
 * final name, so a write retried after a crash reuses (and overwrites) the same temp file
 * instead of leaving a new stray one each time; the prefix makes leftovers easy to spot.
 * No ".part" suffix: Nextcloud forbids it.
 */
export const TEMP_PREFIX = '.dossier-';

export function tempPathFor(path: string): string {
  const [parent, name] = splitPath(path);
  const tag = createHash('sha256').update(name).digest('hex').slice(0, 8);
  const short = Array.from(name).slice(0, 100).join('');
  return joinPath(parent, `${TEMP_PREFIX}${tag}-${short}.tmp`);
}

export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX) && name.endsWith('.tmp');
}
