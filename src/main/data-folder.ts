import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

/**
 * The data folder holds the database, the key that decrypts every stored secret, the
 * documents and, without SMTP, mails with one-time links: for Dossier's own user only.
 * New parts are created so (folders 0700, files 0600); parts an older version or an operator
 * left readable by other users of the machine are tightened here, at start-up, with a note.
 */
const PRIVATE_FOLDER = 0o700;
const PRIVATE_FILE = 0o600;

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(4, '0');

function tighten(path: string, mode: number, log: Logger): void {
  if (!existsSync(path)) return;
  const current = statSync(path).mode & 0o777;
  if ((current & 0o077) === 0) return;
  chmodSync(path, mode);
  log.warn({ path }, `permissions of ${path} tightened from ${octal(current)} to ${octal(mode)}: it was readable by other users of this machine`);
}

export function secureDataFolder(dataDir: string, log: Logger): void {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_FOLDER });
  tighten(dataDir, PRIVATE_FOLDER, log);
  // SQLite gives its -wal and -shm files the database file's mode; existing ones are fixed too.
  for (const file of ['dossier.db', 'dossier.db-wal', 'dossier.db-shm', 'secret.key']) tighten(join(dataDir, file), PRIVATE_FILE, log);
  tighten(join(dataDir, 'blobs'), PRIVATE_FOLDER, log);
  const outbox = join(dataDir, 'outbox');
  tighten(outbox, PRIVATE_FOLDER, log);
  if (existsSync(outbox)) for (const f of readdirSync(outbox)) tighten(join(outbox, f), PRIVATE_FILE, log);
}
