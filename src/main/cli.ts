import { writeSync } from 'node:fs';
import { CommanderError } from 'commander';
import { createContext } from '../cli/context.js';
import { describeFailure } from '../cli/output.js';
import { buildProgram } from '../cli/program.js';
import type { Deps } from './deps.js';

/** Help and version output are not failures, and commander has already printed them. */
const alreadyShown = (e: unknown) => e instanceof CommanderError && ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(e.code);

async function buildCliDeps(): Promise<Deps> {
  // Loaded on first use, so `--help` starts fast and `serve` builds its own deps.
  const [{ loadConfig }, { createLogger }, { buildDeps }] = await Promise.all([
    import('../config/config.js'), import('../log/log.js'), import('./deps.js'),
  ]);
  const config = loadConfig();
  // Logs go to stderr: stdout carries the command's result. No worker: a one-shot command runs
  // its own work in the foreground and must not start the server's queued jobs.
  return buildDeps({ config, log: createLogger(config.logLevel, process.stderr), worker: false });
}

/** `dossier ...`: runs one command against the same data folder and database as the server. */
async function runCli(argv: string[]): Promise<{ code: number; keepAlive: boolean }> {
  // Known before parsing, so that even a usage error is reported as JSON when JSON was asked for.
  const json = argv.slice(2).includes('--json');
  let readOrg: () => string | undefined = () => undefined;
  const ctx = createContext({
    buildDeps: buildCliDeps,
    env: process.env,
    notice: (text) => { writeSync(process.stderr.fd, text + '\n'); }, // at once: the first start shows its credentials before it commits
  }, () => readOrg());
  const program = buildProgram(ctx, {
    writeOut: (s) => void process.stdout.write(s),
    writeErr: (s) => void process.stderr.write(s),
  });
  readOrg = () => program.opts<{ org?: string }>().org;

  let code = 0;
  try {
    await program.parseAsync(argv);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    const failure = describeFailure(e);
    code = failure.exitCode;
    if (!alreadyShown(e)) {
      if (json) process.stdout.write(JSON.stringify({ error: { code: failure.code, message: failure.message } }) + '\n');
      else process.stderr.write(`dossier: ${failure.message}\n`);
    }
  }
  if (!ctx.keepAlive) await ctx.close().catch((e: unknown) => process.stderr.write(`dossier: ${describeFailure(e).message}\n`));
  return { code, keepAlive: ctx.keepAlive };
}

const { code, keepAlive } = await runCli(process.argv);
process.exitCode = code;
if (!keepAlive) {
  // A finished command should end even if a library left a socket or timer behind; the timer
  // itself does not keep the process alive, so a clean exit happens first.
  setTimeout(() => process.exit(code), 5_000).unref();
}
