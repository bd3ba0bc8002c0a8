import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { freePort } from './net.js';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Why a suite is skipped when the machine has no rclone. */
export const RCLONE_MISSING = 'rclone not found on PATH: install the Debian package rclone to run the WebDAV tests';

export interface TestWebdav {
  /** WebDAV base URL, with a Nextcloud-like path so prefix handling is exercised. */
  url: string;
  username: string;
  password: string;
  /** The folder on disk that the server exposes. */
  dir: string;
  stop(): Promise<void>;
}

/** The path prefix the server is mounted under, like Nextcloud's per-user files endpoint. */
const BASE_PATH = '/remote.php/dav/files/tester/';

async function onPath(binary: string): Promise<string | null> {
  for (const folder of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, binary);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

async function waitUntilAnswering(child: ChildProcess, url: string, auth: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`rclone exited before it answered (code ${child.exitCode}):\n${log()}`);
    }
    try {
      const res = await fetch(url, { method: 'PROPFIND', headers: { Authorization: auth, Depth: '0' } });
      await res.body?.cancel();
      if (res.status === 207) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`rclone serve webdav did not answer at ${url} within 15 s:\n${log()}`);
}

/**
 * Starts `rclone serve webdav` on 127.0.0.1 over a fresh temporary folder, with Basic auth;
 * returns null when rclone is not installed, so callers can skip, outside CI only: CI installs it
 * and runs every test, so there a missing rclone fails instead.
 */
export async function startWebdav(): Promise<TestWebdav | null> {
  const rclone = await onPath('rclone');
  if (!rclone) {
    if (process.env.CI) throw new Error(`${RCLONE_MISSING}. CI runs every test, so rclone is required there.`);
    return null;
  }
  const home = await mkdtemp(join(tmpdir(), 'dossier-webdav-'));
  const dir = join(home, 'files');
  try {
    await mkdir(dir);
    const port = await freePort();
    const username = 'dossier';
    const password = randomBytes(12).toString('hex');
    const child = spawn(rclone, [
      'serve', 'webdav', dir,
      '--addr', `127.0.0.1:${port}`,
      '--baseurl', BASE_PATH,
      '--user', username,
      '--pass', password,
      // Never read or write the user's own rclone configuration.
      '--config', join(home, 'rclone.conf'),
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-4000); });
    const url = `http://127.0.0.1:${port}${BASE_PATH}`;
    const auth = 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
    await waitUntilAnswering(child, url, auth, () => log);
    return {
      url,
      username,
      password,
      dir,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        }
        await rm(home, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(home, { recursive: true, force: true });
    throw e;
  }
}
