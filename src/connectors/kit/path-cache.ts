import { abortable, throwIfAborted } from './abort.js';

/**
 * Folder path -> provider id, for id-addressed APIs (Graph, Drive). A backup writes many files
 * into few folders; resolving or creating the folder before every upload would cost a round
 * trip each. Paths are "/"-separated; "" is the base the ids hang from. Folder creations in
 * flight are shared, so parallel writes into a new folder create it once.
 */
export class PathIdCache {
  private readonly ids = new Map<string, string>();
  private readonly creating = new Map<string, Promise<string>>();

  /** `caseInsensitive`: "A/b" and "a/B" are one folder, as on OneDrive and Dropbox. */
  constructor(private readonly caseInsensitive: boolean) {}

  private key(path: string): string {
    return this.caseInsensitive ? path.toLowerCase() : path;
  }

  get(path: string): string | undefined {
    return this.ids.get(this.key(path));
  }

  set(path: string, id: string): void {
    this.ids.set(this.key(path), id);
  }

  /** Drops a folder and everything below it, after removing or moving it or seeing it vanish. */
  forget(path: string): void {
    const k = this.key(path);
    for (const known of this.ids.keys()) if (known === k || k === '' || known.startsWith(`${k}/`)) this.ids.delete(known);
  }

  clear(): void {
    this.ids.clear();
  }

  /**
   * The id of folder `path`, creating each missing level with `make(parentId, name)`, which
   * must succeed when the folder already exists. `baseId` is the id of "".
   */
  async ensure(path: string, baseId: string, make: (parentId: string, name: string, levelPath: string) => Promise<string>, signal?: AbortSignal): Promise<string> {
    const known = this.get(path);
    if (known) return known;
    const segments = path === '' ? [] : path.split('/');
    let id = baseId;
    for (let depth = 1; depth <= segments.length; depth++) {
      const level = segments.slice(0, depth).join('/');
      const cached = this.get(level);
      if (cached) { id = cached; continue; }
      throwIfAborted(signal);
      const k = this.key(level);
      let pending = this.creating.get(k);
      if (!pending) {
        const parentId = id;
        pending = make(parentId, segments[depth - 1]!, level)
          .then((made) => { this.set(level, made); return made; })
          .finally(() => this.creating.delete(k));
        this.creating.set(k, pending);
      }
      id = await abortable(pending, signal);
    }
    return id;
  }
}
