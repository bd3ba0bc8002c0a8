import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from './db.js';

/**
 * One pass at a time per destination or channel, across processes (the server, a CLI run, a
 * second worker): a lease with an expiry, so a process killed mid-run does not block the next
 * one for long. A lease whose holder was a process on this machine that no longer exists is
 * taken over at once instead of waiting for it to expire.
 */
export type LeasedTable = 'destinations' | 'channels';

/** This process, as a lease holder: host, pid, and a random part against pid reuse. */
export const LEASE_OWNER = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

async function tryLease(db: Db, table: LeasedTable, id: string, owner: string, ttlMs: number): Promise<boolean> {
  const at = new Date();
  const res = await db.updateTable(table).set({ lease_owner: owner, lease_until: new Date(at.getTime() + ttlMs).toISOString() })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', at.toISOString()), eb('lease_owner', '=', owner)]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** False only for a holder known to be gone: a process of this machine that no longer runs. */
export function holderAlive(holder: string): boolean {
  const [host, pid] = holder.split(':');
  return host !== hostname() || !pid || processAlive(Number(pid));
}

/** Takes or renews the lease; false when a live holder has it. */
export async function acquireLease(db: Db, table: LeasedTable, id: string, ttlMs: number, owner = LEASE_OWNER): Promise<boolean> {
  if (await tryLease(db, table, id, owner, ttlMs)) return true;
  const row = await db.selectFrom(table).select('lease_owner').where('id', '=', id).executeTakeFirst();
  const holder = row?.lease_owner ?? null;
  if (!holder || holderAlive(holder)) return false;
  const res = await db.updateTable(table).set({ lease_owner: owner, lease_until: new Date(Date.now() + ttlMs).toISOString() })
    .where('id', '=', id).where('lease_owner', '=', holder).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * How long until the lease can be taken by someone else: 0 when it is free, lapsed, or held by a
 * process of this machine that is gone. Used to wait for a holder on another machine to run out.
 */
export async function leaseWaitMs(db: Db, table: LeasedTable, id: string, at = Date.now()): Promise<number> {
  const row = await db.selectFrom(table).select(['lease_owner', 'lease_until']).where('id', '=', id).executeTakeFirst();
  if (!row?.lease_owner || !row.lease_until || !holderAlive(row.lease_owner)) return 0;
  return Math.max(0, Date.parse(row.lease_until) - at);
}

export async function releaseLease(db: Db, table: LeasedTable, id: string, owner = LEASE_OWNER): Promise<void> {
  await db.updateTable(table).set({ lease_owner: null, lease_until: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
}
