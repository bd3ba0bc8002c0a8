import type { Db } from '../catalog/db.js';
import type { AlertService } from './service.js';

/**
 * The daily digest: once a day at the configured hour (UTC), every organization's users who
 * chose it get the last 24 hours in numbers. The day sent is remembered per process only; a
 * second worker process sends its own digest, so run the digest in one process (the server).
 */
export async function digestCounts(db: Db, orgId: string, since: string): Promise<{ backedUp: number; received: number; toReview: number }> {
  const one = async (q: Promise<{ n: string | number | bigint } | undefined>) => Number((await q)?.n ?? 0);
  return {
    backedUp: await one(db.selectFrom('deliveries').select((eb) => eb.fn.countAll().as('n')).where('org_id', '=', orgId).where('state', '=', 'synced')
      .where('synced_at', '>=', since).executeTakeFirst() as Promise<{ n: number } | undefined>),
    received: await one(db.selectFrom('inbox_items').select((eb) => eb.fn.countAll().as('n')).where('org_id', '=', orgId).where('created_at', '>=', since)
      .executeTakeFirst() as Promise<{ n: number } | undefined>),
    toReview: await one(db.selectFrom('inbox_items').select((eb) => eb.fn.countAll().as('n')).where('org_id', '=', orgId).where('status', '!=', 'done')
      .executeTakeFirst() as Promise<{ n: number } | undefined>),
  };
}

export function startDigests(o: { db: Db; alerts: AlertService; hour: number; clock?: () => Date; onError(err: unknown): void }): { stop(): void } {
  let lastDay = '';
  const tick = async () => {
    const at = o.clock?.() ?? new Date();
    const day = at.toISOString().slice(0, 10);
    if (at.getUTCHours() !== o.hour || day === lastDay) return;
    lastDay = day;
    const since = new Date(at.getTime() - 24 * 3_600_000).toISOString();
    for (const org of await o.db.selectFrom('organizations').select('id').execute()) {
      await o.alerts.sendDigests(org.id, await digestCounts(o.db, org.id, since));
    }
  };
  const timer = setInterval(() => void tick().catch(o.onError), 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
