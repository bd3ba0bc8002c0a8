import { ImapFlow, type MessageStructureObject } from 'imapflow';
import libqp from 'libqp';
import { ConnectorError, type CallOptions, type ConnectorContext, type FetchedMessage, type MailboxConnector, type MessageOutline, type OutlinePart, type MailboxState, type TokenSource } from '../connector.js';
import { PUBLIC_ONLY } from '../kit/egress.js';
import type { ImapOAuthSettings, ImapSettings } from './index.js';

/** Silence for imapflow: its logs would carry mailbox names and addresses; failures come back as errors. */
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Ways to connect beyond the settings: `binary: false` never asks for BINARY (the path of servers without it, kept testable). */
export interface ImapOptions { binary?: boolean }

/** The leaves of a BODYSTRUCTURE, in order; an attached message is a leaf (its inside is not looked into here). */
function leaves(node: MessageStructureObject, out: OutlinePart[] = [], count = { nodes: 0 }): { parts: OutlinePart[]; nodes: number } {
  count.nodes++;
  const type = (node.type || 'text/plain').toLowerCase();
  if (node.childNodes?.length && type.startsWith('multipart/')) {
    for (const child of node.childNodes) leaves(child, out, count);
  } else {
    out.push({
      section: node.part || '1', type,
      disposition: node.disposition?.toLowerCase() || null,
      filename: node.dispositionParameters?.filename || node.parameters?.name || null,
      cid: node.id?.trim().replace(/^<|>$/g, '').trim() || null,
      encoding: node.encoding?.toLowerCase() || null, charset: node.parameters?.charset?.toLowerCase() || null, size: node.size ?? 0,
    });
  }
  return { parts: out, nodes: count.nodes };
}

/** Undoes a part's Content-Transfer-Encoding, as a MIME parser does: base64 and quoted-printable; anything else is the bytes. */
function decodePart(bytes: Buffer, encoding: string | null): Buffer {
  // Node's base64 decoder skips line breaks and other characters outside the alphabet, as a mail parser does.
  if (encoding === 'base64') return Buffer.from(bytes.toString('latin1'), 'base64');
  if (encoding === 'quoted-printable') return libqp.decode(bytes.toString('latin1'));
  return bytes;
}

