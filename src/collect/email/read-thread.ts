import { parentPort } from 'node:worker_threads';
import { readMessage, type ReadMessage, type ReadOptions } from './read-message.js';

/**
 * A mail thread: parses messages (./read-message.ts) away from the thread that stores and
 * files them. A bug or an input nobody foresaw still gets an answer, and the thread stays usable.
 */

export interface ReadRequest { job: number; bytes: Uint8Array; options: ReadOptions }
export interface ReadReply { job: number; read: ReadMessage | null; error?: string }

parentPort?.on('message', (request: ReadRequest) => {
  const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
  void readMessage(bytes, request.options).then(
    (read) => parentPort!.postMessage({ job: request.job, read } satisfies ReadReply),
    (e: unknown) => parentPort!.postMessage({ job: request.job, read: null, error: e instanceof Error ? e.message : String(e) } satisfies ReadReply),
  );
});
