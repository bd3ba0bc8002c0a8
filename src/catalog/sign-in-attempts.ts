import { sql } from 'kysely';
import type { Db } from './db.js';

/**
 * Counts one attempt under `key` in a fixed window, in one statement (INSERT ... ON CONFLICT DO
 * UPDATE ... RETURNING): concurrent attempts, in this process or another, each see their own
 * number, so no two of them can both be "the fifth". A window that has passed starts over at 1.
 */
export async function countAttempt(db: Db, key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }> {
  const row = await db.insertInto('sign_in_attempts')
    .values({ key, count: 1, reset_at: now + windowMs })
    .onConflict((oc) => oc.column('key').doUpdateSet({
      count: sql<number>`case when sign_in_attempts.reset_at <= ${now} then 1 else sign_in_attempts.count + 1 end`,
      reset_at: sql<number>`case when sign_in_attempts.reset_at <= ${now} then excluded.reset_at else sign_in_attempts.reset_at end`,
    }))
    .returning(['count', 'reset_at'])
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), resetAt: Number(row.reset_at) };
}

/** Takes one attempt back (a sign-in that succeeded is no guess). */
export async function uncountAttempt(db: Db, key: string): Promise<void> {
  await db.updateTable('sign_in_attempts').set({ count: sql<number>`count - 1` }).where('key', '=', key).where('count', '>', 0).execute();
}

export async function forgetAttempts(db: Db, key: string): Promise<void> {
  await db.deleteFrom('sign_in_attempts').where('key', '=', key).execute();
}

export async function deleteExpiredAttempts(db: Db, now: number): Promise<void> {
  await db.deleteFrom('sign_in_attempts').where('reset_at', '<=', now).execute();
}