/** An imapflow failure in the terms collection branches on. */
function classify(e: unknown, what: string): ConnectorError {
  if (e instanceof ConnectorError) return e;
  const err = e as { authenticationFailed?: boolean; code?: string; responseText?: string; message?: string; serverResponseCode?: string };
  const text = err.responseText || err.message || String(e);
  if (err.authenticationFailed || err.serverResponseCode === 'AUTHENTICATIONFAILED') return new ConnectorError('auth_expired', `The mail server refused the user name or password (${text}).`, undefined, { cause: e });
  if (err.serverResponseCode === 'NONEXISTENT' || /mailbox doesn't exist|unknown mailbox|not exist/i.test(text)) return new ConnectorError('not_found', `${what}: ${text}`, undefined, { cause: e });
  if (err.code === 'EGRESS_REFUSED' || err.code === 'ADDRESS_REFUSED') return new ConnectorError('permission_denied', text, undefined, { cause: e });
  return new ConnectorError('transient', `${what}: ${text}`, undefined, { cause: e });
}

/**
 * An IMAP mailbox through imapflow, over TLS (or STARTTLS, never clear text), to the address the
 * egress policy checked. Messages are read with BODY.PEEK[] so collecting does not mark them seen.
 */
export class ImapMailbox implements MailboxConnector {
  private sent = 0;
  private constructor(private readonly client: ImapFlow, readonly mailbox: string) {}

  /** With `tokens`, signs in with XOAUTH2 and the connection's access token; else with the password. */
  static async connect(s: ImapSettings | ImapOAuthSettings, context: ConnectorContext, tokens?: TokenSource, o: ImapOptions = {}): Promise<ImapMailbox> {
    const egress = context.egress ?? PUBLIC_ONLY;
    await egress.resolve(s.host).catch((e: unknown) => { throw classify(e, 'The mail server cannot be used'); });
    if (!tokens) return ImapMailbox.signIn(s, context, { user: s.username, pass: (s as ImapSettings).password }, o);
    try {
      return await ImapMailbox.signIn(s, context, { user: s.username, accessToken: await tokens.accessToken() }, o);
    } catch (e) {
      if (!(e instanceof ConnectorError) || e.kind !== 'auth_expired') throw e;
      // The server refused a token the vault thought valid: a new one, once; a grant that is gone throws auth_expired itself.
      return ImapMailbox.signIn(s, context, { user: s.username, accessToken: await tokens.accessToken({ refresh: true }) }, o);
    }
  }

  private static async signIn(s: ImapSettings | ImapOAuthSettings, context: ConnectorContext, auth: { user: string; pass?: string; accessToken?: string }, o: ImapOptions): Promise<ImapMailbox> {
    const egress = context.egress ?? PUBLIC_ONLY;
    const client = new ImapFlow({
      host: s.host, port: s.port, secure: s.tls, doSTARTTLS: s.tls ? undefined : true,
      auth: auth as { user: string; pass: string },
      // The socket goes to the address the policy checked; the certificate is still checked for the name.
      tls: { lookup: egress.lookup, ...(s.caCertificate && { ca: s.caCertificate }), minVersion: 'TLSv1.2' } as never,
      logger: quiet as never, disableAutoIdle: true, connectionTimeout: 30_000, greetingTimeout: 15_000, socketTimeout: 5 * 60_000,
      clientInfo: { name: 'Dossier' }, disableBinary: o.binary === false,
    });
    const box = new ImapMailbox(client, s.mailbox);
    // Every command goes through exec: counted, so a benchmark can show what a pass costs.
    const internal = client as unknown as { exec: (...args: unknown[]) => Promise<unknown> };
    const exec = internal.exec.bind(client);
    internal.exec = (...args: unknown[]) => { box.sent++; return exec(...args); };
    client.on('error', () => undefined); // a dropped connection fails the command in flight, which says so
    try {
      await client.connect();
    } catch (e) {
      throw classify(e, `Could not reach the mail server ${s.host}:${s.port}`);
    }
    return box;
  }

  async open(): Promise<MailboxState> {
    try {
      const m = await this.client.mailboxOpen(this.mailbox, { readOnly: false });
      return { uidValidity: Number(m.uidValidity), uidNext: m.uidNext, exists: m.exists };
    } catch (e) {
      throw classify(e, `The mailbox "${this.mailbox}" could not be opened`);
    }
  }

  async uidsAfter(afterUid: number): Promise<number[]> {
    try {
      const found = await this.client.search({ uid: `${afterUid + 1}:*` }, { uid: true });
      // "n:*" always names the last message, even when its UID is below n.
      return (found || []).filter((u) => u > afterUid).sort((a, b) => a - b);
    } catch (e) {
      throw classify(e, 'Searching the mailbox failed');
    }
  }

  async sizes(uids: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    if (uids.length === 0) return out;
    try {
      for await (const m of this.client.fetch(uids.join(','), { uid: true, size: true }, { uid: true })) out.set(m.uid, m.size ?? 0);
    } catch (e) {
      throw classify(e, 'Reading message sizes failed');
    }
    return out;
  }

  async fetch(uids: number[], opts?: CallOptions): Promise<FetchedMessage[]> {
    const out: FetchedMessage[] = [];
    if (uids.length === 0) return out;
    try {
      for await (const m of this.client.fetch(uids.join(','), { uid: true, size: true, source: true }, { uid: true })) {
        if (opts?.signal?.aborted) break;
        if (m.source) out.push({ uid: m.uid, size: m.size ?? m.source.length, source: m.source });
      }
    } catch (e) {
      throw classify(e, 'Fetching messages failed');
    }
    opts?.signal?.throwIfAborted();
    return out;
  }

  async outlines(uids: number[], opts?: CallOptions): Promise<MessageOutline[]> {
    const out: MessageOutline[] = [];
    if (uids.length === 0) return out;
    try {
      for await (const m of this.client.fetch(uids.join(','), { uid: true, size: true, headers: true, bodyStructure: true }, { uid: true })) {
        if (opts?.signal?.aborted) break;
        if (m.headers && m.bodyStructure) out.push({ uid: m.uid, size: m.size ?? 0, header: m.headers, ...leaves(m.bodyStructure) });
      }
    } catch (e) {
      throw classify(e, 'Reading the structure of messages failed');
    }
    opts?.signal?.throwIfAborted();
    return out;
  }

  async sections(uids: number[], sections: string[], encodings: Map<number, Map<string, string | null>>, opts?: CallOptions): Promise<Map<number, Map<string, Buffer>> | null> {
    const out = new Map<number, Map<string, Buffer>>();
    if (uids.length === 0) return out;
    try {
      for await (const m of this.client.fetch(uids.join(','), { uid: true, bodyParts: sections }, { uid: true, binary: true })) {
        if (opts?.signal?.aborted) break;
        const got = new Map<string, Buffer>();
        for (const section of sections) {
          const bytes = m.bodyParts?.get(section);
          if (!bytes) continue;
          got.set(section, m.binaryParts?.has(section) ? bytes : decodePart(bytes, encodings.get(m.uid)?.get(section) ?? null));
        }
        out.set(m.uid, got);
      }
    } catch (e) {
      // The server said no (a part it cannot decode for BINARY, say): those messages are fetched whole instead.
      const status = (e as { responseStatus?: string }).responseStatus;
      if (status === 'NO' || status === 'BAD') return null;
      throw classify(e, 'Fetching message parts failed');
    }
    opts?.signal?.throwIfAborted();
    return out;
  }

  async markProcessed(uids: number[], action: { action: 'move'; folder: string } | { action: 'flag'; flag: string }): Promise<void> {
    if (uids.length === 0) return;
    try {
      if (action.action === 'move') {
        if (!(await this.client.list()).some((f) => f.path === action.folder)) await this.client.mailboxCreate(action.folder);
        await this.client.messageMove(uids.join(','), action.folder, { uid: true });
      } else {
        await this.client.messageFlagsAdd(uids.join(','), [action.flag], { uid: true });
      }
    } catch (e) {
      throw classify(e, action.action === 'move' ? `Moving collected messages to "${action.folder}" failed` : 'Flagging collected messages failed');
    }
  }

  async waitForMail(timeoutMs: number, opts?: CallOptions): Promise<boolean> {
    if (!this.client.capabilities.has('IDLE')) {
      await new Promise((r) => setTimeout(r, timeoutMs));
      return false;
    }
    if (!this.client.usable) throw new ConnectorError('transient', 'The connection to the mail server is closed.');
    return new Promise<boolean>((resolve, reject) => {
      let done = false;
      const finish = (outcome: boolean | Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.client.off('exists', onExists);
        this.client.off('close', onClose);
        opts?.signal?.removeEventListener('abort', onAbort);
        if (outcome instanceof Error) { reject(outcome); return; }
        // Any next command ends the IDLE; a NOOP does it now.
        void this.client.noop().catch(() => undefined).then(() => resolve(outcome));
      };
      const onExists = (e: { count: number; prevCount: number }) => { if (e.count > e.prevCount) finish(true); };
      const onAbort = () => finish(false);
      // A dropped connection ends the wait with an error: the caller connects again, it does not IDLE on a dead socket.
      const onClose = () => finish(new ConnectorError('transient', 'The mail server closed the connection.'));
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.client.on('exists', onExists);
      this.client.on('close', onClose);
      opts?.signal?.addEventListener('abort', onAbort, { once: true });
      this.client.idle().catch((e: unknown) => finish(classify(e, 'Waiting for new mail failed')));
    });
  }

  canIdle(): boolean {
    return this.client.capabilities.has('IDLE');
  }

  commands(): number {
    return this.sent;
  }

  async close(): Promise<void> {
    await this.client.logout().catch(() => this.client.close());
  }
}
