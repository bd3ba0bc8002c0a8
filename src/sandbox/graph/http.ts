import type { IncomingMessage, ServerResponse } from 'node:http';
import { readLimited, sendJsonBody } from '../kit/http.js';
import { errorBody, GraphError } from './errors.js';

export { drain, parseRange, resetAfter, sendContent } from '../kit/http.js';

export const sendJson = sendJsonBody;

export function sendError(res: ServerResponse, e: GraphError): void {
  const text = errorBody(e);
  res.writeHead(e.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...e.headers });
  res.end(text);
}

/** The whole request body; 413 past `max` bytes. Resolves null if the client went away midway. */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const body = await readLimited(req, max);
  if (body === 'too-large') throw new GraphError(413, 'invalidRequest', `The request body is larger than ${max} bytes.`, 'maxFileSizeExceeded');
  return Buffer.isBuffer(body) ? body : null;
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
