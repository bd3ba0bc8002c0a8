import type { Logger } from 'pino';
import { DomainError, invalidSettings } from '../domain/errors.js';
import { CHANNEL_KINDS, OAUTH_CHANNEL_KINDS, type ChannelKind } from '../domain/channels.js';
import type { Language } from '../domain/documents.js';
import { TIME_OF_DAY } from '../domain/schedules.js';
import type { ConnectorDefinition, MailboxConnector, MailboxDefinition, StorageConnector } from '../connectors/connector.js';
import { mailOptionsInput, mergeMailOptions, type MailOptionsInput } from './email/options.js';
import type { Db } from '../catalog/db.js';
import { getCompany } from '../catalog/organizations.js';
import { afterCommit } from '../catalog/unit-of-work.js';
import { getUser } from '../catalog/users.js';
import { deleteConnectionSecrets, insertConnection } from '../catalog/destinations.js';
import { insertChannelAddress, mailboxOfChannel, ownerOfMailbox } from '../catalog/channel-addresses.js';
import { isMailbox, mailboxFromName } from '../domain/mailboxes.js';
import { insertSignInMailbox, mailServerOf, type MailServerPatch, type MailServerView, type MailSignIn } from './email/mailbox-settings.js';
import { changeMailServer } from './email/server-change.js';
import {
  findBinderByName, getBinder, getChannel, insertBinder, listChannels, updateChannel, insertChannel,
  type Binder, type Channel, type ChannelPatch,
} from '../catalog/channels.js';

export interface ChannelDeps {
  db: Db;
  log: Logger;
  /** The connector kinds of this installation. */
  definitions: Map<string, ConnectorDefinition>;
  /** Encrypts the secret fields of a server's settings. */
  seal(secrets: Record<string, unknown>): string;
  /** Opens the channel's source (its connection, rooted at its folder). */
  connect(orgId: string, channel: Channel): Promise<StorageConnector>;
  /** The domain of channels' own addresses (DOSSIER_SMTP_DOMAIN), or null: this installation receives no mail itself. */
  intakeDomain?: string | null;
  /** How e-mail channels reach their mailbox (IMAP), and opening one. */
  mailbox: MailboxDefinition;
  /** With `given`, opens the mailbox those settings name instead of the stored ones (to try a change first). */
  openMailbox(orgId: string, channel: Channel, given?: MailboxGiven): Promise<MailboxConnector>;
  /** The providers a mailbox can be signed in to with (Microsoft 365, Gmail): XOAUTH2 instead of a password. */
  mailSignIns?: readonly MailSignIn[];
  /** Opens a sealed secret (the stored password, to keep it when a change leaves it out). */
  open?(sealed: string): Record<string, unknown>;
  /** The OAuth grant behind a connection, to revoke at its provider once the channel is removed (ConnectionService.grantToRevoke). */
  grantToRevoke?(orgId: string, connectionId: string): Promise<(() => Promise<boolean>) | null>;
}

/** A mailbox's settings and secrets not stored yet, and the connection they are for. */
export interface MailboxGiven { settings: Record<string, unknown>; secrets: Record<string, unknown>; connectionId: string }

/** What storing a server's details needs of its kind: a folder server's or a mailbox's. */
type ServerKind = Pick<ConnectorDefinition, 'kind' | 'title' | 'settings' | 'secrets'>;

export interface NewChannelInput {
  companyId: string;
  name: string;
  kind: ChannelKind;
  recipientId: string;
  /** An existing binder of the company, or the name of one (created when missing). */
  binderId?: string;
  binderName?: string;
  /** The source folder; for a local folder required, for the others chosen by the client if left out. */
  folder?: string | null;
  /** SFTP or WebDAV server details, when the accountant already has them (then no invitation is needed). */
  settings?: Record<string, unknown> | null;
  collectAt: string;
  moveCollected: boolean;
  clientEmail?: string | null;
  clientName?: string | null;
  clientLanguage?: Language | null;
  /** E-mail without IMAP settings: the mailbox of the channel's own address (acme-purchases); made from the name when left out. */
  mailbox?: string | null;
  /** An e-mail channel's allow-list, policy for other senders, and what to do with collected messages. */
  mail?: MailOptionsInput | null;
  /** E-mail: sign in to the mailbox with this provider (microsoft-mail, gmail) instead of a password. */
  signIn?: string | null;
}

