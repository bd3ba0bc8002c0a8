import type { MailboxConnector } from '../../connectors/connector.js';
import { updateChannel } from '../../catalog/channels.js';
import { knownUids } from '../../catalog/mail-messages.js';
import type { IntakeDeps } from '../intake.js';
import type { MailOptions } from '../../domain/channels.js';
import { judgeMessage, judgeOversized, judgeRead, mailOptions, MAX_MESSAGE_BYTES, takeIn, type Judged, type MailJob, type MessageOutcome, type MailSource } from './message-intake.js';
import { assemble, planOutline, type OutlinePlan } from './outline.js';
import type { ParsedMail } from './parse.js';
import { readParsed } from './read-message.js';

/**
 * One pass over an IMAP mailbox: only messages above the channel's cursor (UIDVALIDITY:UID) are
 * looked at, and of those only the ones not taken in yet are fetched, so a pass costs a few
 * commands plus those for the new messages. The cursor moves past a message only once it, and
 * every message before it, is recorded; a message that failed for a reason of Dossier's own is
 * fetched again next pass. A new UIDVALIDITY (the mailbox was rebuilt) reads the mailbox again
 * from the start, and Message-ID + content keep what was filed from being filed again.
 */

/** Messages fetched with one command: bounded by count and by bytes, so memory stays small. */
const FETCH_COUNT = 50;
const FETCH_BYTES = 64 * 1024 * 1024;

/** `whole`: messages fetched whole (BODY.PEEK[]) rather than read from their outline and parts (./outline.ts). */
export interface PassResult { messages: number; outcomes: MessageOutcome[]; commands: number; whole: number }

/** Messages whose parts are fetched by one command: the same sections of each. */
interface Group { sections: string[]; uids: number[]; encodings: Map<number, Map<string, string | null>>; plans: Map<number, OutlinePlan & { whole: false }> }

/** A message fetched: whole, or as its parsed header and the parts that may be documents. */
type Got = { uid: number; source: Buffer } | { uid: number; mail: ParsedMail };

/**
 * Fetches a batch: the outlines in one command, then the parts wanted, one command per set of
 * sections (messages of one sender are alike: usually one or two commands), then whole in one
 * command the messages the outline cannot decide (./outline.ts says which).
 */
async function fetchBatch(box: MailboxConnector, uids: number[], opts: MailOptions, signal: AbortSignal | undefined, count: { whole: number }): Promise<Got[]> {
  const got: Got[] = [];
  const whole: number[] = [];
  if (box.outlines && box.sections && uids.length > 0) {
    const groups = new Map<string, Group>();
    for (const o of await box.outlines(uids, { signal })) {
      const plan = await planOutline(o, opts);
      if (plan.whole) { whole.push(o.uid); continue; }
      if (plan.sections.length === 0) { got.push({ uid: o.uid, mail: { ...plan.head, parts: [] } }); continue; }
      const key = plan.sections.join(' ');
      const g: Group = groups.get(key) ?? { sections: plan.sections, uids: [], encodings: new Map(), plans: new Map() };
      groups.set(key, g);
      g.uids.push(o.uid);
      g.plans.set(o.uid, plan);
      g.encodings.set(o.uid, new Map(o.parts.map((p) => [p.section, p.encoding])));
    }
    for (const g of groups.values()) {
      let parts = await box.sections(g.uids, g.sections, g.encodings, { signal });
      // The server refused the command (one message's part it cannot decode fails them all): each
      // message is asked for on its own, so only the one it refuses is fetched whole.
      if (!parts && g.uids.length > 1) {
        parts = new Map();
        for (const uid of g.uids) for (const [u, got] of await box.sections([uid], g.sections, g.encodings, { signal }) ?? []) parts.set(u, got);
      }
      for (const uid of g.uids) {
        const mail = parts?.has(uid) ? assemble(g.plans.get(uid)!, parts.get(uid)!) : null;
        // Refused by the server, or a part missing from its answer: fetched whole (if still there).
        if (mail) got.push({ uid, mail }); else whole.push(uid);
      }
    }
  } else {
    whole.push(...uids);
  }
  if (whole.length > 0) {
    count.whole += whole.length;
    for (const m of await box.fetch(whole, { signal })) got.push({ uid: m.uid, source: m.source });
  }
  return got;
}

/** Judges a message fetched; one read from its parts that the channel would make a body PDF of is fetched whole for its text. */
async function judgeGot(deps: IntakeDeps, job: MailJob, box: MailboxConnector, m: Got, source: MailSource, opts: MailOptions, signal: AbortSignal | undefined, count: { whole: number }): Promise<Judged | null> {
  if ('source' in m) return judgeMessage(deps, job, m.source, source);
  const read = await readParsed(m.mail, null, { maxAttachmentBytes: opts.maxAttachmentBytes, textFromHtml: false, fallbackFrom: null });
  if (opts.bodyToPdf && read.documents.length === 0 && m.mail.parts.length > 0) {
    count.whole++;
    const [again] = await box.fetch([m.uid], { signal });
    return again ? judgeMessage(deps, job, again.source, source) : null;
  }
  return judgeRead(deps, job, read, null, source);
}

