import { newId } from '../domain/ids.js';
import { now, type Db } from './db.js';

/**
 * What each user wants to be mailed about, in which language, and the incidents alerts are
 * mailed for (migration 013): an incident opens when a thing needs attention and closes when it
 * recovers, so a destination failing on every retry is mailed once.
 */
export interface AlertRecipient { id: string; email: string; name: string; role: string; rights: string[]; language: string | null; kinds: string[] | null }

/** Active users of the organization, with their choices (null: never chosen, the defaults apply). */
export async function alertRecipients(db: Db, orgId: string): Promise<AlertRecipient[]> {
  const rows = await db.selectFrom('users').leftJoin('alert_preferences as p', 'p.user_id', 'users.id')
    .select(['users.id', 'users.email', 'users.name', 'users.role', 'users.rights', 'users.language', 'p.kinds'])
    .where('users.org_id', '=', orgId).where('users.deactivated_at', 'is', null).orderBy('users.created_at').execute();
  return rows.map((r) => ({
    id: r.id, email: r.email, name: r.name, role: r.role, rights: JSON.parse(r.rights) as string[], language: r.language,
    kinds: r.kinds ? (JSON.parse(r.kinds) as string[]) : null,
  }));
}

export async function alertSettingsOf(db: Db, orgId: string, userId: string): Promise<{ language: string | null; kinds: string[] | null }> {
  const r = await db.selectFrom('users').leftJoin('alert_preferences as p', 'p.user_id', 'users.id').select(['users.language', 'p.kinds'])
    .where('users.org_id', '=', orgId).where('users.id', '=', userId).executeTakeFirstOrThrow();
  return { language: r.language, kinds: r.kinds ? (JSON.parse(r.kinds) as string[]) : null };
}

export async function setAlertSettings(db: Db, orgId: string, userId: string, s: { language?: string; kinds?: string[] }): Promise<void> {
  if (s.language) await db.updateTable('users').set({ language: s.language }).where('org_id', '=', orgId).where('id', '=', userId).execute();
  if (s.kinds) {
    const kinds = JSON.stringify([...new Set(s.kinds)]);
    await db.insertInto('alert_preferences').values({ user_id: userId, org_id: orgId, kinds, updated_at: now() })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ kinds, updated_at: now() })).execute();
  }
}

/**
 * Opens an incident for the subject unless one is open; true when this call opened it. One
 * statement against the partial unique index of migration 022 (one open incident per subject):
 * of two processes opening the same incident at once, exactly one inserts, and only it mails.
 */
export async function openIncident(db: Db, orgId: string, kind: string, subjectId: string, reason: string): Promise<boolean> {
  const res = await db.insertInto('alert_incidents').values({ id: newId('inc'), org_id: orgId, kind, subject_id: subjectId, opened_at: now(), closed_at: null, reason })
    .onConflict((oc) => oc.columns(['org_id', 'subject_id']).where('closed_at', 'is', null).doNothing()).executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Closes the subject's open incident; true when there was one. */
export async function closeIncident(db: Db, orgId: string, subjectId: string): Promise<boolean> {
  const res = await db.updateTable('alert_incidents').set({ closed_at: now() }).where('org_id', '=', orgId).where('subject_id', '=', subjectId)
    .where('closed_at', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function openIncidents(db: Db, orgId: string): Promise<Array<{ kind: string; subjectId: string; openedAt: string; reason: string | null }>> {
  const rows = await db.selectFrom('alert_incidents').selectAll().where('org_id', '=', orgId).where('closed_at', 'is', null).orderBy('opened_at').execute();
  return rows.map((r) => ({ kind: r.kind, subjectId: r.subject_id, openedAt: r.opened_at, reason: r.reason }));
}