export type ChannelUpdate = Partial<Pick<NewChannelInput, 'name' | 'recipientId' | 'binderId' | 'binderName' | 'collectAt' | 'moveCollected' | 'clientEmail' | 'clientName' | 'clientLanguage' | 'mail'>>
  & { settings?: MailServerPatch };

/** Create, change, pause and remove channels; whoever calls has been checked for configure_collection. */
export class ChannelService {
  constructor(private readonly deps: ChannelDeps) {}

  private definition(kind: string): ConnectorDefinition {
    if (!(CHANNEL_KINDS as readonly string[]).includes(kind)) throw new DomainError('invalid_input', `"${kind}" is not a channel type. Choose one of: ${CHANNEL_KINDS.join(', ')}.`, { reason: 'choice_unknown', params: { field: 'kind', values: kind, choices: CHANNEL_KINDS.join(', ') } });
    const def = this.deps.definitions.get(kind);
    if (!def) throw new DomainError('invalid_input', `Channel type "${kind}" is not available in this installation.`, { reason: 'kind_unavailable', params: { kind } });
    return def;
  }

  async binderFor(orgId: string, companyId: string, binderId?: string, binderName?: string): Promise<Binder> {
    if (binderId) {
      const binder = await getBinder(this.deps.db, orgId, binderId);
      if (binder.companyId !== companyId) throw new DomainError('invalid_input', `Binder ${binderId} belongs to another company: choose one of this company's binders.`, { reason: 'binder_other_company', params: { id: binderId } });
      return binder;
    }
    const name = binderName?.trim();
    if (!name) throw new DomainError('invalid_input', 'Give the destination binder: binderId, or binderName to use (or create) a binder by name.', { reason: 'binder_missing' });
    return (await findBinderByName(this.deps.db, orgId, companyId, name)) ?? insertBinder(this.deps.db, orgId, companyId, name);
  }

  private async checkRecipient(orgId: string, userId: string): Promise<void> {
    await getUser(this.deps.db, orgId, userId).catch(() => {
      throw new DomainError('invalid_input', `The recipient ${userId} is not a user of this organization: choose one from GET /v1/users.`, { reason: 'recipient_not_user', params: { id: userId } });
    });
  }

  private checkTime(at: string): void {
    if (!TIME_OF_DAY.test(at)) throw new DomainError('invalid_input', `The collection time "${at}" is not understood: write HH:MM on the 24-hour clock, such as 06:30.`, { reason: 'collect_time_invalid', params: { value: at } });
  }

