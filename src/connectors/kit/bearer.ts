import type { TokenSource } from '../connector.js';
import { discard } from './response-body.js';

/** How long a token is used before the token source (the vault, which reads the database) is asked again. */
export const RECHECK_MS = 30_000;

/**
 * The bearer token of an OAuth connector's client. A 401 means the token expired early or was
 * revoked: get a new one once and repeat. Parallel requests that fail together share one
 * refresh; a request that failed with an older token than the current one just repeats with
 * the current one. The token is asked for again after RECHECK_MS even without a 401: another
 * process may have disconnected the account (Microsoft cannot revoke the token it holds) or
 * stored a newer token, and a long pass must hear of it.
 */
export class SharedBearer {
  private token: Promise<string> | null = null;
  private askedAt = 0;

  constructor(private readonly tokens: TokenSource, private readonly now: () => number = Date.now) {}

  /**
   * Sends a request with the current token and, when it answers 401, once more with a refreshed
   * one; whatever the second answer is, it is the caller's. `send` must be repeatable (buffered bodies).
   */
  async send(signal: AbortSignal | undefined, send: (token: string) => Promise<Response>): Promise<Response> {
    const token = await this.get(null, signal);
    const res = await send(token);
    if (res.status !== 401) return res;
    await discard(res);
    return send(await this.get(token, signal));
  }

  /** The current token; with `refreshFrom` (the token a 401 came back for), a refreshed one. */
  async get(refreshFrom: string | null, signal?: AbortSignal): Promise<string> {
    if (refreshFrom !== null) {
      const current = this.token ? await this.token.catch(() => null) : null;
      if (current === refreshFrom || current === null) {
        this.token = this.tokens.accessToken({ refresh: true, signal });
        this.askedAt = this.now();
      }
    } else if (!this.token || this.now() - this.askedAt > RECHECK_MS) {
      this.token = this.tokens.accessToken({ signal });
      this.askedAt = this.now();
    }
    try {
      return await this.token!;
    } catch (e) {
      this.token = null;
      throw e;
    }
  }
}
