import type { TokenSource } from '../connector.js';

/**
 * The bearer token of an OAuth connector's client. A 401 means the token expired early or was
 * revoked: get a new one once and repeat. Parallel requests that fail together share one
 * refresh; a request that failed with an older token than the current one just repeats with
 * the current one.
 */
export class SharedBearer {
  private token: Promise<string> | null = null;

  constructor(private readonly tokens: TokenSource) {}

  /** The current token; with `refreshFrom` (the token a 401 came back for), a refreshed one. */
  async get(refreshFrom: string | null, signal?: AbortSignal): Promise<string> {
    if (refreshFrom !== null) {
      const current = this.token ? await this.token.catch(() => null) : null;
      if (current === refreshFrom || current === null) this.token = this.tokens.accessToken({ refresh: true, signal });
    } else {
      this.token ??= this.tokens.accessToken({ signal });
    }
    try {
      return await this.token!;
    } catch (e) {
      this.token = null;
      throw e;
    }
  }
}