  async create(orgId: string, userId: string | null, input: NewChannelInput): Promise<Channel> {
    if (input.kind === 'email' && !input.settings && !input.signIn) return this.createAddressChannel(orgId, userId, input);
    if (input.signIn && input.kind !== 'email') throw new DomainError('invalid_input', 'Signing in to a mailbox is for e-mail channels only.', { reason: 'mail_sign_in_email_only' });
    if (input.mailbox) throw new DomainError('invalid_input', 'A mailbox is chosen for e-mail channels without IMAP settings only.', { reason: 'mailbox_for_email_only' });
    if (input.kind === 'email') return this.createMailChannel(orgId, userId, input);
    const def = this.definition(input.kind);
    await getCompany(this.deps.db, orgId, input.companyId);
    await this.checkRecipient(orgId, input.recipientId);
    this.checkTime(input.collectAt);
    if (input.kind === 'local' && !input.folder?.startsWith('/')) {
      // A client must never pick paths on this server: a local folder is the accountant's choice.
      throw new DomainError('invalid_input', 'A local folder channel needs its folder, as an absolute path on this server, such as /srv/scans/acme.', { reason: 'local_folder_missing' });
    }
    if (input.settings && !['sftp', 'webdav'].includes(input.kind)) throw new DomainError('invalid_input', 'Server settings are given for SFTP and WebDAV channels only; the client connects the others.', { reason: 'server_settings_not_here' });
    const ready = input.kind === 'local' || !!input.settings;
    if (!ready && !input.clientEmail) throw new DomainError('invalid_input', 'Give the client\'s e-mail address (clientEmail): Dossier sends the client a link to connect the folder.', { reason: 'client_email_missing' });
    // A server is tried before anything is written: the request's writes are one transaction
    // (with its audit entry), and a dead server may take its whole time-out to answer.
    const hostKey = input.settings ? await this.tryNewServer(def, input.name, input.settings) : null;
    const binder = await this.binderFor(orgId, input.companyId, input.binderId, input.binderName);
    const connectionId = input.settings
      ? await this.serverConnection(orgId, def, input.name, { ...input.settings, ...(hostKey && !input.settings.hostKeySha256 && { hostKeySha256: hostKey }) })
      : null;
    const folder = input.kind === 'local' ? input.folder! : input.settings ? String(input.settings.root ?? input.folder ?? '') : input.folder ?? null;
    const channel = await insertChannel(this.deps.db, orgId, {
      companyId: input.companyId, name: input.name, kind: input.kind, connectionId, folder, recipientId: input.recipientId, binderId: binder.id,
      collectAt: input.collectAt, moveCollected: input.moveCollected, clientEmail: input.clientEmail ?? null, clientName: input.clientName ?? null,
      clientLanguage: input.clientLanguage ?? null, createdBy: userId, state: ready ? 'active' : 'waiting_for_client',
    });
    // A local folder is tried now (instantly); a server was tried above.
    return this.testNew(orgId, channel, input.kind === 'local');
  }

  /** tryServer for a channel being made: what went wrong said as for a channel, with its host key to pin. */
  private async tryNewServer(def: ConnectorDefinition, name: string, settings: Record<string, unknown>): Promise<string | null> {
    try {
      return (await this.tryServer(def, settings)).hostKeySha256;
    } catch (e) {
      if (e instanceof DomainError) throw e;
      throw new DomainError('invalid_input', `Dossier could not read the folder of "${name}": ${(e as Error).message}`, { reason: 'unreachable', params: { name, detail: (e as Error).message } });
    }
  }

  /** A channel that can be collected from at once is tried now; one that cannot be reached is not kept. */
  private async testNew(orgId: string, channel: Channel, ready: boolean): Promise<Channel> {
    if (ready) {
      try {
        await this.test(orgId, channel);
      } catch (e) {
        channel = await updateChannel(this.deps.db, orgId, channel.id, { state: 'removed', stateReason: 'Could not be reached when it was created.' });
        throw e;
      }
    }
    return channel;
  }

