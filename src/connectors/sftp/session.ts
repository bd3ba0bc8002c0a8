import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { Client, type SFTPWrapper } from 'ssh2';
import { ConnectorError } from '../connector.js';
import { classify } from './errors.js';
import type { Call } from './io.js';

/** Where and as whom to log in. */
export interface SshLogin {
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  /** Folder on the server; absolute, or relative to the login folder. */
  root: string;
}

/** How the server's host key is judged: against a pinned fingerprint, or trusted on first use. */
export interface HostKeyPolicy {
  pinned(): string | undefined;
  /** Called with the fingerprint when nothing is pinned yet; rejecting refuses the server. */
  trust(fingerprint: string): Promise<void>;
}

/** One SSH connection with its SFTP channel; `call` fails fast once the connection is gone. */
export interface Session {
  client: Client;
  sftp: SFTPWrapper;
  /** Absolute path of the connector root on the server. */
  root: string;
  readonly closed: boolean;
  call: Call;
}

export const lost = () => new ConnectorError('transient', 'The connection to the SFTP server was lost.');

/** The host key fingerprint as OpenSSH prints it: SHA-256 of the key blob, unpadded base64. */
export function fingerprint(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

function keyChanged(pinned: string, seen: string): ConnectorError {
  return new ConnectorError('permission_denied',
    `The SFTP server's host key has changed: expected ${pinned}, but the server presented ${seen}. ` +
    'This happens when the server is reinstalled, but can also mean someone is intercepting the connection. ' +
    "Ask the server's administrator to confirm the new fingerprint, then update it under Destinations.");
}

/**
 * Wraps ssh2's callback calls as promises that also reject when the connection drops: ssh2
 * silently discards requests sent on a channel that is already closed, which would otherwise
 * leave them waiting forever.
 */
function guardedCalls(): { call: Call; dropAll(): void; state: { closed: boolean } } {
  const state = { closed: false };
  const pending = new Set<(e: Error) => void>();
  const call: Call = (start) => new Promise((resolve, reject) => {
    if (state.closed) { reject(lost()); return; }
    pending.add(reject);
    try {
      start((e, value) => { pending.delete(reject); if (e) reject(e); else resolve(value); });
    } catch (e) {
      pending.delete(reject); // ssh2 throws synchronously for unsupported extensions
      reject(e);
    }
  });
  const dropAll = () => {
    state.closed = true;
    for (const reject of pending) reject(lost());
    pending.clear();
  };
  return { call, dropAll, state };
}

async function resolveRoot(sftp: SFTPWrapper, call: Call, configured: string): Promise<string> {
  const root = configured.trim().replace(/^~(\/|$)/, '');
  // SFTP resolves relative paths against the login folder; pin that down once per connection.
  const base = root.startsWith('/') ? '/' : await call<string>((done) => sftp.realpath('.', done));
  return posix.resolve(base, root || '.');
}

/** Connects, checks the host key, authenticates, opens SFTP and resolves the root folder. */
export function openSession(login: SshLogin, hostKey: HostKeyPolicy): Promise<Session> {
  return new Promise<Session>((resolve, reject) => {
    const client = new Client();
    const { call, dropAll, state } = guardedCalls();
    let refusal: Error | undefined;
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      reject(refusal ?? classify(e, '', { op: 'connect' }));
    };
    client.on('error', (e) => { fail(e); dropAll(); client.end(); });
    client.on('close', () => { fail(lost()); dropAll(); });
    client.on('ready', () => {
      client.sftp((err, sftp) => {
        if (err) { fail(err); client.end(); return; }
        sftp.on('close', () => { dropAll(); client.end(); }); // the server ended the subsystem
        resolveRoot(sftp, call, login.root).then((root) => {
          if (settled) return;
          settled = true;
          const session: Session = { client, sftp, root, call, get closed() { return state.closed; } };
          resolve(session);
        }, (e: unknown) => { fail(e); client.end(); });
      });
    });
    try {
      client.connect({
        host: login.host,
        port: login.port,
        username: login.username,
        password: login.password,
        privateKey: login.privateKey,
        passphrase: login.passphrase,
        tryKeyboard: false,
        readyTimeout: 20_000,
        // Notices a silently dead connection (NAT timeout, server reboot) within a minute.
        keepaliveInterval: 15_000,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          const seen = fingerprint(key);
          const pinned = hostKey.pinned();
          if (pinned) {
            if (seen !== pinned) refusal = keyChanged(pinned, seen);
            verify(seen === pinned);
            return;
          }
          hostKey.trust(seen).then(() => verify(true), (e: unknown) => { refusal = classify(e, ''); verify(false); });
        },
      });
      // ssh2 leaves Nagle on; small requests (READ, stat, close) sent while other data is
      // unacknowledged would then wait for the server's delayed ACK.
      client.setNoDelay(true);
    } catch (e) {
      reject(classify(e, '', { op: 'connect' })); // ssh2 throws here for an unreadable private key
    }
  });
}
