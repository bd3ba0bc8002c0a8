import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request and response plumbing shared by the emulators; each wraps it with its own error body. */

export function sendJsonBody(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
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

/**
 * The whole request body, or 'too-large' past `max` bytes (the rest is drained), or what
 * arrived before the client went away as `{ partial }`.
 */
export async function readLimited(req: IncomingMessage, max: number): Promise<Buffer | 'too-large' | { partial: Buffer }> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > max) {
        await drain(req);
        return 'too-large';
      }
      chunks.push(chunk as Buffer);
    }
  } catch {
    return { partial: Buffer.concat(chunks) };
  }
  return req.complete ? Buffer.concat(chunks) : { partial: Buffer.concat(chunks) };
}

/**
 * Reads `bytes` of the body (or until it ends), then cuts the connection: a reset mid-upload.
 * Returns what was read (at most `bytes`), for servers that keep part of a cut-off upload.
 */
export async function resetAfter(req: IncomingMessage, bytes: number): Promise<Buffer> {
  // Taken first: leaving the loop below destroys the request, which detaches it from its socket.
  const socket = req.socket;
  const chunks: Buffer[] = [];
  let seen = 0;
  if (bytes > 0) {
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
      seen += (chunk as Buffer).length;
      if (seen >= bytes) break;
    }
  }
  socket.destroy();
  return Buffer.concat(chunks).subarray(0, bytes);
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

/** Answers a GET of `content` honouring Range: 200, 206 with Content-Range, or 416. */
export function sendContent(res: ServerResponse, content: Buffer, rangeHeader: string | undefined, type = 'application/octet-stream'): void {
  const size = content.length;
  const range = parseRange(rangeHeader, size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': 0 }).end();
    return;
  }
  const part = range ? content.subarray(range.start, range.end + 1) : content;
  const headers: Record<string, string | number> = { 'Content-Type': type, 'Content-Length': part.length, 'Accept-Ranges': 'bytes' };
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
  res.writeHead(range ? 206 : 200, headers).end(part);
}
