import { sql } from 'kysely';
import type { Db } from '../../src/catalog/db.js';
import { isPostgres } from '../../src/catalog/dialect.js';

/**
 * Makes the database itself refuse every audit entry (a trigger), as a failed append would:
 * a change that commits with its entry must then fail and leave nothing. With `type`, only
 * entries of that type are refused. Returns the undo.
 */
export async function refuseAuditAppends(db: Db, type?: string): Promise<() => Promise<void>> {
  const when = type ? sql` WHEN (NEW.type = ${sql.lit(type)})` : sql``;
  if (isPostgres(db)) {
    await sql`CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit append refused'; END $$ LANGUAGE plpgsql`.execute(db);
    await sql`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entries FOR EACH ROW${when} EXECUTE FUNCTION refuse_audit()`.execute(db);
    return async () => { await sql`DROP TRIGGER refuse_audit ON audit_entries`.execute(db); await sql`DROP FUNCTION refuse_audit()`.execute(db); };
  }
  await sql`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entries FOR EACH ROW${when} BEGIN SELECT RAISE(ABORT, 'audit append refused'); END`.execute(db);
  return async () => { await sql`DROP TRIGGER refuse_audit`.execute(db); };
}
