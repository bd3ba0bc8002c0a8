import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVE = fileURLToPath(new URL('../../src/main/serve.ts', import.meta.url));

/** `npm start` as a child process, for tests that kill it: its output so far, and waits on it. */
export interface ServerProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves once the output matches; rejects if the process ends first. */
  waitFor(pattern: RegExp): Promise<void>;
  /** Resolves when it has exited, with its exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startServerProcess(env: Record<string, string>, args: string[] = []): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVE, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DOSSIER_SANDBOX: 'off', ...env },
  });
  let out = '';
  const waiters: Array<{ pattern: RegExp; resolve(): void; reject(e: Error): void }> = [];
  const check = () => {
    for (const w of [...waiters]) if (w.pattern.test(out)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  };
  child.stdout!.on('data', (d) => { out += d; check(); });
  child.stderr!.on('data', (d) => { out += d; check(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`the server ended (${signal ?? code}) before writing ${w.pattern}: ${out}`));
      resolve({ code, signal });
    });
  });
  return {
    child, exited, output: () => out,
    waitFor: (pattern) => new Promise<void>((resolve, reject) => {
      if (pattern.test(out)) return resolve();
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`the server ended before writing ${pattern}: ${out}`));
      waiters.push({ pattern, resolve, reject });
    }),
  };
}
