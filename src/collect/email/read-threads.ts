import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { WorkerPool } from '../../extract/threads/pool.js';
import { RequestThread, threadModule, type ThreadEnd } from '../../extract/threads/thread.js';
import type { SkippedPart } from './documents.js';
import { ownsMemory, type HashedDocument, type ReadMessage, type ReadOptions } from './read-message.js';
import type { ReadReply, ReadRequest } from './read-thread.js';

/**
 * Messages are parsed in mail threads (./read-thread.ts), as many as the cores: parsing MIME
 * is the largest cost of taking in mail, so a pass parses the next messages there while this
 * thread stores and files the ones before. A thread has a heap limit: a message built to
 * exhaust it kills that thread only, and ends as malformed.
 */

/** Heap of a mail thread (V8 old generation); attachments' bytes are outside it. */
const MEMORY_MB = 512;
/** One message's parse at most: far beyond a 160 MB message on a loaded machine. */
const TIMEOUT_MS = 5 * 60_000;

const workerModule = threadModule('read-thread', import.meta.url);
let pool: WorkerPool<RequestThread<Omit<ReadRequest, 'job'>, ReadReply>> | null = null;

function threads() {
  pool ??= new WorkerPool(Math.max(1, Math.min(2, availableParallelism())),
    async (key) => new RequestThread<Omit<ReadRequest, 'job'>, ReadReply>(key, { module: workerModule, memoryMb: MEMORY_MB, died: threadDied }));
  return pool;
}

class ThreadStopped extends Error {}

function threadDied(end: ThreadEnd): Error {
  if ('error' in end && end.error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new ThreadStopped(`Reading the message needed more than ${MEMORY_MB} MB of memory and was stopped; it may be built to exhaust a mail reader.`);
  }
  return new ThreadStopped(`The thread reading the message stopped (${'error' in end ? end.error.message : `exit code ${end.exitCode}`}).`);
}

/** Bytes that came back through postMessage as a Uint8Array, as a Buffer again (no copy). */
const buffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/**
 * The message read in a mail thread. A message that kills its thread or outlasts TIMEOUT_MS is
 * malformed: taken again, it would do the same. Throws only for a failure of Dossier's own.
 */
export async function readInThread(bytes: Buffer, options: ReadOptions): Promise<ReadMessage> {
  // A copy of its own is moved to the thread (and back, dropped): the caller's bytes stay whole.
  const sent = new Uint8Array(bytes);
  try {
    const reply = await threads().run('mail', (thread) => thread.request({ bytes: sent, options }, [sent.buffer]), {
      timeoutMs: TIMEOUT_MS,
      onTimeout: () => new ThreadStopped(`Reading the message took longer than ${TIMEOUT_MS / 1000} seconds and was stopped.`),
      onAbort: () => new ThreadStopped('Reading the message was stopped.'),
    });
    if (!reply.read) throw new Error(`A mail thread could not read a message: ${reply.error}`);
    const read = reply.read;
    if (!read.ok) return read;
    const documents: HashedDocument[] = read.documents.map((d) => ({ ...d, bytes: buffer(d.bytes) }));
    return { ...read, documents, skipped: read.skipped as SkippedPart[] };
  } catch (e) {
    if (!(e instanceof ThreadStopped)) throw e;
    return { ok: false, outcome: 'malformed', reason: e.message, rawSha256: createHash('sha256').update(bytes).digest('hex') };
  }
}

/** Ends the mail threads (a finished command, a test); the next message starts them again. */
export async function closeMailThreads(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.close();
}
