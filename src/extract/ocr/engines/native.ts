import { spawn, type ChildProcess } from 'node:child_process';
import type { OcrLanguage } from '../types.js';
import { languageKey, tidyText, type OcrEngine, type OcrWorker, type Recognized } from './engine.js';
import { wordsToText, type OcrWord } from './words.js';

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
 * Tesseract's TSV: one row per page, block, paragraph, line and word (level 1..5), each with
 * its box. Words are laid out again by position (words.ts), so columns that tesseract put in
 * separate blocks come back side by side, a wide gap between them.
 */
export function parseTsv(tsv: string): Recognized {
  const words: OcrWord[] = [];
  const lineBoxes = new Map<string, { bottom: number; height: number }>();
  let confidenceSum = 0;
  for (const row of tsv.split('\n').slice(1)) {
    const cols = row.split('\t');
    if (cols.length < 12) continue;
    const [left, top, width, height] = cols.slice(6, 10).map(Number) as [number, number, number, number];
    const lineKey = cols.slice(1, 5).join('.');
    if (cols[0] === '4') lineBoxes.set(lineKey, { bottom: top + height, height });
    if (cols[0] !== '5') continue;
    const text = cols.slice(11).join('\t').trim();
    const confidence = Number(cols[10]);
    if (!text || !(confidence >= 0)) continue;
    const line = lineBoxes.get(lineKey) ?? { bottom: top + height, height };
    words.push({ text, x0: left, x1: left + width, y0: top, y1: top + height, baseline: line.bottom, lineHeight: line.height });
    confidenceSum += confidence;
  }
  return { text: tidyText(wordsToText(words)), confidence: words.length ? confidenceSum / words.length / 100 : 0, words: words.length };
}
