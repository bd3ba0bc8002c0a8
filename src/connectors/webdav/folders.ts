import { ConnectorError } from '../connector.js';
import { abortable, throwIfAborted } from '../kit/abort.js';
import { discard } from '../kit/response-body.js';
import type { DavClient } from './client.js';
import { ENTRY_PROPS } from './multistatus.js';

const key = (segments: string[]) => segments.join('/');

/**
 * Creates folders with MKCOL, level by level, and remembers which exist. A backup writes many
 * files into few folders; a MKCOL (or PROPFIND) before every PUT would cost a round trip each.
 * Folders are keyed by their segments below the base URL, so the root's own levels count too.
 */
export class FolderMaker {
  private readonly known = new Set<string>();
  /** MKCOLs in flight, shared so parallel writes into a new folder create it once. */
  private readonly creating = new Map<string, Promise<void>>();

  constructor(private readonly dav: DavClient) {}

  /** Records a folder seen to exist (a successful listing, for one). */
  remember(segments: string[]): void {
    this.known.add(key(segments));
  }

  /** Drops a folder and everything below it, after removing it or seeing it vanish. */
  forget(segments: string[]): void {
    const k = key(segments);
    for (const known of this.known) if (known === k || known.startsWith(`${k}/`)) this.known.delete(known);
  }

  clear(): void {
    this.known.clear();
  }

  /** Makes sure the folder and every folder above it exist. */
  async ensure(segments: string[], signal?: AbortSignal): Promise<void> {
    if (this.known.has(key(segments))) return;
    for (let depth = 1; depth <= segments.length; depth++) {
      const level = segments.slice(0, depth);
      const k = key(level);
      if (this.known.has(k)) continue;
      throwIfAborted(signal);
      let pending = this.creating.get(k);
      if (!pending) {
        pending = this.mkcol(level).finally(() => this.creating.delete(k));
        this.creating.set(k, pending);
      }
      await abortable(pending, signal);
    }
  }

  /**
   * MKCOL for one folder whose parent should exist. It carries no caller's signal because other
   * writes may be waiting on the same folder; each of them can still stop waiting (abortable).
   */
  private async mkcol(level: string[], retried = false): Promise<void> {
    const where = key(level);
    const url = this.dav.urlOf(level, true);
    const res = await this.dav.request('MKCOL', url, { path: where, op: 'write', expect: [200, 201, 204, 405, 409] });
    await discard(res);
    if (res.status === 405) {
      // "Already exists"; but a file of that name answers 405 too, and writes below it would fail obscurely.
      const [item] = await this.dav.propfind(url, 0, ENTRY_PROPS, where);
      if (item && !item.isDir) throw new ConnectorError('already_exists', `${where} is a file, so no folder can be created there.`);
    } else if (res.status === 409) {
      if (level.length === 1) {
        throw new ConnectorError('fatal', `The WebDAV address does not lead to a folder the account can write in: check it under Destinations`);
      }
      if (retried) throw new ConnectorError('transient', `Folders above ${where} keep disappearing while it is created; try again`);
      // The parent is gone although we had seen it (someone removed it): create it again, then retry.
      this.forget(level.slice(0, -1));
      await this.mkcol(level.slice(0, -1));
      return this.mkcol(level, true);
    }
    this.known.add(where);
  }
}
