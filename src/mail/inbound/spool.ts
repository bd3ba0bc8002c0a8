import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Who sent a spooled mail, to which of our addresses, as the SMTP session said it. */
export interface Envelope {
  /** MAIL FROM; empty for a bounce (the null sender). */
  mailFrom: string;
  /** The one RCPT TO this copy is for: a mail to two channels is spooled twice. */
  rcptTo: string;
  remoteAddress: string;
  /** EHLO/HELO name, for SPF's HELO check. */
  helo: string;
  /** Whether the session was encrypted (STARTTLS) when the mail came. */
  secure: boolean;
  receivedAt: string;
}

export interface Spooled { id: string; envelope: Envelope; path: string }

const PRIVATE_FILE = 0o600;

async function fsyncPath(path: string, flags = 'r'): Promise<void> {
  const fh = await open(path, flags);
  try { await fh.sync(); } finally { await fh.close(); }
}

/**
 * A maildir-like spool in the data folder: a mail is written under tmp/, fsynced, then renamed
 * into new/ (and new/ fsynced), before the SMTP server answers 250. A mail in new/ is handed to
 * intake until intake says it is filed; only then is it removed, so a crash anywhere after the
 * 250 leaves the mail to be handed over again at the next start.
 */
export class MailSpool {
  private readonly tmp: string;
  private readonly ready: string;
  private readonly meta: string;

  constructor(readonly dir: string) {
    this.tmp = join(dir, 'tmp');
    this.ready = join(dir, 'new');
    this.meta = join(dir, 'meta');
  }

  async open(): Promise<void> {
    for (const d of [this.dir, this.tmp, this.ready, this.meta]) await mkdir(d, { recursive: true, mode: 0o700 });
    // What a crash left half-written was never answered 250: the sender still has it.
    for (const f of await readdir(this.tmp)) await rm(join(this.tmp, f), { force: true });
  }

  /**
   * Writes the message once, then one spooled copy per recipient (hard links of the same bytes,
   * each with its envelope), all durable when this resolves. A message over `maxBytes` is read
   * to its end (the SMTP session goes on) but not written past the limit, and nothing is spooled.
   */
  async write(body: Readable, envelopes: Envelope[], maxBytes: number): Promise<Spooled[]> {
    const base = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
    const bodyTmp = join(this.tmp, `${base}.eml`);
    try {
      let bytes = 0;
      await pipeline(body, async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) { bytes += chunk.length; if (bytes <= maxBytes) yield chunk; }
      }, createWriteStream(bodyTmp, { mode: PRIVATE_FILE }));
      if (bytes > maxBytes) return [];
      await fsyncPath(bodyTmp, 'r+');
      const out: Spooled[] = [];
      for (const [i, envelope] of envelopes.entries()) {
        const id = `${base}-${i}`;
        const metaTmp = join(this.tmp, `${id}.json`);
        const fh = await open(metaTmp, 'w', PRIVATE_FILE);
        try { await fh.writeFile(JSON.stringify(envelope)); await fh.sync(); } finally { await fh.close(); }
        await rename(metaTmp, join(this.meta, `${id}.json`));
        await fsyncPath(this.meta);
        out.push({ id, envelope, path: join(this.ready, `${id}.eml`) });
      }
      // The body's rename into new/ is what makes the copies exist (meta alone is ignored, and
      // removed, at start): first one link per copy, then the directory fsynced.
      for (const s of out) await linkOrCopy(bodyTmp, s.path);
      await fsyncPath(this.ready);
      return out;
    } finally {
      await rm(bodyTmp, { force: true });
    }
  }

  /** The mails spooled but not yet filed, oldest first: at start, what a crash left. */
  async pending(): Promise<Spooled[]> {
    const names = (await readdir(this.ready)).filter((n) => n.endsWith('.eml')).sort();
    const out: Spooled[] = [];
    for (const n of names) {
      const id = n.slice(0, -4);
      try {
        out.push({ id, envelope: JSON.parse(await readFile(join(this.meta, `${id}.json`), 'utf8')) as Envelope, path: join(this.ready, n) });
      } catch {
        // A body without its envelope cannot be: the envelope is durable first. Keep it for a person to look at.
        await rename(join(this.ready, n), join(this.dir, `${id}.orphan.eml`));
      }
    }
    const known = new Set(out.map((s) => `${s.id}.json`));
    for (const m of await readdir(this.meta)) if (!known.has(m)) await rm(join(this.meta, m), { force: true });
    return out;
  }

  read(s: Spooled): Readable { return createReadStream(s.path); }

  /** Filed: the copy is gone from the spool (body first, so a crash between leaves nothing to hand over twice). */
  async done(s: Spooled): Promise<void> {
    await rm(s.path, { force: true });
    await rm(join(this.meta, `${s.id}.json`), { force: true });
  }
}

/** A hard link shares the fsynced bytes; a file system without links gets a copy, fsynced too. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try { await link(from, to); } catch { await copyFile(from, to); await fsyncPath(to, 'r+'); }
}
