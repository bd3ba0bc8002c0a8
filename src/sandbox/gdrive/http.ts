import type { IncomingMessage, ServerResponse } from 'node:http';
import { readLimited, sendJsonBody } from '../kit/http.js';
import { badRequest, DriveError, errorBody } from './errors.js';

export { drain, resetAfter, sendContent } from '../kit/http.js';

export const sendJson = sendJsonBody;

export function sendError(res: ServerResponse, e: DriveError): void {
  const text = errorBody(e);
  res.writeHead(e.status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(text), ...e.headers });
  res.end(text);
}

export const tooLarge = (max: number) => new DriveError(413, 'uploadTooLarge', `The request is larger than ${max} bytes; use a resumable upload.`);

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readLimited(req, 1024 * 1024);
  if (body === 'too-large') throw tooLarge(1024 * 1024);
  if (!Buffer.isBuffer(body) || body.length === 0) return {};
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw badRequest('The request body is not a JSON object.');
}
