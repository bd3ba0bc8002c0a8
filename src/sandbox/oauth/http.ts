import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request the authorization server refuses before looking at it (too large, wrong type). */
export class FormError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const MAX_FORM = 64 * 1024;

/** An application/x-www-form-urlencoded body (what token endpoints and HTML forms send), at most 64 KiB. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM) throw new FormError(413, `The request body is larger than ${MAX_FORM} bytes.`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return new URLSearchParams();
  if (type !== 'application/x-www-form-urlencoded') throw new FormError(400, 'Send the parameters as application/x-www-form-urlencoded.');
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** OAuth responses carry tokens: never cached (RFC 6749 5.1). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', Pragma: 'no-cache',
  }).end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), 'Cache-Control': 'no-store' }).end(html);
}
