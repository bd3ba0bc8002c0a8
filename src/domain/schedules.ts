import { DateTime } from 'luxon';

/**
 * The most recent daily slot at or before `now`, in UTC, for a local time "HH:MM" in a time
 * zone (daylight saving included). Destinations and collection channels both run by it: a
 * pass is due when the last one started before this slot, so a slot missed while the service
 * was down is caught up once.
 */
export function previousDailyRun(at: string, timeZone: string, now: DateTime = DateTime.utc()): DateTime {
  const [h, m] = at.split(':').map(Number);
  const local = now.setZone(timeZone);
  let prev = local.set({ hour: h, minute: m, second: 0, millisecond: 0 });
  if (prev > local) prev = prev.minus({ days: 1 });
  return prev.toUTC();
}

/** A local time of day, HH:MM on the 24-hour clock. */
export const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
