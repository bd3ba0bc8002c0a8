import pg from 'pg';
import type { Logger } from 'pino';

/** Any fixed 64-bit number: the advisory lock every Dossier process of a database competes for. */
const SCHEDULER_LOCK = 0x646f7373_6965_72n; // "dossier"

/**
 * Runs `lead` in exactly one process of those sharing a PostgreSQL database: the one holding a
 * session advisory lock. The others try again every `retryMs`; when the leader dies its session
 * ends, PostgreSQL releases the lock, and the next try of another process takes over. With
 * SQLite there is one process, which leads at once.
 */
export class Leadership {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private leading: { stop(): Promise<void> | void } | null = null;
  private stopped = false;
  /** The try in flight: stop() waits for it, so a lock won while stopping is not led after. */
  private attempting: Promise<void> | null = null;

  constructor(
    private readonly url: string | undefined,
    private readonly lead: () => Promise<{ stop(): Promise<void> | void }>,
    private readonly log: Logger,
    private readonly retryMs = 10_000,
  ) {}

  async start(): Promise<void> {
    if (!this.url) { this.leading = await this.lead(); return; }
    await this.attempt();
  }

  private attempt(): Promise<void> {
    this.attempting ??= this.tryOnce().finally(() => { this.attempting = null; });
    return this.attempting;
  }

  private async tryOnce(): Promise<void> {
    if (this.stopped || this.leading) return;
    try {
      if (!this.client) {
        const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000 });
        client.on('error', (err) => void this.lost(client, err));
        await client.connect();
        this.client = client;
      }
      const { rows } = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [SCHEDULER_LOCK.toString()]);
      if (rows[0]?.ok) {
        if (this.stopped) return; // stop() ends the connection, which gives the lock back
        this.log.info('this process runs the schedulers');
        this.leading = await this.lead();
        return;
      }
    } catch (err) {
      this.log.warn({ err }, 'could not try for the scheduler lock; trying again');
      await this.client?.end().catch(() => undefined);
      this.client = null;
    }
    this.retryLater();
  }

  /** One timer at most: a lost connection and a failed try both ask for the next try. */
  private retryLater(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.attempt(), this.retryMs);
    this.timer.unref();
  }

  /** The lock went with the connection: stop leading, another process takes over. */
  private async lost(client: pg.Client, err: Error): Promise<void> {
    if (this.client !== client) return;
    this.client = null;
    this.log.warn({ err: err.message }, 'lost the scheduler lock with its database connection');
    const leading = this.leading;
    this.leading = null;
    await leading?.stop();
    this.retryLater();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.attempting;
    await this.leading?.stop();
    this.leading = null;
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
