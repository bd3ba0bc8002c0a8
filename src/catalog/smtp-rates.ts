import { sql } from 'kysely';
import type { Db } from './db.js';

/**
 * Takes one from a shared hourly allowance: the count of `key` in the current window goes up by
 * one unless it reached `limit`, in one statement, so two processes taking at once cannot both
 * take the last one (SQLite writes one at a time; PostgreSQL locks the row on conflict). False:
 * the limit is reached, and nothing was counted.
 */
export async function takeRate(db: Db, scope: string, key: string, limit: number, windowMs: number, at = Date.now()): Promise<boolean> {
  if (limit <= 0) return false;
  const windowStart = Math.floor(at / windowMs) * windowMs;
  const row = await db.insertInto('smtp_rates').values({ scope, key, window_start: windowStart, count: 1 })
    .onConflict((oc) => oc.columns(['scope', 'key', 'window_start']).doUpdateSet({ count: sql`smtp_rates.count + 1` }).where('smtp_rates.count', '<', limit))
    .returning('count').executeTakeFirst();
  return row !== undefined;
}

/** Forgets the windows that ended before `at`'s: the table holds the current hour's keys only. */
export async function pruneRates(db: Db, windowMs: number, at = Date.now()): Promise<void> {
  await db.deleteFrom('smtp_rates').where('window_start', '<', Math.floor(at / windowMs) * windowMs).execute();
}
