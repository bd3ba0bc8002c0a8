import type { ExtractionResult, FieldName } from '../../src/extract/index.js';
import { normalizeIban, normalizeVatId, parseDecimal } from '../../src/extract/index.js';
import { SCORED_FIELDS, type Expected, type ScoredField } from './labelled-set.js';

/**
 * Scoring: a field is right when the reader's value means the same as the expected one
 * (amounts as numbers, VAT ids and IBANs without their spacing, names without case or
 * accents, since the PDF renderer transliterates what WinAnsi cannot print). Each field is
 * also recorded with its confidence, so the report can say how often a given confidence is
 * right: that is what makes a confidence mean something.
 */

export interface LabelledCase {
  /** Source kind it is scored under: 'ubl', 'cii', 'pdf-text', 'scan-image', 'scan-pdf'. */
  kind: string;
  name: string;
  bytes: Uint8Array;
  expected: Expected;
}

export interface FieldScore { expected: number; right: number; wrong: number; missing: number; extra: number }
export interface Observation { field: ScoredField; confidence: number; right: boolean }
/** A value that was wrong, missing or not expected, to see what to fix. */
export interface Miss { name: string; field: ScoredField; want: string | undefined; got: string | undefined }
export interface KindScore {
  kind: string; cases: number; failures: string[]; fields: Record<ScoredField, FieldScore>; observations: Observation[]; misses: Miss[];
}

export type Reader = (bytes: Uint8Array, name: string) => Promise<ExtractionResult>;

export function same(field: FieldName, a: string, b: string): boolean {
  switch (field) {
    case 'totalWithoutVat': case 'totalVat': case 'totalWithVat': case 'amountDue': {
      const x = parseDecimal(a), y = parseDecimal(b);
      if (!x || !y) return a === b;
      const s = Math.max(x.scale, y.scale);
      return x.units * 10n ** BigInt(s - x.scale) === y.units * 10n ** BigInt(s - y.scale);
    }
    case 'sellerVatId': case 'buyerVatId': return normalizeVatId(a) === normalizeVatId(b);
    case 'iban': return normalizeIban(a) === normalizeIban(b);
    case 'paymentReference': return a.replace(/[^A-Za-z0-9]/g, '').toUpperCase() === b.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
    case 'sellerName': case 'buyerName': return foldName(a) === foldName(b);
    default: return a.trim() === b.trim();
  }
}

const foldName = (s: string): string => s.normalize('NFD').replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();

/** Runs `read` over every case of one kind and scores what it returns. */
export async function scoreSource(kind: string, cases: LabelledCase[], read: Reader): Promise<KindScore> {
  const fields = Object.fromEntries(SCORED_FIELDS.map((f) => [f, { expected: 0, right: 0, wrong: 0, missing: 0, extra: 0 }])) as Record<ScoredField, FieldScore>;
  const score: KindScore = { kind, cases: 0, failures: [], fields, observations: [], misses: [] };
  for (const c of cases) {
    score.cases++;
    const result = await read(c.bytes, c.name);
    if (!result.ok) score.failures.push(`${c.name}: ${result.reason}: ${result.message}`);
    for (const field of SCORED_FIELDS) {
      const want = c.expected[field];
      const got = result.ok ? result.fields[field] : undefined;
      const s = fields[field];
      if (want === undefined) {
        if (got) {
          s.extra++;
          score.observations.push({ field, confidence: got.confidence, right: false });
          score.misses.push({ name: c.name, field, want: undefined, got: String(got.value) });
        }
        continue;
      }
      s.expected++;
      if (!got) { s.missing++; score.misses.push({ name: c.name, field, want: String(want), got: undefined }); continue; }
      const right = same(field, String(got.value), String(want));
      if (right) s.right++; else { s.wrong++; score.misses.push({ name: c.name, field, want: String(want), got: String(got.value) }); }
      score.observations.push({ field, confidence: got.confidence, right });
    }
  }
  return score;
}

/** Several kinds scored as one (the scan total over its containers). */
export function mergeScores(kind: string, scores: KindScore[]): KindScore {
  const fields = Object.fromEntries(SCORED_FIELDS.map((f) => [f, (['expected', 'right', 'wrong', 'missing', 'extra'] as const)
    .reduce((sum, k) => ({ ...sum, [k]: scores.reduce((n, s) => n + s.fields[f][k], 0) }), {} as FieldScore)])) as Record<ScoredField, FieldScore>;
  return {
    kind, cases: scores.reduce((n, s) => n + s.cases, 0), fields,
    failures: scores.flatMap((s) => s.failures), observations: scores.flatMap((s) => s.observations), misses: scores.flatMap((s) => s.misses),
  };
}

const pct = (n: number, d: number): string => (d === 0 ? '   -  ' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

/** Per-field accuracy (right / expected) for each source kind, as a Markdown table. */
export function accuracyTable(scores: KindScore[]): string {
  const head = `| field | ${scores.map((s) => `${s.kind} (${s.cases})`).join(' | ')} |`;
  const rule = `|---|${scores.map(() => '---:').join('|')}|`;
  const rows = SCORED_FIELDS.map((f) => `| ${f} | ${scores.map((s) => {
    const x = s.fields[f];
    return x.expected === 0 ? '-' : `${pct(x.right, x.expected).trim()} (${x.right}/${x.expected}${x.wrong ? `, ${x.wrong} wrong` : ''})`;
  }).join(' | ')} |`);
  const extra = `| values where none expected | ${scores.map((s) => SCORED_FIELDS.reduce((n, f) => n + s.fields[f].extra, 0)).join(' | ')} |`;
  return [head, rule, ...rows, extra].join('\n');
}

const BUCKETS: Array<[number, number]> = [[0, 0.5], [0.5, 0.7], [0.7, 0.85], [0.85, 0.95], [0.95, 1.01]];

/** How often a value given a confidence in each range was right: the calibration of the confidences. */
export function calibrationTable(scores: KindScore[]): string {
  const lines = ['| confidence | values | right |', '|---|---:|---:|'];
  const all = scores.flatMap((s) => s.observations);
  for (const [lo, hi] of BUCKETS) {
    const inBucket = all.filter((o) => o.confidence >= lo && o.confidence < hi);
    lines.push(`| ${lo.toFixed(2)}-${Math.min(hi, 1).toFixed(2)} | ${inBucket.length} | ${pct(inBucket.filter((o) => o.right).length, inBucket.length).trim()} |`);
  }
  return lines.join('\n');
}
