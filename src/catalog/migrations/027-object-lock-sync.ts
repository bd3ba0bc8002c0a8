import type { Kysely } from 'kysely';

/**
 * Object Lock kept in step with retention (src/retention/object-lock.ts). A delivery records
 * the lock its copy is known to carry (retain-until and legal hold), as last read or set by the
 * lock pass; NULL: not known yet (copied with the lock of its upload). A destination records
 * when its copies' locks were last asked to change (set in the transaction of the retention or
 * hold change, cleared by the pass that applied it) and the pass's last failure: the marker is
 * what makes the pass survive a restart, as the in-process queue keeps no jobs.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('lock_until', 'text').execute();
  await db.schema.alterTable('deliveries').addColumn('lock_hold', 'integer').execute();
  await db.schema.alterTable('destinations').addColumn('lock_sync_due', 'text').execute();
  await db.schema.alterTable('destinations').addColumn('lock_sync_error', 'text').execute();
}
