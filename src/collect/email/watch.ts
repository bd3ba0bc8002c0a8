import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Db } from '../../catalog/db.js';
import { toChannel, type Channel } from '../../catalog/channels.js';
import type { MailboxConnector } from '../../connectors/connector.js';
import { parseCursor } from './imap-run.js';

/**
 * IMAP IDLE for e-mail channels that read a mailbox: one connection per channel waits in IDLE,
 * and a new message queues a run at once instead of at the daily slot. The schedule stays the
 * fallback: a server without IDLE, or a watcher that cannot connect, changes nothing else. A
 * dropped connection is opened again with a growing pause; on each (re)connection a run is
 * queued when the mailbox holds messages past the channel's cursor, since mail may have come
 * while nobody was listening. Runs in the one process that runs the schedulers, so a mailbox
 * has one watcher whatever the number of processes.
 */

export interface WatchDeps {
  db: Db;
  log: Logger;
  openMailbox: (orgId: string, channel: Channel) => Promise<MailboxConnector>;
  /** Queues a run of the channel (a waiting one absorbs it). */
  request: (orgId: string, channelId: string) => Promise<unknown>;
}

export interface WatchOptions {
  /** How often the list of channels to watch is read again (new, paused, changed, removed). */
  refreshMs?: number;
  /** How long one IDLE lasts before it is renewed; RFC 2177 asks for less than 29 minutes. */
  idleMs?: number;
  /** The first pause after a failure; doubled each time, up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

interface Watch { channel: Channel; version: string; stop: AbortController; done: Promise<void> }

export class MailWatcher {
  private readonly watches = new Map<string, Watch>();
  private timer: NodeJS.Timeout | null = null;
  private readonly o: Required<WatchOptions>;

  constructor(private readonly deps: WatchDeps, o: WatchOptions = {}) {
    this.o = { refreshMs: 60_000, idleMs: 25 * 60_000, backoffMs: 5_000, maxBackoffMs: 5 * 60_000, ...o };
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((err) => this.deps.log.error({ err }, 'could not read the mailboxes to watch')), this.o.refreshMs);
    this.timer.unref();
  }

  /** The channels being watched now (for tests and the log). */
  watching(): string[] {
    return [...this.watches.keys()];
  }

  /** Starts a watcher for each active IMAP channel, stops those of channels paused, changed or gone. */
  async refresh(): Promise<void> {
    const rows = await this.deps.db.selectFrom('channels').innerJoin('connections', 'connections.id', 'channels.connection_id')
      .selectAll('channels').select(['connections.updated_at as settings_at', 'connections.secrets_version']).where('channels.kind', '=', 'email')
      .where('channels.state', '=', 'active').execute();
    // A channel's server settings live in its connection: when that changes, the watcher connects again.
    const wanted = new Map(rows.map((r) => [r.id, { channel: toChannel(r), version: `${r.connection_id}:${r.settings_at}:${r.secrets_version}` }] as const));
    for (const [id, w] of this.watches) {
      const now = wanted.get(id);
      if (!now || now.version !== w.version) await this.unwatch(id);
      else w.channel = now.channel;
    }
    for (const [id, { channel, version }] of wanted) if (!this.watches.has(id)) this.watch(channel, version);
  }

  private watch(channel: Channel, version: string): void {
    const stop = new AbortController();
    const w: Watch = { channel, version, stop, done: Promise.resolve() };
    w.done = this.loop(w).catch((err) => this.deps.log.error({ err, channel: channel.id }, 'the mailbox watcher stopped'));
    this.watches.set(channel.id, w);
  }

  private async unwatch(id: string): Promise<void> {
    const w = this.watches.get(id);
    if (!w) return;
    this.watches.delete(id);
    w.stop.abort();
    await w.done;
  }

  private async loop(w: Watch): Promise<void> {
    const signal = w.stop.signal;
    let pause = this.o.backoffMs;
    while (!signal.aborted) {
      let box: MailboxConnector | null = null;
      try {
        box = await this.deps.openMailbox(w.channel.orgId, w.channel);
        if (!box.canIdle?.()) {
          this.deps.log.info({ channel: w.channel.id }, 'the mail server does not offer IDLE: the channel collects on its schedule');
          return;
        }
        const state = await box.open({ signal });
        const cursor = parseCursor(w.channel.cursor);
        // Messages past the cursor came while nobody listened (or before the first run): take them now.
        if (!cursor || cursor.uidValidity !== state.uidValidity || state.uidNext - 1 > cursor.uid) {
          if (state.exists > 0) await this.ask(w);
        }
        pause = this.o.backoffMs;
        while (!signal.aborted) {
          if (await box.waitForMail(this.o.idleMs, { signal })) await this.ask(w);
        }
      } catch (err) {
        if (signal.aborted) break;
        this.deps.log.warn({ channel: w.channel.id, err: (err as Error).message, retryInMs: pause }, 'the mailbox watcher lost its connection; trying again');
        await box?.close().catch(() => undefined);
        box = null;
        await sleep(pause, undefined, { signal }).catch(() => undefined); // a stop ends the pause early
        pause = Math.min(pause * 2, this.o.maxBackoffMs);
      } finally {
        await box?.close().catch(() => undefined);
      }
    }
  }

  private async ask(w: Watch): Promise<void> {
    try {
      await this.deps.request(w.channel.orgId, w.channel.id);
    } catch (err) {
      // Paused or removed meanwhile: the next refresh stops this watcher.
      this.deps.log.info({ channel: w.channel.id, err: (err as Error).message }, 'could not queue a run for new mail');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.watches.keys()].map((id) => this.unwatch(id)));
  }
}
