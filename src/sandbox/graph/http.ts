import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, GraphError } from './errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, e: GraphError): void {
  const text = errorBody(e);
  res.writeHead(e.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...e.headers });
  res.end(text);
}

/**
 * Reads and throws away what is left of a request body, so an early error answer reaches the
 * client instead of a reset connection (Node would otherwise close a socket with unread data).
 */
export function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    req.on('end', resolve).on('error', () => resolve()).on('close', () => resolve());
    req.resume();
  });
}

/** The whole request body; 413 past `max` bytes. Resolves null if the client went away midway. */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > max) {
        await drain(req);
        throw new GraphError(413, 'invalidRequest', `The request body is larger than ${max} bytes.`, 'maxFileSizeExceeded');
      }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    if (e instanceof GraphError) throw e;
    return null;
  }
  return req.complete ? Buffer.concat(chunks) : null;
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, 1024 * 1024);
  if (!body || body.length === 0) return {};
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new GraphError(400, 'invalidRequest', 'The request body is not a JSON object.');
}

/** Reads `bytes` of the body (or until it ends), then cuts the connection: a reset mid-upload. */
export async function resetAfter(req: IncomingMessage, bytes: number): Promise<void> {
  // Taken first: leaving the loop below destroys the request, which detaches it from its socket.
  const socket = req.socket;
  let seen = 0;
  if (bytes > 0) {
    for await (const chunk of req) {
      seen += (chunk as Buffer).length;
      if (seen >= bytes) break;
    }
  }
  socket.destroy();
}

/** Parses "bytes=a-b", "bytes=a-" and "bytes=-n" against a size; null means no usable Range. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
