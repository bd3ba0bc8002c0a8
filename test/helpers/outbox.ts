import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The mails the development outbox wrote (oldest first), to one address, as text: the .eml's
 * quoted-printable soft line breaks and escapes undone, so links and words read whole.
 */
export async function mailsTo(dataDir: string, email: string): Promise<string[]> {
  const dir = join(dataDir, 'outbox');
  const out: string[] = [];
  for (const f of (await readdir(dir).catch(() => [])).sort()) {
    const text = decodeQuotedPrintable(await readFile(join(dir, f), 'utf8'));
    if (new RegExp(`^To: ${email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'mi').test(text)) out.push(text);
  }
  return out;
}

function decodeQuotedPrintable(eml: string): string {
  const joined = eml.replace(/=\r?\n/g, '');
  return joined.replace(/(?:=[0-9A-F]{2})+/g, (run) => Buffer.from(run.replace(/=/g, ''), 'hex').toString('utf8'));
}

/** The client invitation links (…/connect/dci_…) of every mail in the development outbox, oldest first. */
export async function connectLinks(dataDir: string): Promise<string[]> {
  const dir = join(dataDir, 'outbox');
  const out: string[] = [];
  for (const f of (await readdir(dir).catch(() => [])).sort()) {
    out.push(...(decodeQuotedPrintable(await readFile(join(dir, f), 'utf8')).match(/http:\/\/[^\s]+\/connect\/dci_[A-Za-z0-9_-]+/g) ?? []));
  }
  return out;
}
