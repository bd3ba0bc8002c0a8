import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import { previousDailyRun } from '../domain/schedules.js';
import type { Db } from '../catalog/db.js';
import { channelsWithOpenRuns } from '../catalog/collect-runs.js';
import { scheduledChannelsWithLastRun } from '../catalog/due.js';
import { COLLECT_JOB, type CollectRuns } from './service.js';
import type { JobQueue } from '../jobs/queue.js';

/**
 * Daily collection, the way destinations are scheduled (docs/adr/0001): the database is the
 * only place a schedule lives. A channel whose last run was queued before its most recent slot
 * (HH:MM in the company's time zone) gets one; a slot missed while the service was down is
 * caught up once. Runs queued before a restart, and runs cut off by one, are picked up at start. A tick is one statement
 * whatever the number of channels (src/catalog/due.ts).
 */
export class CollectScheduler {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Db, private readonly runs: CollectRuns, private readonly queue: JobQueue, private readonly log: Logger, private readonly tickMs = 30_000) {}

  async start(): Promise<void> {
    for (const q of await channelsWithOpenRuns(this.db)) await this.queue.send(COLLECT_JOB, q, { singletonKey: q.channelId });
    await this.tick();
    this.timer = setInterval(() => void this.tick().catch((err) => this.log.error({ err }, 'collection scheduler tick failed')), this.tickMs);
    this.timer.unref();
  }

  async tick(now: DateTime = DateTime.utc()): Promise<number> {
    let queued = 0;
    for (const { channel, timeZone, lastQueuedAt: last } of await scheduledChannelsWithLastRun(this.db)) {
      const due = previousDailyRun(channel.collectAt, timeZone, now);
      // A channel made after today's slot waits for tomorrow's.
      if (DateTime.fromISO(channel.createdAt) > due) continue;
      if (!last || DateTime.fromISO(last) < due) {
        await this.runs.request(channel.orgId, channel.id, 'daily', null);
        queued++;
      }
    }
    return queued;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