  /**
   * An e-mail channel with an address of its own at DOSSIER_SMTP_DOMAIN: active at once (mail
   * sent to it is filed as it comes), no client to invite. A chosen mailbox must be free; one
   * made from the name gets a random suffix, made again in the unlikely case it is taken.
   */
  private async createAddressChannel(orgId: string, userId: string | null, input: NewChannelInput): Promise<Channel> {
    const domain = this.deps.intakeDomain;
    if (!domain) throw new DomainError('invalid_input', 'This installation receives no mail itself (DOSSIER_SMTP_INBOUND and DOSSIER_SMTP_DOMAIN are not set): give the settings of an IMAP mailbox instead.', { reason: 'no_inbound_mail' });
    const chosen = input.mailbox?.trim().toLowerCase();
    if (chosen && !isMailbox(chosen)) {
      throw new DomainError('invalid_input', `"${chosen}" cannot be the first part of an address: use lower-case letters, digits, dots, dashes and underscores, such as acme-purchases.`, { reason: 'mailbox_invalid', params: { mailbox: chosen } });
    }
    if (chosen && await ownerOfMailbox(this.deps.db, chosen, { removedToo: true })) throw new DomainError('conflict', `The address ${chosen}@${domain} is taken; choose another.`, { reason: 'mailbox_taken', params: { address: `${chosen}@${domain}` } });
    await getCompany(this.deps.db, orgId, input.companyId);
    await this.checkRecipient(orgId, input.recipientId);
    this.checkTime(input.collectAt);
    const mail = mergeMailOptions(undefined, this.parseMailOptions(input.mail ?? {}));
    const binder = await this.binderFor(orgId, input.companyId, input.binderId, input.binderName);
    const channel = await insertChannel(this.deps.db, orgId, {
      companyId: input.companyId, name: input.name, kind: 'email', connectionId: null, folder: null, recipientId: input.recipientId, binderId: binder.id,
      collectAt: input.collectAt, moveCollected: false, clientEmail: input.clientEmail ?? null, clientName: input.clientName ?? null,
      clientLanguage: input.clientLanguage ?? null, createdBy: userId, state: 'active', options: { mail },
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await insertChannelAddress(this.deps.db, orgId, channel.id, chosen ?? mailboxFromName(input.name));
        return channel;
      } catch (e) {
        if (!(e instanceof DomainError) || e.code !== 'conflict' || chosen || attempt >= 4) {
          await updateChannel(this.deps.db, orgId, channel.id, { state: 'removed', stateReason: 'Its address could not be given.' });
          throw e;
        }
      }
    }
  }

  /** A channel's own address (acme-purchases-7kq2mx@in.example.com), or null: it has none, or this installation receives no mail. */
  async intakeAddress(orgId: string, channelId: string): Promise<string | null> {
    const mailbox = this.deps.intakeDomain ? await mailboxOfChannel(this.deps.db, orgId, channelId) : null;
    return mailbox ? `${mailbox}@${this.deps.intakeDomain}` : null;
  }

  /**
   * An e-mail channel: the accountant gives the mailbox (IMAP server, user, password or app
   * password, sealed like any server's secrets) and the senders it takes documents from; no
   * client invitation is needed.
   */
  private async createMailChannel(orgId: string, userId: string | null, input: NewChannelInput): Promise<Channel> {
    await getCompany(this.deps.db, orgId, input.companyId);
    await this.checkRecipient(orgId, input.recipientId);
    this.checkTime(input.collectAt);
    if (!input.settings) throw new DomainError('invalid_input', 'An e-mail channel needs its mailbox: settings with host, username, password (and port, tls, mailbox when not 993, TLS, INBOX).', { reason: 'email_settings_missing' });
    const provider = input.signIn ? this.deps.mailSignIns?.find((p) => p.id === input.signIn) : null;
    if (input.signIn && !provider) {
      throw new DomainError('invalid_input', `"${input.signIn}" is not a mail sign-in of this installation. Choose one of: ${(this.deps.mailSignIns ?? []).map((p) => p.id).join(', ') || '(none configured)'}.`,
        { reason: 'choice_unknown', params: { field: 'signIn', values: input.signIn, choices: (this.deps.mailSignIns ?? []).map((p) => p.id).join(', ') || '-' } });
    }
    const mail = mergeMailOptions(undefined, this.parseMailOptions(input.mail ?? {}));
    const binder = await this.binderFor(orgId, input.companyId, input.binderId, input.binderName);
    const connectionId = provider
      ? await insertSignInMailbox(this.deps.db, this.deps.mailbox, orgId, provider, input.name, input.settings)
      : await this.serverConnection(orgId, this.deps.mailbox, input.name, input.settings);
    // A mailbox to sign in to waits for the sign-in, which tries it; one with a password is tried now.
    const channel = await insertChannel(this.deps.db, orgId, {
      companyId: input.companyId, name: input.name, kind: 'email', connectionId, folder: String(input.settings.mailbox ?? 'INBOX'), recipientId: input.recipientId,
      binderId: binder.id, collectAt: input.collectAt, moveCollected: false, clientEmail: input.clientEmail ?? null, clientName: input.clientName ?? null,
      clientLanguage: input.clientLanguage ?? null, createdBy: userId, state: provider ? 'waiting_for_client' : 'active', options: { mail },
    });
    if (provider) return updateChannel(this.deps.db, orgId, channel.id, { stateReason: `Waiting for the sign-in to ${provider.title}.` });
    return this.testNew(orgId, channel, true);
  }

