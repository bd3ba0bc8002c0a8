import type { Client } from 'ssh2';
import { ConnectorError } from '../connector.js';
import { cancelled } from '../kit/abort.js';

/**
 * Server-side hashing with `sha256sum` over an exec channel: one round trip hashes a whole
 * batch, instead of reading every file back.
 */

/** Linux caps one argv string at 128 KiB, and the remote shell receives the command as one. */
export const MAX_COMMAND_BYTES = 100_000;

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
// /dev/null goes first: its known (empty) hash proves a real sha256sum answered. A server that
// forces sftp-only sessions runs sftp-server instead, which prints nothing and exits 0.
const PROBE = '/dev/null';
const BASE = `sha256sum -- ${PROBE}`;

/** Single-quoted for a POSIX shell; a quote inside becomes '\'' . */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Splits absolute paths into groups whose command line stays under `maxBytes`. */
export function batches(paths: string[], maxBytes = MAX_COMMAND_BYTES): string[][] {
  const out: string[][] = [];
  let batch: string[] = [];
  let bytes = BASE.length;
  for (const p of paths) {
    const len = Buffer.byteLength(shellQuote(p)) + 1;
    if (batch.length > 0 && bytes + len > maxBytes) {
      out.push(batch);
      batch = [];
      bytes = BASE.length;
    }
    batch.push(p);
    bytes += len;
  }
  if (batch.length > 0) out.push(batch);
  return out;
}

/**
 * Parses sha256sum output into name -> hash. A name holding a backslash or line break is
 * printed escaped (\\, \n, \r) and its line starts with a backslash.
 */
export function parseSha256sum(output: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of output.split('\n')) {
    const escaped = raw.startsWith('\\');
    const line = escaped ? raw.slice(1) : raw;
    const m = /^([0-9a-f]{64}) [ *](.*)$/s.exec(line);
    if (!m) continue;
    const name = escaped ? m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c)) : m[2]!;
    out.set(name, m[1]!);
  }
  return out;
}

/**
 * Runs sha256sum over one batch of absolute paths. Returns null when the server will not run
 * it (exec refused, command missing, or forced into sftp-only); missing files are simply
 * absent, since sha256sum reports them on stderr and exits 1 after hashing the rest.
 */
export function execSha256(client: Client, paths: string[], signal?: AbortSignal): Promise<Map<string, string> | null> {
  const command = [BASE, ...paths.map(shellQuote)].join(' ');
  return new Promise((resolve, reject) => {
    client.exec(command, (err, channel) => {
      if (err) {
        // A refused or failed channel on a live connection means exec is not offered here.
        resolve(null);
        return;
      }
      const out: Buffer[] = [];
      let exitCode: number | null = null;
      const onAbort = () => { channel.close(); reject(cancelled()); };
      if (signal?.aborted) { onAbort(); return; }
      signal?.addEventListener('abort', onAbort, { once: true });
      channel.on('data', (d: Buffer) => out.push(d));
      channel.stderr.on('data', () => undefined); // drained so the window never fills up
      channel.on('exit', (code: number | null) => { exitCode = code; });
      channel.on('close', () => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) { reject(cancelled()); return; }
        const hashes = parseSha256sum(Buffer.concat(out).toString('utf8'));
        if (exitCode === null) {
          reject(new ConnectorError('transient', 'The connection to the SFTP server was lost while hashing.'));
        } else if (hashes.get(PROBE) !== EMPTY_SHA256) {
          resolve(null);
        } else {
          hashes.delete(PROBE);
          resolve(hashes);
        }
      });
      // No input: a forced sftp-server sees end of file and exits instead of waiting.
      channel.end();
    });
  });
}
