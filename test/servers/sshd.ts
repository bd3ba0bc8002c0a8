import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { canConnect, freePort } from './net.js';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const SSHD = '/usr/sbin/sshd';
const run = promisify(execFile);

/** Why a suite is skipped when the machine has no OpenSSH server. */
export const SSHD_MISSING = `${SSHD} not found: install the Debian package openssh-server to run the SFTP tests`;

export interface TestSshd {
  host: string;
  port: number;
  username: string;
  /** The client's private key (OpenSSH format) that the server accepts. */
  privateKey: string;
  /** A fresh, empty folder for the test to use as the connector root. */
  root: string;
  /** The server's host key fingerprint as OpenSSH prints it ("SHA256:..."). */
  hostKeySha256: string;
  /** Another fresh, empty folder, removed again by stop(). */
  newRoot(): Promise<string>;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** Extra sshd_config lines, e.g. "ForceCommand internal-sftp" to take exec away. */
  extraConfig?: string[];
}

/** OpenSSH's fingerprint: SHA-256 of the public key blob, base64 without padding. */
function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? '', 'base64');
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/**
 * Waits (briefly) for sshd's per-connection processes to finish once clients hang up. Killing
 * the listener first would leave them to an init that may not reap them (as in containers).
 */
async function waitForSessionsToEnd(pid: number | undefined): Promise<void> {
  const deadline = Date.now() + 3000;
  while (pid !== undefined && Date.now() < deadline) {
    const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
    if (children.trim() === '') return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function waitForPort(child: ChildProcess, port: number, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`sshd exited before it listened (code ${child.exitCode}):\n${log()}`);
    }
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`sshd did not listen on port ${port} within 10 s:\n${log()}`);
}

/**
 * Starts a throw-away OpenSSH server on 127.0.0.1 that accepts one freshly generated client
 * key for the current user; returns null when sshd is not installed, so callers can skip, outside
 * CI only: CI installs it and runs every test, so there a missing sshd fails instead.
 */
export async function startSshd(options: SshdOptions = {}): Promise<TestSshd | null> {
  if (!existsSync(SSHD)) {
    if (process.env.CI) throw new Error(`${SSHD_MISSING}. CI runs every test, so sshd is required there.`);
    return null;
  }
  const dir = await mkdtemp(join(tmpdir(), 'dossier-sshd-'));
  const roots: string[] = [];
  const newRoot = async () => {
    const root = await mkdtemp(join(tmpdir(), 'dossier-sftp-root-'));
    roots.push(root);
    return root;
  };
  try {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'dossier-test-host', '-f', join(dir, 'host_key')]);
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'dossier-test-client', '-f', join(dir, 'client_key')]);
    // sshd refuses to start as root without its privilege separation folder.
    await mkdir('/run/sshd', { recursive: true }).catch(() => undefined);
    const port = await freePort();
    const config = [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'client_key.pub')}`,
      'Subsystem sftp internal-sftp',
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'LogLevel ERROR',
      ...(options.extraConfig ?? []),
    ];
    await writeFile(join(dir, 'sshd_config'), config.join('\n') + '\n');
    const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-4000); });
    await waitForPort(child, port, () => log);
    const hostKeySha256 = fingerprintOf(await readFile(join(dir, 'host_key.pub'), 'utf8'));
    return {
      host: '127.0.0.1',
      port,
      username: userInfo().username,
      privateKey: await readFile(join(dir, 'client_key'), 'utf8'),
      root: await newRoot(),
      hostKeySha256,
      newRoot,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          await waitForSessionsToEnd(child.pid);
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        }
        await Promise.all([dir, ...roots].map((d) => rm(d, { recursive: true, force: true })));
      },
    };
  } catch (e) {
    await Promise.all([dir, ...roots].map((d) => rm(d, { recursive: true, force: true })));
    throw e;
  }
}
