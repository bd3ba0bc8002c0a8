import { afterCommit } from '../catalog/unit-of-work.js';
import { CommanderError, type Command } from 'commander';
import { DomainError } from '../domain/errors.js';
import { ConnectorError } from '../connectors/connector.js';
import { UsageError, globals } from './context.js';

/**
 * Everything a command prints goes through here: with --json exactly one JSON document on
 * stdout, else lines for people. Failures go to stderr as one line (stdout with --json).
 */
export interface Printer {
  json: boolean;
  /** The command's result: `data` as JSON, or `human(data)` as text. */
  result<T>(data: T, human: (data: T) => string | string[]): void;
  /** A hint for people, on stderr; left out with --json. */
  note(text: string): void;
}

export function printer(json: boolean, io: { out(s: string): void; err(s: string): void }): Printer {
  return {
    json,
    result(data, human) {
      if (json) { io.out(JSON.stringify(data, null, 2) + '\n'); return; }
      const text = human(data);
      const lines = Array.isArray(text) ? text : [text];
      if (lines.length) io.out(lines.join('\n') + '\n');
    },
    note(text) {
      // A script reading --json output wants the result only, not advice.
      if (!json) io.err(text + '\n');
    },
  };
}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export interface Failure { code: string; message: string; exitCode: number }

/** Turns anything thrown into the code, the one-line message and the exit code the user sees. */
export function describeFailure(e: unknown): Failure {
  if (e instanceof UsageError) return { code: 'usage', message: e.message, exitCode: EXIT.usage };
  if (e instanceof CommanderError) {
    return { code: 'usage', message: e.message.replace(/^error: /, ''), exitCode: e.exitCode === 0 ? EXIT.ok : EXIT.usage };
  }
  if (e instanceof DomainError) return { code: e.code, message: oneLine(e.message), exitCode: EXIT.failure };
  if (e instanceof ConnectorError) return { code: e.kind, message: oneLine(e.message), exitCode: EXIT.failure };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'failed', message: oneLine(message) || 'The command failed without saying why.', exitCode: EXIT.failure };
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();

/** A plain text table: columns padded to their widest cell. */
export function table(header: string[], rows: Array<Array<string | number | null | undefined>>): string[] {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

export function formatMB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A size in the unit that keeps it short: 812 KB, 3.4 GB. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes, unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${unit === 0 || value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

const stdio = { out: (s: string) => void process.stdout.write(s), err: (s: string) => void process.stderr.write(s) };

/** The printer for a command, from its --json flag (which may be given before or after the command). */
export function printerFor(cmd: Command): Printer {
  const p = printer(globals(cmd).json, stdio);
  // The result is kept on the command: the audit trail names the object a command made (cli/audit-trail.ts).
  // An audited command's result is printed once its change and entry are committed: never for a change rolled back.
  return { ...p, result: (data, human) => { resultOf.set(cmd, data); afterCommit(() => p.result(data, human)); } };
}

const resultOf = new WeakMap<Command, unknown>();

/** What the command printed as its result, if anything. */
export function commandResult(cmd: Command): unknown {
  return resultOf.get(cmd);
}