  private parseMailOptions(given: unknown): MailOptionsInput {
    const parsed = mailOptionsInput.safeParse(given);
    if (!parsed.success) throw new DomainError('invalid_input', `The e-mail options are not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { reason: 'email_options_invalid', params: { detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } });
    return parsed.data;
  }

  /**
   * Opens a server from its details alone and lists its folder once, storing nothing: what a
   * client's try on the invitation page may cost. Returns the host key it presented, to pin.
   */
  async tryServer(def: ConnectorDefinition, given: Record<string, unknown>): Promise<{ hostKeySha256: string | null }> {
    const parsed = this.parseServer(def, given);
    let hostKeySha256: string | null = null;
    const connector = await def.create(parsed, { pinHostKey: async (fingerprint) => { hostKeySha256 = fingerprint; } });
    try {
      for await (const _ of connector.list('')) break;
    } finally {
      await connector.close().catch(() => undefined);
    }
    return { hostKeySha256 };
  }

  private parseServer(def: ServerKind, given: Record<string, unknown>): unknown {
    const parsed = def.settings.safeParse(given);
    if (!parsed.success) throw invalidSettings({ kind: def.kind }, `The ${def.title} settings are incomplete`, parsed.error);
    return parsed.data;
  }

  /** Stores a server's details as a connection of the channel's own; the secret fields sealed. */
  async serverConnection(orgId: string, def: ServerKind, label: string, given: Record<string, unknown>): Promise<string> {
    const settings = { ...(this.parseServer(def, given) as Record<string, unknown>) };
    delete settings.root;
    const secrets: Record<string, unknown> = {};
    for (const key of def.secrets) if (settings[key] !== undefined) { secrets[key] = settings[key]; delete settings[key]; }
    return insertConnection(this.deps.db, orgId, { kind: def.kind, label, settings, secrets: Object.keys(secrets).length ? this.deps.seal(secrets) : null });
  }

  /** Opens the source and lists its folder once (a mailbox: opens it): a wrong password or folder fails now, not tonight. */
  async test(orgId: string, channel: Channel): Promise<void> {
    if (channel.kind === 'email') {
      let box: MailboxConnector | null = null;
      try {
        box = await this.deps.openMailbox(orgId, channel);
        await box.open();
      } catch (e) {
        throw new DomainError('invalid_input', `Dossier could not open the mailbox of "${channel.name}": ${(e as Error).message}`, { reason: 'unreachable', params: { name: channel.name, detail: (e as Error).message } });
      } finally {
        await box?.close().catch(() => undefined);
      }
      return;
    }
    let connector: StorageConnector | null = null;
    try {
      connector = await this.deps.connect(orgId, channel);
      for await (const _ of connector.list('')) break;
    } catch (e) {
      throw new DomainError('invalid_input', `Dossier could not read the folder of "${channel.name}": ${(e as Error).message}`, { reason: 'unreachable', params: { name: channel.name, detail: (e as Error).message } });
    } finally {
      await connector?.close().catch(() => undefined);
    }
  }

  list(orgId: string, companyId?: string): Promise<Channel[]> {
    return listChannels(this.deps.db, orgId, { companyId });
  }

  get(orgId: string, id: string): Promise<Channel> {
    return getChannel(this.deps.db, orgId, id);
  }

  /** An IMAP channel's server, as its page shows it (no password); null for the others. */
  server(channel: Channel): Promise<MailServerView | null> {
    return mailServerOf(this.deps.db, channel);
  }

  /**
   * The mailbox of an e-mail channel was signed in to (or again): the channels that read it are
   * tried and start collecting. One that cannot open it says why and waits.
   */
  async mailboxSignedIn(orgId: string, connectionId: string): Promise<void> {
    const waiting = (await listChannels(this.deps.db, orgId, {})).filter((c) => c.kind === 'email' && c.connectionId === connectionId && c.state !== 'paused');
    for (const channel of waiting) {
      try {
        await this.test(orgId, channel);
      } catch (e) {
        await updateChannel(this.deps.db, orgId, channel.id, { state: 'needs_attention', stateReason: (e as Error).message });
        throw e;
      }
      await updateChannel(this.deps.db, orgId, channel.id, { state: 'active', stateReason: null });
    }
  }

  async update(orgId: string, id: string, u: ChannelUpdate): Promise<Channel> {
    let channel = await getChannel(this.deps.db, orgId, id);
    if (u.settings && Object.keys(u.settings).length > 0) {
      await changeMailServer(this.deps, orgId, channel, u.settings);
      channel = await getChannel(this.deps.db, orgId, id);
    }
    if (u.recipientId !== undefined) await this.checkRecipient(orgId, u.recipientId);
    if (u.collectAt !== undefined) this.checkTime(u.collectAt);
    const patch: ChannelPatch = {
      name: u.name, recipientId: u.recipientId, collectAt: u.collectAt, moveCollected: u.moveCollected,
      clientEmail: u.clientEmail, clientName: u.clientName, clientLanguage: u.clientLanguage,
    };
    if (u.mail) {
      if (channel.kind !== 'email') throw new DomainError('invalid_input', 'E-mail options are for e-mail channels only.', { reason: 'email_options_email_only' });
      patch.options = { ...channel.options, mail: mergeMailOptions(channel.options.mail, this.parseMailOptions(u.mail)) };
    }
    if (u.binderId !== undefined || u.binderName !== undefined) patch.binderId = (await this.binderFor(orgId, channel.companyId, u.binderId, u.binderName)).id;
    return updateChannel(this.deps.db, orgId, id, patch);
  }

  async pause(orgId: string, id: string): Promise<Channel> {
    await getChannel(this.deps.db, orgId, id);
    return updateChannel(this.deps.db, orgId, id, { state: 'paused', stateReason: 'Paused by a user.' });
  }

  async resume(orgId: string, id: string): Promise<Channel> {
    const channel = await getChannel(this.deps.db, orgId, id);
    if (channel.state !== 'paused') return channel;
    return updateChannel(this.deps.db, orgId, id, { state: channel.connectionId || channel.kind === 'local' ? 'active' : 'waiting_for_client', stateReason: null });
  }

  /**
   * Stops collecting and forgets the credentials; what was collected, and the history, stay.
   * A grant given by sign-in (a client's drive, a Gmail mailbox) is revoked at its provider
   * once the removal is committed, where the provider allows it: not from inside the change.
   */
  async remove(orgId: string, id: string): Promise<void> {
    const channel = await getChannel(this.deps.db, orgId, id);
    const revoke = channel.connectionId ? await this.deps.grantToRevoke?.(orgId, channel.connectionId) : null;
    await updateChannel(this.deps.db, orgId, id, { state: 'removed', stateReason: 'Removed by a user.' });
    if (channel.connectionId) await deleteConnectionSecrets(this.deps.db, orgId, channel.connectionId);
    if (revoke) afterCommit(() => { void revoke(); });
  }

  static isOAuth(kind: string): boolean {
    return (OAUTH_CHANNEL_KINDS as readonly string[]).includes(kind);
  }
}
