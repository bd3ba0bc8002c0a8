import cliProgress from 'cli-progress';
import { formatMB } from './output.js';

/** Progress of a long command: a bar for a person at a terminal, sparse lines for logs. */
export interface ProgressReporter {
  update(done: number, total: number, bytes: number): void;
  stop(): void;
}

const EVERY_MS = 5_000;

/**
 * A bar only when a person watches (stdout is a terminal and the output is not --json);
 * otherwise one line to stderr every 5 seconds, so a cron log shows the job is alive without
 * filling up with redraws, and stdout stays clean for the result.
 */
export function progressReporter(label: string, opts: { json: boolean; stdoutIsTTY?: boolean; stderr?: (s: string) => void; withBytes?: boolean }): ProgressReporter {
  const tty = opts.stdoutIsTTY ?? !!process.stdout.isTTY;
  // Off for work whose byte count is not known as it goes (an export followed from its row).
  const withBytes = opts.withBytes ?? true;
  if (tty && !opts.json) return barReporter(label, withBytes);
  const write = opts.stderr ?? ((s: string) => void process.stderr.write(s));
  let last = Date.now();
  return {
    update(done, total, bytes) {
      const now = Date.now();
      if (now - last < EVERY_MS) return;
      last = now;
      write(`${label}: ${done}/${total} files${withBytes ? `, ${formatMB(bytes)}` : ''}\n`);
    },
    stop() {},
  };
}

function barReporter(label: string, withBytes: boolean): ProgressReporter {
  const bar = new cliProgress.SingleBar({
    format: `${label} [{bar}] {value}/{total} files | ${withBytes ? '{mb} | ' : ''}{duration_formatted}`,
    stream: process.stdout,
    hideCursor: true,
    clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done, total, bytes) {
      if (!started) { bar.start(total, done, { mb: formatMB(bytes) }); started = true; return; }
      // A sync learns its total a page at a time, so the total can grow while the bar runs.
      bar.setTotal(total);
      bar.update(done, { mb: formatMB(bytes) });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
