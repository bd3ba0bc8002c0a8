import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { canConnect, freePort } from './net.js';

const DOVECOT = '/usr/sbin/dovecot';
const run = promisify(execFile);

/** Why a suite is skipped when the machine has no Dovecot. */
export const DOVECOT_MISSING = `${DOVECOT} not found: install the Debian package dovecot-imapd to run the IMAP tests`;

export interface TestDovecot {
  host: string;
  /** IMAP over TLS from the first byte. */
  port: number;
  username: string;
  password: string;
  /** The throw-away self-signed certificate the server presents (PEM), for the client to trust. */
  certificate: string;
  /** Where the mail is stored (Maildir), for tools that read it. */
  mailDir: string;
  stop(): Promise<void>;
}

async function waitForPort(child: ChildProcess, port: number, log: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`dovecot exited before it listened (code ${child.exitCode}):\n${await log()}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`dovecot did not listen on port ${port} within 15 s:\n${await log()}`);
}

/**
 * Starts a throw-away Dovecot on 127.0.0.1 (IMAPS only) with one user from a passwd file, a
 * fresh self-signed certificate and its mail in a temp folder, all as the current user; returns
 * null when Dovecot is not installed, so callers can skip.
 */
export async function startDovecot(o: { oauth2IntrospectionUrl?: string } = {}): Promise<TestDovecot | null> {
  if (!existsSync(DOVECOT)) return null;
  const dir = await mkdtemp(join(tmpdir(), 'dossier-dovecot-'));
  try {
    const me = userInfo();
    const username = 'collector@dossier.test';
    const password = `pw-${Math.random().toString(36).slice(2)}`;
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
    const mailDir = join(dir, 'home', 'Maildir');
    await mkdir(mailDir, { recursive: true });
    await mkdir(join(dir, 'run'), { recursive: true });
    // Dovecot never keeps mail as root: run by root (a container), the mail belongs to Dovecot's own user.
    const owner = me.uid === 0 ? { uid: Number((await run('id', ['-u', 'dovecot'])).stdout), gid: Number((await run('id', ['-g', 'dovecot'])).stdout) } : me;
    await chown(join(dir, 'home'), owner.uid, owner.gid);
    await chown(mailDir, owner.uid, owner.gid);
    await writeFile(join(dir, 'passwd'), `${username}:{PLAIN}${password}:${owner.uid}:${owner.gid}::${join(dir, 'home')}\n`);
    // The auth process runs as Dovecot's internal user: it must get through the folder to the (throw-away) passwd file.
    await chmod(dir, 0o711);
    await chmod(join(dir, 'passwd'), 0o644);
    const port = await freePort();
    const config = [
      'protocols = imap',
      'listen = 127.0.0.1',
      `base_dir = ${join(dir, 'run')}`,
      `state_dir = ${join(dir, 'state')}`,
      `log_path = ${join(dir, 'dovecot.log')}`,
      'ssl = required',
      `ssl_cert = <${join(dir, 'cert.pem')}`,
      `ssl_key = <${join(dir, 'key.pem')}`,
      `auth_mechanisms = plain login${o.oauth2IntrospectionUrl ? ' xoauth2' : ''}`,
      // Run by root (a container), the login processes still need a user of their own: Debian's package makes dovenull.
      `default_internal_user = ${me.uid === 0 ? 'dovecot' : me.username}`,
      `default_login_user = ${me.uid === 0 ? 'dovenull' : me.username}`,
      'first_valid_uid = 0',
      'mail_location = maildir:~/Maildir',
      `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN ${join(dir, 'passwd')}\n${o.oauth2IntrospectionUrl ? '  mechanisms = plain login\n' : ''}}`,
      // XOAUTH2: Dovecot asks the token introspection endpoint (RFC 7662) whether a token is active, and for whom.
      ...(o.oauth2IntrospectionUrl ? [`passdb {\n  driver = oauth2\n  mechanisms = xoauth2\n  args = ${join(dir, 'oauth2.conf')}\n}`] : []),
      `userdb {\n  driver = passwd-file\n  args = ${join(dir, 'passwd')}\n}`,
      `service imap-login {\n  inet_listener imap {\n    port = 0\n  }\n  inet_listener imaps {\n    port = ${port}\n    ssl = yes\n  }\n}`,
      'service anvil {\n  chroot =\n}',
      'service imap-login {\n  chroot =\n}',
      'service stats {\n  unix_listener stats-writer {\n    mode = 0666\n  }\n}',
      'protocol imap {\n  mail_max_userip_connections = 100\n}',
    ];
    await writeFile(join(dir, 'dovecot.conf'), config.join('\n') + '\n');
    if (o.oauth2IntrospectionUrl) {
      await writeFile(join(dir, 'oauth2.conf'), [
        'introspection_mode = post', `introspection_url = ${o.oauth2IntrospectionUrl}`,
        'username_attribute = username', 'active_attribute = active', 'active_value = true', '',
      ].join('\n'));
      await chmod(join(dir, 'oauth2.conf'), 0o644);
    }
    const child = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
    await waitForPort(child, port, async () => `${err}\n${await readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '')}`);
    return {
      host: '127.0.0.1', port, username, password, certificate: await readFile(join(dir, 'cert.pem'), 'utf8'), mailDir,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        }
        if (!process.env.KEEP) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
