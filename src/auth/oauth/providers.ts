import type { OAuthAppConfig, OAuthConfig } from '../../config/config.js';

/**
 * The OAuth providers an installation offers: which authorization server, which app, which scopes
 * and why (docs/providers/onedrive.md, google-drive.md and dropbox.md, "Sign-in and scopes"). A
 * provider is keyed by its id, which the API uses in URLs; several ids may open the same connector
 * kind (the real OneDrive and the sandbox one both open "onedrive").
 */
export interface OAuthProvider {
  id: string;
  /** The connector kind a connection of this provider opens. */
  kind: string;
  title: string;
  sandbox: boolean;
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** How a grant is given back: RFC 7009 (Google), Dropbox's own RPC, or not at all (Microsoft). */
  revocation: { type: 'rfc7009'; endpoint: string } | { type: 'dropbox'; endpoint: string } | { type: 'none'; note: string };
  app: OAuthAppConfig;
  scopes: string[];
  /**
   * What collecting from a client's folder asks for: read-only, or with write access only
   * when the channel moves collected files to a Collected subfolder.
   */
  collectScopes: { read: string[]; move: string[] };
  /** The connection settings of a collection connection (the whole drive, never an app folder). */
  collectSettings: Record<string, unknown>;
  /** Extra authorization parameters (offline access, forced consent). */
  authorizeParams: Record<string, string>;
  /** Stored with each connection and handed to the connector: the API address, the drive location. */
  connectionSettings: Record<string, unknown>;
  /** Plain http is allowed only for the in-process sandbox. */
  allowHttp: boolean;
}

export const GRAPH_SCOPE_APP_FOLDER = 'Files.ReadWrite.AppFolder';
export const GOOGLE_DRIVE_FILE = 'https://www.googleapis.com/auth/drive.file';

const MICROSOFT_NO_REVOKE = 'Microsoft has no endpoint to revoke a single refresh token; Dossier deletes its copy. '
  + 'To end the grant itself, remove Dossier under https://myapps.microsoft.com (or https://account.live.com/consent/Manage for personal accounts).';

interface Origins { microsoft: string; google: string; googleTokens: string; dropbox: string; dropboxApi: string }

const REAL: Origins = {
  microsoft: 'https://login.microsoftonline.com',
  google: 'https://accounts.google.com',
  googleTokens: 'https://oauth2.googleapis.com',
  dropbox: 'https://www.dropbox.com',
  dropboxApi: 'https://api.dropboxapi.com',
};

type Base = Pick<OAuthProvider, 'id' | 'title' | 'sandbox' | 'app' | 'connectionSettings' | 'allowHttp'>;

function onedrive(base: Base, o: Origins, tenant: string, appFolder: boolean): OAuthProvider {
  return {
    ...base, kind: 'onedrive',
    issuer: `${o.microsoft}/${tenant}/v2.0`,
    authorizationEndpoint: `${o.microsoft}/${tenant}/oauth2/v2.0/authorize`,
    tokenEndpoint: `${o.microsoft}/${tenant}/oauth2/v2.0/token`,
    revocation: { type: 'none', note: MICROSOFT_NO_REVOKE },
    // Files.ReadWrite reaches the folder the user picks; the app-folder scope only Apps/Dossier.
    // offline_access is what gets a refresh token at all.
    scopes: [appFolder ? GRAPH_SCOPE_APP_FOLDER : 'Files.ReadWrite', 'offline_access'],
    // Files.Read: the signed-in user's own files, read only; nothing of the client's is changed.
    collectScopes: { read: ['Files.Read', 'offline_access'], move: ['Files.ReadWrite', 'offline_access'] },
    authorizeParams: {},
    connectionSettings: { location: appFolder ? 'approot' : 'drive', ...base.connectionSettings },
    collectSettings: { ...base.connectionSettings, location: 'drive' },
  };
}

