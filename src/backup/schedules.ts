import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import { parseSchedule } from '../domain/destinations.js';
import { previousDailyRun } from '../domain/schedules.js';
import type { Db } from '../catalog/db.js';
import { continuousDestinationsWithWork, destinationsToLookAt } from '../catalog/due.js';
import type { BackupService } from './service.js';

export { previousDailyRun };

/**
 * Starts passes when they are due: on start-up every continuous destination with work waiting
 * gets one (whatever changed while the service was down); every few seconds a continuous destination with work
 * waiting gets one (changes made by another process, failed files to retry); and each daily
 * destination whose last run started before its most recent slot gets one, so a slot missed
 * while the service was down is caught up once. A tick is one statement whatever the number of
 * destinations (src/catalog/due.ts); a new document wakes its destinations through the job
 * queue at once, so the tick only catches what nothing announced (retries of failed files).
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Db, private readonly backup: BackupService, private readonly log: Logger, private readonly tickMs = 5_000) {}

  async start(): Promise<void> {
    // What changed while the service was down shows as documents past a destination's cursor or
    // deliveries left to do: only those destinations get a pass, not all of them.
    for (const dst of await continuousDestinationsWithWork(this.db, new Date(Date.now() - 15 * 60_000).toISOString())) await this.backup.requestSync(dst.orgId, dst.id, 'startup');
    await this.tick();
    this.timer = setInterval(() => void this.tick().catch((err) => this.log.error({ err }, 'scheduler tick failed')), this.tickMs);
    this.timer.unref();
  }

  async tick(now: DateTime = DateTime.utc()): Promise<void> {
    const retryFailedBefore = now.minus({ minutes: 15 }).toJSDate().toISOString();
    for (const dst of await destinationsToLookAt(this.db, retryFailedBefore)) {
      const schedule = parseSchedule(dst.schedule);
      if (schedule.kind === 'continuous') { await this.backup.requestSync(dst.orgId, dst.id, 'continuous'); continue; }
      if (schedule.kind !== 'daily') continue;
      const due = previousDailyRun(schedule.at, dst.timeZone, now);
      if (!dst.lastStartedAt || DateTime.fromISO(dst.lastStartedAt) < due) await this.backup.requestSync(dst.orgId, dst.id, 'daily');
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
