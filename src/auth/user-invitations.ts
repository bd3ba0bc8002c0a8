import { randomBytes } from 'node:crypto';
import type { Db } from '../catalog/db.js';
import { DomainError } from '../domain/errors.js';
import type { Language } from '../domain/documents.js';
import type { Right, Role } from '../domain/rights.js';
import type { Mail, Mailer } from '../mail/mailer.js';
import { fillTemplate, mailTime } from '../mail/template.js';
import { getUser, getUserWithPassword, insertUser, type User } from '../catalog/users.js';
import { insertUserInvitation, userInvitationByToken, useUserInvitation, type UserInvitation } from '../catalog/user-invitations.js';
import { assertPasswordAcceptable, setPassword } from './sessions.js';
import { sha256Hex } from './hash.js';

export interface UserInvitationDeps { db: Db; mailer: Mailer; baseUrl: string; ttlMs: number }

/** What the invited person's page shows before they choose a password. */
export interface UserInvitationView { email: string; name: string; organization: string; expiresAt: string }

const TOKEN = /^dui_[A-Za-z0-9_-]{43}$/;
/** Where the web app's page for the link is. */
export const JOIN_PATH = '/join/';

/**
 * Inviting users by e-mail: the user exists (with its role and rights) from the invitation
 * on, without a password; the mailed link's token (only its hash is kept) lets the invited
 * person choose one, once, until it expires. Then they sign in like anyone else.
 */
export class UserInvitationService {
  constructor(private readonly deps: UserInvitationDeps) {}

  async invite(orgId: string, by: string | null, u: { email: string; name: string; role: Role; rights: readonly Right[]; language: Language }): Promise<{ user: User; invitation: UserInvitation }> {
    const user = await insertUser(this.deps.db, orgId, u);
    return { user, invitation: await this.send(orgId, user.id, by, u.language) };
  }

