import { parentPort } from 'node:worker_threads';
import { ownsMemory, readMessage, type ReadMessage, type ReadOptions } from './read-message.js';

/**
 * A mail thread: parses messages (./read-message.ts) away from the thread that stores and
 * files them. A bug or an input nobody foresaw still gets an answer, and the thread stays usable.
 */

export interface ReadRequest { job: number; bytes: Uint8Array; options: ReadOptions }
export interface ReadReply { job: number; read: ReadMessage | null; error?: string }

parentPort?.on('message', (request: ReadRequest) => {
  const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
  const reply = (r: Omit<ReadReply, 'job'>) => {
    // Moved, not copied, where a buffer is the whole of its memory (attachments are; small ones may share a pool).
    const moved = new Set<ArrayBuffer>();
    for (const d of r.read?.ok ? r.read.documents : []) if (ownsMemory(d.bytes)) moved.add(d.bytes.buffer as ArrayBuffer);
    parentPort!.postMessage({ job: request.job, ...r } satisfies ReadReply, [...moved]);
  };
  void readMessage(bytes, request.options).then(
    (read) => reply({ read }),
    (e: unknown) => reply({ read: null, error: e instanceof Error ? e.message : String(e) }),
  );
});
