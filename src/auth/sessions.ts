import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import type { Db } from '../catalog/db.js';
import { deleteExpiredSessions, deleteSession, deleteSessionsOfUser, findSession, insertSession, touchSession } from '../catalog/sessions.js';
import { getUser, getUserWithPassword, setPasswordHash, usersByEmail, type UserWithPassword } from '../catalog/users.js';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';
import { assertActive, type Principal } from './api-keys.js';
import { sha256Hex } from './hash.js';

/**
 * Browser sessions. The cookie holds a random id; the database holds only its SHA-256. A
 * session ends after IDLE_MS without use, and at the latest MAX_AGE_MS after sign-in.
 * Mutations made with the cookie must carry a CSRF token derived from the session id, which a
 * page of another site can neither read nor compute.
 */
export const SESSION_COOKIE = 'dossier_session';
export const CSRF_HEADER = 'x-csrf-token';
export const IDLE_MS = 12 * 3_600_000;
export const MAX_AGE_MS = 14 * 24 * 3_600_000;
const TOUCH_EVERY_MS = 5 * 60_000;

export const csrfTokenFor = (sessionId: string) => createHash('sha256').update(`csrf:${sessionId}`).digest('base64url');

export interface SessionPrincipal extends Principal { sessionHash: string }

export function checkCsrf(sessionId: string, header: string | undefined): boolean {
  const expected = Buffer.from(csrfTokenFor(sessionId));
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The user whose e-mail and password these are, or null. Every path costs one scrypt, found or not. */
export async function checkCredentials(db: Db, email: string, password: string): Promise<UserWithPassword | null> {
  // A deactivated user cannot sign in: their password is checked as if they had none.
  const candidates = (await usersByEmail(db, email)).filter((u) => u.passwordHash && u.active);
  if (candidates.length === 0) { await verifyPassword(password, null); return null; }
  for (const u of candidates) if (await verifyPassword(password, u.passwordHash)) return u;
  return null;
}

export async function startSession(db: Db, user: { id: string; orgId: string }): Promise<{ sessionId: string; csrfToken: string; expiresAt: string }> {
  const sessionId = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + IDLE_MS).toISOString();
  await insertSession(db, { idHash: sha256Hex(sessionId), orgId: user.orgId, userId: user.id, expiresAt });
  // Expired rows are cleared now and then; a sign-in is a rare enough moment.
  await deleteExpiredSessions(db);
  return { sessionId, csrfToken: csrfTokenFor(sessionId), expiresAt };
}

export async function authenticateSession(db: Db, sessionId: string): Promise<SessionPrincipal> {
  const idHash = sha256Hex(sessionId);
  const row = sessionId.length === 43 ? await findSession(db, idHash) : null;
  const now = Date.now();
  if (!row || Date.parse(row.expiresAt) <= now || Date.parse(row.createdAt) + MAX_AGE_MS <= now) {
    if (row) await deleteSession(db, idHash);
    throw new DomainError('unauthorized', 'Your session has ended: sign in again.', { reason: 'session_ended' });
  }
  if (now - Date.parse(row.lastSeenAt) > TOUCH_EVERY_MS) {
    await touchSession(db, idHash, new Date(Math.min(now + IDLE_MS, Date.parse(row.createdAt) + MAX_AGE_MS)).toISOString());
  }
  const user = await getUser(db, row.orgId, row.userId);
  assertActive(user);
  return { orgId: row.orgId, userId: row.userId, keyId: null, admin: user.role === 'admin', rights: user.rights, sessionHash: idHash };
}

export async function endSession(db: Db, sessionId: string): Promise<void> {
  await deleteSession(db, sha256Hex(sessionId));
}

export function assertPasswordAcceptable(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new DomainError('invalid_input', `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`, { reason: 'password_too_short', params: { min: MIN_PASSWORD_LENGTH } });
}

/** Sets a user's password (an admin's initial one, or the user's own change). */
export async function setPassword(db: Db, orgId: string, userId: string, password: string): Promise<void> {
  assertPasswordAcceptable(password);
  await setPasswordHash(db, orgId, userId, await hashPassword(password));
}

/** A signed-in user changes their own password; their other sessions end. */
export async function changePassword(db: Db, p: { orgId: string; userId: string; sessionHash?: string }, current: string, next: string): Promise<void> {
  const user = await getUserWithPassword(db, p.orgId, p.userId);
  if (!(await verifyPassword(current, user.passwordHash))) throw new DomainError('forbidden', 'The current password is not right.', { reason: 'current_password_wrong' });
  await setPassword(db, p.orgId, p.userId, next);
  await deleteSessionsOfUser(db, p.orgId, p.userId, p.sessionHash);
}