  /** Sends (or sends again) the link; an older link for the same user stops working. */
  async send(orgId: string, userId: string, by: string | null, language: Language): Promise<UserInvitation> {
    const user = await getUser(this.deps.db, orgId, userId);
    if (user.hasPassword) throw new DomainError('conflict', `${user.email} already has a password and signs in with it: there is nothing to invite to.`, { reason: 'user_has_password', params: { email: user.email } });
    const token = `dui_${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + this.deps.ttlMs);
    const invitation = await insertUserInvitation(this.deps.db, orgId, { userId, tokenHash: sha256Hex(token), expiresAt: expiresAt.toISOString(), createdBy: by });
    const org = await this.deps.db.selectFrom('organizations').select('name').where('id', '=', orgId).executeTakeFirstOrThrow();
    const inviter = by ? (await getUser(this.deps.db, orgId, by).catch(() => null))?.name ?? null : null;
    await this.deps.mailer.send(userInvitationMail({
      to: user.email, name: user.name, organization: org.name, inviter, language, expiresAt,
      link: new URL(`${JOIN_PATH}${token}`, this.deps.baseUrl).toString(),
    }));
    return invitation;
  }

  async view(token: string): Promise<UserInvitationView> {
    const { inv, user } = await this.open(token);
    const org = await this.deps.db.selectFrom('organizations').select('name').where('id', '=', inv.orgId).executeTakeFirstOrThrow();
    return { email: user.email, name: user.name, organization: org.name, expiresAt: inv.expiresAt };
  }

  /** Sets the invited user's password and uses the link up; the page then signs in with it. */
  async accept(token: string, password: string): Promise<{ email: string }> {
    const { inv, user } = await this.open(token);
    // The password's length is checked before the link is used up, so a too short one can be retried.
    assertPasswordAcceptable(password);
    if (!(await useUserInvitation(this.deps.db, inv.id))) throw new DomainError('conflict', 'This link was just used: sign in with your e-mail address and password.', { reason: 'invitation_used' });
    await setPassword(this.deps.db, inv.orgId, inv.userId, password);
    return { email: user.email };
  }

  private async open(token: string): Promise<{ inv: UserInvitation; user: User }> {
    const inv = TOKEN.test(token) ? await userInvitationByToken(this.deps.db, sha256Hex(token)) : null;
    if (!inv) throw new DomainError('not_found', 'This link is not valid. Check that it was copied whole, or ask for a new invitation.', { reason: 'link_invalid' });
    if (inv.usedAt) throw new DomainError('conflict', 'This link was already used: sign in with your e-mail address and the password you chose.', { reason: 'invitation_used' });
    if (inv.revokedAt) throw new DomainError('conflict', 'This link was replaced by a newer one: use the link in the latest e-mail.', { reason: 'link_replaced' });
    if (Date.parse(inv.expiresAt) <= Date.now()) throw new DomainError('conflict', 'This link has expired: ask for a new invitation.', { reason: 'link_expired' });
    const user = await getUserWithPassword(this.deps.db, inv.orgId, inv.userId);
    if (!user.active) throw new DomainError('conflict', 'This user was deactivated: ask an administrator of the organization to reactivate it.', { reason: 'user_deactivated', params: { name: user.name } });
    return { inv, user };
  }
}

interface Words { subject: string; hello: string; body: string; by: string; valid: string; ignore: string }

const WORDS: Record<Language, Words> = {
  en: {
    subject: 'You are invited to {organization} on Dossier', hello: 'Hello {name},',
    body: 'You now have an account at {organization} on Dossier{by}. Choose your password here, then sign in with {email}:',
    by: ', from {inviter}', valid: 'The link works once and until {until}.', ignore: 'If you did not expect this e-mail, ignore it: without a password nobody can sign in.',
  },
  nl: {
    subject: 'U bent uitgenodigd bij {organization} op Dossier', hello: 'Beste {name},',
    body: 'U hebt nu een account bij {organization} op Dossier{by}. Kies hier uw wachtwoord en meld u daarna aan met {email}:',
    by: ', van {inviter}', valid: 'De link werkt één keer, tot {until}.', ignore: 'Verwachtte u deze e-mail niet? Negeer hem dan: zonder wachtwoord kan niemand zich aanmelden.',
  },
  fr: {
    subject: 'Vous êtes invité chez {organization} sur Dossier', hello: 'Bonjour {name},',
    body: 'Vous avez maintenant un compte chez {organization} sur Dossier{by}. Choisissez votre mot de passe ici, puis connectez-vous avec {email} :',
    by: ', de la part de {inviter}', valid: 'Le lien fonctionne une fois, jusqu\'au {until}.', ignore: 'Si vous n\'attendiez pas ce message, ignorez-le : sans mot de passe, personne ne peut se connecter.',
  },
  de: {
    subject: 'Sie sind bei {organization} auf Dossier eingeladen', hello: 'Guten Tag {name},',
    body: 'Sie haben jetzt ein Konto bei {organization} auf Dossier{by}. Wählen Sie hier Ihr Passwort und melden Sie sich dann mit {email} an:',
    by: ', von {inviter}', valid: 'Der Link funktioniert einmal, bis {until}.', ignore: 'Wenn Sie diese E-Mail nicht erwartet haben, ignorieren Sie sie: ohne Passwort kann sich niemand anmelden.',
  },
};

/** The invitation e-mail, in the language the inviter used. */
export function userInvitationMail(m: { to: string; name: string; organization: string; inviter: string | null; language: Language; link: string; expiresAt: Date }): Mail {
  const w = WORDS[m.language];
  const fill = (s: string) => fillTemplate(s, {
    organization: m.organization, name: m.name, email: m.to, by: m.inviter ? fillTemplate(w.by, { inviter: m.inviter }) : '',
    until: mailTime(m.expiresAt),
  });
  const text = [fill(w.hello), '', fill(w.body), '', m.link, '', fill(w.valid), fill(w.ignore), ''].join('\n');
  return { to: m.to, subject: fill(w.subject), text };
}