export function parseCursor(cursor: string | null): { uidValidity: number; uid: number } | null {
  const m = /^(\d+):(\d+)$/.exec(cursor ?? '');
  return m ? { uidValidity: Number(m[1]), uid: Number(m[2]) } : null;
}

/** Splits UIDs into fetches of at most FETCH_COUNT messages and FETCH_BYTES bytes. */
function batches(uids: number[], sizes: Map<number, number>): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  let bytes = 0;
  for (const uid of uids) {
    const size = sizes.get(uid) ?? 0;
    if (cur.length > 0 && (cur.length >= FETCH_COUNT || bytes + size > FETCH_BYTES)) { out.push(cur); cur = []; bytes = 0; }
    cur.push(uid);
    bytes += size;
  }
  if (cur.length) out.push(cur);
  return out;
}

export async function collectMailbox(deps: IntakeDeps, job: MailJob, box: MailboxConnector, signal?: AbortSignal): Promise<PassResult> {
  const opts = mailOptions(job);
  const startCommands = box.commands();
  const state = await box.open({ signal });
  const cursor = parseCursor(job.channel.cursor);
  let after = cursor && cursor.uidValidity === state.uidValidity ? cursor.uid : 0;
  const outcomes: MessageOutcome[] = [];
  const found = await box.uidsAfter(after, { signal });
  const known = await knownUids(deps.db, job.channel.id, state.uidValidity, found);
  const fresh = found.filter((u) => !known.has(u));
  const processed: number[] = [];
  // Recorded: known before, taken in now, or gone. The cursor is the last UID with all before it recorded.
  const recorded = new Set(known);
  let passed = 0;
  const watermark = () => {
    while (passed < found.length && recorded.has(found[passed]!)) after = Math.max(after, found[passed++]!);
    return `${state.uidValidity}:${after}`;
  };
  const sizes = await box.sizes(fresh, { signal });
  const plan = batches(fresh, sizes).map((batch) => ({ batch, small: batch.filter((u) => (sizes.get(u) ?? 0) <= MAX_MESSAGE_BYTES) }));
  // The next fetch is on the wire while this one is judged and filed: the server and the disk work at once.
  const count = { whole: 0 };
  const fetchOf = (i: number): Promise<Got[]> | null => {
    if (i >= plan.length) return null;
    const p = fetchBatch(box, plan[i]!.small, opts, signal, count);
    p.catch(() => undefined); // awaited in its turn; a pass that stops before then must not leave it unhandled
    return p;
  };
  const fetches: Array<Promise<Got[]> | null> = [fetchOf(0)];
  // The messages of batch i are parsed while batch i - 1 waits on the disk (its fsyncs, its
  // writes); each batch is still filed, and the cursor moved, in mailbox order.
  const judgeBatch = async (i: number): Promise<{ batch: number[]; judged: Array<{ uid: number; j: Judged }> }> => {
    const { batch, small } = plan[i]!;
    const messages = new Map((await fetches[i]!).map((m) => [m.uid, m]));
    fetches[i + 1] ??= fetchOf(i + 1);
    const judged = await Promise.all(batch.map(async (uid) => {
      const source = { kind: 'imap' as const, mailbox: box.mailbox, uidValidity: state.uidValidity, uid };
      const m = messages.get(uid);
      // Gone between the search and the fetch (deleted, or moved by the client): nothing to take.
      if (!m && small.includes(uid)) return null;
      const j = m ? await judgeGot(deps, job, box, m, source, opts, signal, count) : judgeOversized(job, source, sizes.get(uid) ?? 0);
      return j ? { uid, j } : null;
    }));
    return { batch, judged: judged.filter((x) => x !== null) };
  };
  const judging = (i: number) => {
    if (i >= plan.length || signal?.aborted) return null;
    const p = judgeBatch(i);
    p.catch(() => undefined); // awaited in its turn, as the fetches are
    return p;
  };
  let next = judging(0);
  for (let i = 0; next; i++) {
    const { batch, judged } = await next;
    next = judging(i + 1);
    const taking = new Set(judged.map((x) => x.uid));
    for (const uid of batch) if (!taking.has(uid)) recorded.add(uid);
    const taken = await takeIn(deps, job, judged.map((x) => x.j));
    taken.forEach((outcome, k) => {
      const uid = judged[k]!.uid;
      outcomes.push(outcome);
      if (outcome.outcome === 'failed') return;
      recorded.add(uid);
      if (outcome.outcome !== 'held') processed.push(uid);
    });
    await updateChannel(deps.db, job.orgId, job.channel.id, { cursor: watermark() });
  }
  await updateChannel(deps.db, job.orgId, job.channel.id, { cursor: watermark() });
  if (opts.processed.action !== 'none' && processed.length > 0) await box.markProcessed(processed, opts.processed);
  return { messages: outcomes.length, outcomes, commands: box.commands() - startCommands, whole: count.whole };
}