function gdrive(base: Base, o: Origins): OAuthProvider {
  return {
    ...base, kind: 'gdrive',
    issuer: o.google,
    authorizationEndpoint: `${o.google}/o/oauth2/v2/auth`,
    tokenEndpoint: `${o.googleTokens}/token`,
    revocation: { type: 'rfc7009', endpoint: `${o.googleTokens}/revoke` },
    // drive.file: only the files Dossier itself creates; non-sensitive, no security assessment.
    scopes: [GOOGLE_DRIVE_FILE],
    // drive.readonly reads the folder the client picks: a restricted scope, which a public app
    // may use only after Google's security assessment (see the README). Moving needs drive.
    collectScopes: { read: ['https://www.googleapis.com/auth/drive.readonly'], move: ['https://www.googleapis.com/auth/drive'] },
    collectSettings: { ...base.connectionSettings },
    // A refresh token is returned only with offline access, and only at first consent unless asked again.
    authorizeParams: { access_type: 'offline', prompt: 'consent' },
  };
}

function dropbox(base: Base, o: Origins): OAuthProvider {
  return {
    ...base, kind: 'dropbox',
    issuer: o.dropbox,
    authorizationEndpoint: `${o.dropbox}/oauth2/authorize`,
    tokenEndpoint: `${o.dropboxApi}/oauth2/token`,
    revocation: { type: 'dropbox', endpoint: `${o.dropboxApi}/2/auth/token/revoke` },
    // App-folder versus full Dropbox is a setting of the app, not a scope: register it as "App folder".
    scopes: [],
    collectScopes: { read: ['files.metadata.read', 'files.content.read'], move: ['files.metadata.read', 'files.content.read', 'files.content.write'] },
    collectSettings: { ...base.connectionSettings },
    authorizeParams: { token_access_type: 'offline' },
  };
}

/**
 * Mailboxes signed in to with OAuth (XOAUTH2): the same apps as OneDrive and Google Drive, with
 * the mail scope only. Microsoft's IMAP permission belongs to Exchange Online, not Graph, so it
 * is asked for on its own (one resource per token); offline_access gets the refresh token.
 * Google's IMAP access is the full-mail scope, https://mail.google.com/ (restricted: a public app
 * needs Google's verification). The address to sign in as is the channel's user name.
 */
export const MICROSOFT_IMAP_SCOPE = 'https://outlook.office.com/IMAP.AccessAsUser.All';
export const GMAIL_SCOPE = 'https://mail.google.com/';
export const MAIL_PROVIDERS = { microsoft: 'microsoft-mail', google: 'gmail' } as const;

/** The IMAP server a signed-in mailbox is read from, when the channel does not name another. */
export interface MailServer { host: string; port: number; tls: boolean; caCertificate?: string }

function microsoftMail(base: Base, o: Origins, tenant: string): OAuthProvider {
  const ms = onedrive(base, o, tenant, false);
  const scopes = [MICROSOFT_IMAP_SCOPE, 'offline_access'];
  return { ...ms, kind: 'email', scopes, collectScopes: { read: scopes, move: scopes }, connectionSettings: { ...base.connectionSettings }, collectSettings: { ...base.connectionSettings } };
}

function gmail(base: Base, o: Origins): OAuthProvider {
  const g = gdrive(base, o);
  return { ...g, kind: 'email', scopes: [GMAIL_SCOPE], collectScopes: { read: [GMAIL_SCOPE], move: [GMAIL_SCOPE] }, collectSettings: { ...base.connectionSettings } };
}

const OUTLOOK_IMAP: MailServer = { host: 'outlook.office365.com', port: 993, tls: true };
const GMAIL_IMAP: MailServer = { host: 'imap.gmail.com', port: 993, tls: true };

/**
 * The mail providers at other authorization servers and IMAP servers: the OAuth emulator and a
 * local Dovecot in tests. Same scopes and flows as the real ones.
 */
