import { spawn, type ChildProcess } from 'node:child_process';
import type { OcrLanguage } from '../types.js';
import { languageKey, tidyText, type OcrEngine, type OcrWorker, type Recognized } from './engine.js';

/**
 * Debian's `tesseract` command, one process per page (a separate program, so its GPL licence
 * stays out of our code). A pool slot runs one process at a time and kills it when the job is
 * cancelled or timed out. Each process is held to one thread: the pool is the parallelism,
 * and OpenMP threads fighting over the same cores only make every page slower.
 */

const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

export function nativeEngine(command = 'tesseract'): OcrEngine {
  return {
    name: 'native',
    createWorker: async (languages) => nativeSlot(command, languages),
    close: async () => {},
  };
}

/** Languages the installed command has data for, or null when it is not installed or does not run. */
export function nativeLanguages(command = 'tesseract'): Promise<Set<string> | null> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(command, ['--list-langs'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code === 0 ? new Set(out.split('\n').slice(1).map((l) => l.trim()).filter(Boolean)) : null));
  });
}

function nativeSlot(command: string, languages: readonly OcrLanguage[]): OcrWorker {
  let running: ChildProcess | null = null;
  return {
    key: languageKey(languages),
    recognize(image) {
      return new Promise<Recognized>((resolve, reject) => {
        const child = spawn(command, ['stdin', 'stdout', '-l', languageKey(languages), '--psm', '3', 'tsv'], {
          stdio: ['pipe', 'pipe', 'pipe'],
          env: { ...process.env, OMP_THREAD_LIMIT: '1' },
        });
        running = child;
        const out: Buffer[] = [];
        let size = 0, errText = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_OUTPUT_BYTES) child.kill('SIGKILL'); else out.push(chunk);
        });
        child.stderr!.on('data', (chunk: Buffer) => { if (errText.length < 2000) errText += chunk.toString('utf8'); });
        child.stdin!.on('error', () => {}); // the process may exit before reading all of a bad image
        child.on('error', reject);
        child.on('close', (code, signal) => {
          running = null;
          if (code === 0) resolve(parseTsv(Buffer.concat(out).toString('utf8')));
          else reject(new Error(`tesseract ${signal ? `was stopped (${signal})` : `exited with code ${code}`}: ${lastLine(errText)}`));
        });
        child.stdin!.end(image);
      });
    },
    async terminate() {
      running?.kill('SIGKILL');
      running = null;
    },
  };
}

const lastLine = (text: string): string => text.trim().split('\n').filter((l) => !/^Estimating resolution/.test(l)).pop() ?? 'no message';

/**
 * Tesseract's TSV: one row per page, block, paragraph, line and word (level 1..5). Words are
 * joined into lines, and a new paragraph or block starts after an empty line, as in its text output.
 */
export function parseTsv(tsv: string): Recognized {
  const lines: string[] = [];
  let current: string[] = [];
  let lineKey = '', paragraphKey = '';
  let confidenceSum = 0, words = 0;
  for (const row of tsv.split('\n').slice(1)) {
    const cols = row.split('\t');
    if (cols[0] !== '5' || cols.length < 12) continue;
    const text = cols.slice(11).join('\t').trim();
    const confidence = Number(cols[10]);
    if (!text || !(confidence >= 0)) continue;
    const para = `${cols[2]}.${cols[3]}`, line = `${para}.${cols[4]}`;
    if (line !== lineKey && current.length > 0) {
      lines.push(current.join(' '));
      current = [];
      if (para !== paragraphKey) lines.push('');
    }
    lineKey = line;
    paragraphKey = para;
    current.push(text);
    confidenceSum += confidence;
    words++;
  }
  if (current.length > 0) lines.push(current.join(' '));
  return { text: tidyText(lines.join('\n')), confidence: words ? confidenceSum / words / 100 : 0, words };
}
