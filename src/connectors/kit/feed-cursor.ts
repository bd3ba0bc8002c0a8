import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { ZodType } from 'zod';

/**
 * Change-feed cursors as callers store them: "v1." + base64url of deflated JSON. The JSON names
 * the connector kind and the folder the feed is about, so a cursor handed to another folder (or
 * another kind of storage) is recognised as foreign. Deflate matters for the folder names that
 * Graph and Drive cursors carry; provider tokens and ids barely shrink.
 */
const PREFIX = 'v1.';

export function encodeFeedCursor(kind: string, dir: string, state: unknown): string {
  return PREFIX + deflateRawSync(Buffer.from(JSON.stringify({ k: kind, d: dir, s: state }))).toString('base64url');
}

/**
 * The state inside a cursor this connector made for `dir`; null for anything else (unreadable,
 * another version, another kind or folder), which the connector answers with a fresh enumeration
 * and `reset: true`, as it does when the provider invalidates its own token.
 */
export function decodeFeedCursor<T>(kind: string, dir: string, cursor: string, schema: ZodType<T>): T | null {
  if (!cursor.startsWith(PREFIX)) return null;
  try {
    const raw = JSON.parse(inflateRawSync(Buffer.from(cursor.slice(PREFIX.length), 'base64url'), { maxOutputLength: 16 * 1024 * 1024 }).toString('utf8')) as { k?: unknown; d?: unknown; s?: unknown };
    if (raw.k !== kind || raw.d !== dir) return null;
    const parsed = schema.safeParse(raw.s);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
