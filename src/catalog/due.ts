import type { ExpressionBuilder } from 'kysely';
import type { Database } from './schema.js';
import type { Db } from './db.js';
import { toChannel, type Channel } from './channels.js';

/**
 * What the schedulers look at each tick, one statement each whatever the number of destinations
 * and channels, so an idle installation costs the database the same with 10 or 5,000 of them.
 */

/** Active continuous destinations with work waiting: changed documents, or deliveries left to do. */
export async function continuousDestinationsWithWork(db: Db, retryFailedBefore: string): Promise<Array<{ orgId: string; id: string }>> {
  const rows = await db.selectFrom('destinations as d').select(['d.org_id', 'd.id'])
    .where('d.state', '=', 'active').where('d.schedule', '=', 'continuous')
    .where((eb) => workWaiting(eb, retryFailedBefore))
    .execute();
  return rows.map((r) => ({ orgId: r.org_id, id: r.id }));
}

/** Destination `d` has changed documents past its cursor, or deliveries left to do. */
function workWaiting(eb: ExpressionBuilder<Database & { d: Database['destinations'] }, 'd'>, retryFailedBefore: string) {
  return eb.or([
    eb.exists(eb.selectFrom('documents as doc').select('doc.id')
      .whereRef('doc.company_id', '=', 'd.company_id').whereRef('doc.change_seq', '>', 'd.cursor_seq')),
    // Failed files are retried a quarter of an hour after their last attempt, not at every look.
    eb.exists(eb.selectFrom('deliveries as dl').select('dl.document_id').whereRef('dl.destination_id', '=', 'd.id')
      .where((w) => w.or([w('dl.state', '=', 'pending'), w.and([w('dl.state', '=', 'failed'), w('dl.updated_at', '<', retryFailedBefore)])]))),
  ]);
}

/**
 * A scheduler tick's look, in one statement: the active continuous destinations with work waiting
 * (as continuousDestinationsWithWork) and every active daily one with its company's time zone and
 * when its last run started (whether its slot passed is the caller's to say, in that time zone).
 */
export async function destinationsToLookAt(db: Db, retryFailedBefore: string): Promise<Array<{ orgId: string; id: string; schedule: string; timeZone: string; lastStartedAt: string | null }>> {
  const rows = await db.selectFrom('destinations as d')
    .innerJoin('companies as c', 'c.id', 'd.company_id')
    .select((eb) => ['d.org_id', 'd.id', 'd.schedule', 'c.time_zone',
      eb.selectFrom('runs as r').whereRef('r.destination_id', '=', 'd.id').select((s) => s.fn.max('r.started_at').as('m')).as('last_started_at')])
    .where('d.state', '=', 'active')
    .where((eb) => eb.or([
      eb('d.schedule', 'like', 'daily@%'),
      eb.and([eb('d.schedule', '=', 'continuous'), workWaiting(eb, retryFailedBefore)]),
    ]))
    .execute();
  return rows.map((r) => ({ orgId: r.org_id, id: r.id, schedule: r.schedule, timeZone: r.time_zone, lastStartedAt: (r.last_started_at as string | null) ?? null }));
}

/** Channels that collect daily, with their company's time zone and when their last run was queued. */
export async function scheduledChannelsWithLastRun(db: Db): Promise<Array<{ channel: Channel; timeZone: string; lastQueuedAt: string | null }>> {
  const rows = await db.selectFrom('channels as ch')
    .innerJoin('companies as c', 'c.id', 'ch.company_id')
    .selectAll('ch')
    .select((eb) => ['c.time_zone as company_time_zone',
      eb.selectFrom('collect_runs as r').whereRef('r.channel_id', '=', 'ch.id').select((s) => s.fn.max('r.queued_at').as('m')).as('last_queued_at')])
    .where('ch.state', 'in', ['active', 'needs_attention'])
    .execute();
  return rows.map(({ company_time_zone, last_queued_at, ...row }) => ({ channel: toChannel(row), timeZone: company_time_zone, lastQueuedAt: (last_queued_at as string | null) ?? null }));
}
