import type { Logger } from 'pino';
import type { Db } from '../catalog/db.js';
import { LANGUAGES, type Language } from '../domain/documents.js';
import { DomainError } from '../domain/errors.js';
import { alertRecipients, alertSettingsOf, closeIncident, openIncident, setAlertSettings, type AlertRecipient } from '../catalog/alerts.js';
import type { Mail, Mailer } from '../mail/mailer.js';
import { fillTemplate } from '../mail/template.js';
import type { Occurrence } from '../events/occurrences.js';
import { ALERT_WORDS, type AlertMailKind } from './words.js';

/**
 * Alerts by e-mail: one mail per incident (when a destination, channel, connection or webhook
 * endpoint starts needing attention; not again on each retry, and again only after it
 * recovered), a mail to who wants to know when a client connected their folder, and an optional
 * daily digest. Each user chooses what they receive; mails are in the user's language.
 */
export const ALERT_KINDS = ['needs_attention', 'connection_expired', 'client_connected', 'daily_digest'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** What a user receives before choosing: administrators the incidents, everyone their clients connecting. */
export function defaultKinds(role: string): AlertKind[] {
  return role === 'admin' ? ['needs_attention', 'connection_expired', 'client_connected'] : ['client_connected'];
}

export interface AlertDeps { db: Db; log: Logger; mailer: Mailer; baseUrl: string }

export interface AlertSettings { language: Language; kinds: AlertKind[]; chosen: boolean }

const languageOf = (r: { language: string | null }): Language => ((LANGUAGES as readonly string[]).includes(r.language ?? '') ? r.language as Language : 'en');

export class AlertService {
  constructor(private readonly deps: AlertDeps) {}

  async settings(orgId: string, userId: string, role: string): Promise<AlertSettings> {
    const s = await alertSettingsOf(this.deps.db, orgId, userId);
    return { language: languageOf(s), kinds: (s.kinds as AlertKind[] | null) ?? defaultKinds(role), chosen: s.kinds !== null };
  }

  async choose(orgId: string, userId: string, role: string, s: { language?: string; kinds?: string[] }): Promise<AlertSettings> {
    if (s.language && !(LANGUAGES as readonly string[]).includes(s.language)) throw new DomainError('invalid_input', `Choose a language among ${LANGUAGES.join(', ')}.`, { reason: 'choice_unknown', params: { field: 'language', values: s.language, choices: LANGUAGES.join(', ') } });
    const unknown = (s.kinds ?? []).filter((k) => !(ALERT_KINDS as readonly string[]).includes(k));
    if (unknown.length) throw new DomainError('invalid_input', `Unknown alert kinds: ${unknown.join(', ')}. Choose among ${ALERT_KINDS.join(', ')}.`, { reason: 'choice_unknown', params: { field: 'kinds', values: unknown.join(', '), choices: ALERT_KINDS.join(', ') } });
    await setAlertSettings(this.deps.db, orgId, userId, s);
    return this.settings(orgId, userId, role);
  }

  /** What alerts make of an occurrence; failures are logged, never thrown into the caller's work. */
  readonly announce = async (o: Occurrence): Promise<void> => {
    const d = o.data as Record<string, string | null | undefined>;
    switch (o.type) {
      case 'destination.needs_attention':
        return this.incident(o.orgId, 'destination', o.subject, d.name ?? o.subject, d.reason ?? '', `/destinations/${o.subject}`);
      case 'channel.needs_attention':
        return this.incident(o.orgId, 'channel', o.subject, d.name ?? o.subject, d.reason ?? '', `/collection/${o.subject}`);
      case 'connection.expired':
        return this.incident(o.orgId, 'connection', o.subject, d.label ?? o.subject, d.reason ?? '', '/integrations');
      case 'destination.recovered':
      case 'channel.recovered':
        await closeIncident(this.deps.db, o.orgId, o.subject);
        return;
      case 'channel.connected': {
        const client = d.clientName ?? d.clientEmail ?? '';
        await this.mail(o.orgId, 'client_connected', (r) => r.id === d.createdBy || r.role === 'admin', 'client_connected',
          { thing: d.name ?? o.subject, client, reason: '' }, `/collection/${o.subject}`);
        return;
      }
      default:
    }
  };

  /** A connection that works again closes its incident: a later expiry is mailed again. */
  async connectionRestored(orgId: string, connectionId: string): Promise<void> {
    await closeIncident(this.deps.db, orgId, connectionId);
  }

  /** Raised by webhook delivery after an endpoint's retry window ran out; closed when it is enabled. */
  async webhookDisabled(orgId: string, endpointId: string, url: string, reason: string): Promise<void> {
    await this.incident(orgId, 'webhook', endpointId, url, reason, '/webhooks');
  }

  async webhookEnabled(orgId: string, endpointId: string): Promise<void> {
    await closeIncident(this.deps.db, orgId, endpointId);
  }

  private async incident(orgId: string, mailKind: AlertMailKind, subject: string, thing: string, reason: string, path: string): Promise<void> {
    if (!(await openIncident(this.deps.db, orgId, mailKind, subject, reason))) return; // still the same incident: mailed already
    const kind: AlertKind = mailKind === 'connection' ? 'connection_expired' : 'needs_attention';
    await this.mail(orgId, kind, () => true, mailKind, { thing, reason }, path);
  }

  /** Mails each recipient who chose `kind` (or has it by default) and passes `who`. */
  private async mail(orgId: string, kind: AlertKind, who: (r: AlertRecipient) => boolean, mailKind: AlertMailKind, values: Record<string, string>, path: string): Promise<number> {
    let sent = 0;
    for (const r of await alertRecipients(this.deps.db, orgId)) {
      const kinds = r.kinds ?? defaultKinds(r.role);
      if (!kinds.includes(kind) || !who(r)) continue;
      try {
        await this.deps.mailer.send(this.compose(r, mailKind, values, path));
        sent++;
      } catch (err) {
        this.deps.log.error({ err, user: r.id }, 'could not send an alert mail');
      }
    }
    return sent;
  }

  private compose(r: AlertRecipient, mailKind: AlertMailKind, values: Record<string, string>, path: string): Mail {
    const w = ALERT_WORDS[languageOf(r)];
    const link = new URL(path, this.deps.baseUrl).toString();
    const fill = (s: string) => fillTemplate(s, { ...values, name: r.name, link: new URL('/account', this.deps.baseUrl).toString() });
    const text = [fill(w.hello), '', fill(w[mailKind].body), '', w.open, link, '', fill(w.settings), ''].join('\n');
    return { to: r.email, subject: fill(w[mailKind].subject), text };
  }

  /** The daily digest to who chose it: what happened in the last 24 hours and what is still open. */
  async sendDigests(orgId: string, counts: { backedUp: number; received: number; toReview: number }): Promise<number> {
    const values = { backedUp: String(counts.backedUp), received: String(counts.received), toReview: String(counts.toReview), thing: '', reason: '' };
    return this.mail(orgId, 'daily_digest', () => true, 'digest', values, '/');
  }
}
