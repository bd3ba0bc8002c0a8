import type { TokenSource } from '../connector.js';

/**
 * The bearer token of one OAuth connector. A 401 means the token expired early or was revoked:
 * the caller asks for a refresh once and repeats. Parallel requests that fail together share one
 * refresh; a request that failed with an older token than the current one just gets the current one.
 */
export class BearerToken {
  private token: Promise<string> | null = null;

  constructor(private readonly tokens: TokenSource) {}

  /** The current token, or (with `refreshFrom`, the token that was refused) a fresh one. */
  async get(refreshFrom: string | null, signal?: AbortSignal): Promise<string> {
    if (refreshFrom !== null) {
      const current = this.token ? await this.token.catch(() => null) : null;
      if (current === refreshFrom || current === null) {
        this.token = this.tokens.accessToken({ refresh: true, signal });
      }
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