export function mailProvidersAt(opts: { authOrigin: string; app: OAuthAppConfig; imap: MailServer; allowHttp: boolean; idSuffix?: string }): OAuthProvider[] {
  const o: Origins = {
    microsoft: `${opts.authOrigin}/microsoft`, google: `${opts.authOrigin}/google`, googleTokens: `${opts.authOrigin}/google`,
    dropbox: `${opts.authOrigin}/dropbox`, dropboxApi: `${opts.authOrigin}/dropbox`,
  };
  const base = (id: string, title: string): Base => ({ id: id + (opts.idSuffix ?? ''), title, sandbox: false, app: opts.app, connectionSettings: { ...opts.imap }, allowHttp: opts.allowHttp });
  return [microsoftMail(base(MAIL_PROVIDERS.microsoft, 'Microsoft 365 mailbox'), o, 'common'), gmail(base(MAIL_PROVIDERS.google, 'Gmail mailbox'), o)];
}

/** The providers whose credentials the administrator configured. */
export function configuredProviders(oauth: OAuthConfig): OAuthProvider[] {
  const out: OAuthProvider[] = [];
  const base = (id: string, title: string, app: OAuthAppConfig): Base => ({ id, title, sandbox: false, app, connectionSettings: {}, allowHttp: false });
  if (oauth.onedrive) out.push(onedrive(base('onedrive', 'Microsoft OneDrive', oauth.onedrive), REAL, oauth.onedrive.tenant, oauth.onedrive.appFolder));
  if (oauth.gdrive) out.push(gdrive(base('gdrive', 'Google Drive', oauth.gdrive), REAL));
  if (oauth.dropbox) out.push(dropbox(base('dropbox', 'Dropbox', oauth.dropbox), REAL));
  // The OneDrive and Google Drive apps also sign in to mailboxes, once given the mail permission (README).
  const mail = (id: string, title: string, app: OAuthAppConfig, imap: MailServer): Base => ({ ...base(id, title, app), connectionSettings: { ...imap } });
  if (oauth.onedrive) out.push(microsoftMail(mail(MAIL_PROVIDERS.microsoft, 'Microsoft 365 mailbox', oauth.onedrive, OUTLOOK_IMAP), REAL, oauth.onedrive.tenant));
  if (oauth.gdrive) out.push(gmail(mail(MAIL_PROVIDERS.google, 'Gmail mailbox', oauth.gdrive, GMAIL_IMAP), REAL));
  return out;
}

export type SandboxKind = 'onedrive' | 'gdrive' | 'dropbox';

export interface SandboxProviderOptions {
  /** Where the sandbox authorization server is mounted, such as http://localhost:8080/sandbox/oauth. */
  authOrigin: string;
  app: OAuthAppConfig;
  /** Per kind whose API emulator is plugged in: the connection settings that point the connector at it. */
  apis: Partial<Record<SandboxKind, Record<string, unknown>>>;
}

const SANDBOX_TITLES: Record<SandboxKind, string> = { onedrive: 'OneDrive (sandbox)', gdrive: 'Google Drive (sandbox)', dropbox: 'Dropbox (sandbox)' };

/** "OneDrive (sandbox)" and friends: the same flows against the in-process emulators. */
export function sandboxProviders(opts: SandboxProviderOptions): OAuthProvider[] {
  const o: Origins = {
    microsoft: `${opts.authOrigin}/microsoft`, google: `${opts.authOrigin}/google`, googleTokens: `${opts.authOrigin}/google`,
    dropbox: `${opts.authOrigin}/dropbox`, dropboxApi: `${opts.authOrigin}/dropbox`,
  };
  const make = { onedrive: (b: Base) => onedrive(b, o, 'common', false), gdrive: (b: Base) => gdrive(b, o), dropbox: (b: Base) => dropbox(b, o) };
  return (Object.entries(opts.apis) as Array<[SandboxKind, Record<string, unknown>]>).map(([kind, settings]) => make[kind]({
    id: `${kind}-sandbox`, title: SANDBOX_TITLES[kind], sandbox: true, app: opts.app, connectionSettings: settings, allowHttp: true,
  }));
}
