import { DomainError, type ErrorReason } from './errors.js';
import { extensionOf, TYPE_FOLDER_NAMES, type CompanyFacts, type DocumentFacts } from './documents.js';
import { legalName, type NameRules } from './names.js';

/**
 * A folder layout is a template of path segments with tokens; the last segment names the file.
 * Rendering is pure and deterministic: the same document, company and rules always give the
 * same path, which is what lets the planner notice a move instead of uploading a copy.
 */
export const LAYOUT_PRESETS = {
  'company-year-type': '{company}/{year}/{type}/{file}',
  'company-year-month': '{company}/{year}/{month}/{file}',
  'company-type-year': '{company}/{type}/{year}/{file}',
} as const;
export type LayoutPreset = keyof typeof LAYOUT_PRESETS;

export const LAYOUT_TOKENS = [
  'company', 'year', 'month', 'quarter', 'date', 'type', 'account', 'number', 'counterparty', 'file',
] as const;
type Token = (typeof LAYOUT_TOKENS)[number];

const TOKEN_RE = /\{([a-z]+)\}/g;

/**
 * What is wrong with a layout (a preset name or a template), or null when it can be used: the
 * server refuses with it, and the web app checks the same as the user types.
 */
export function layoutProblem(layout: string): { message: string; why: ErrorReason } | null {
  const template = (LAYOUT_PRESETS as Record<string, string>)[layout] ?? layout;
  const segments = template.split('/');
  if (segments.some((s) => s.trim() === '')) {
    return { message: `The folder layout "${layout}" has an empty folder name; separate folders with a single "/".`, why: { reason: 'layout_empty_folder', params: { layout } } };
  }
  for (const m of template.matchAll(TOKEN_RE)) {
    if (!(LAYOUT_TOKENS as readonly string[]).includes(m[1]!)) {
      const known = LAYOUT_TOKENS.map((t) => `{${t}}`).join(', ');
      return { message: `The folder layout uses {${m[1]}}, which is not a known token. Known tokens: ${known}.`, why: { reason: 'layout_unknown_token', params: { token: `{${m[1]}}`, known } } };
    }
  }
  if (!segments.at(-1)!.includes('{file}') && !segments.at(-1)!.includes('{number}')) {
    return { message: 'The last part of a folder layout names the file: it must contain {file} or {number}.', why: { reason: 'layout_no_file' } };
  }
  return null;
}

/** Accepts a preset name or a custom template; returns the template or throws invalid_input. */
export function resolveLayout(layout: string): string {
  const problem = layoutProblem(layout);
  if (problem) throw new DomainError('invalid_input', problem.message, problem.why);
  return (LAYOUT_PRESETS as Record<string, string>)[layout] ?? layout;
}

/** The default file name: date, number and counterparty, readable in any file browser. */
export function defaultFileStem(doc: DocumentFacts): string {
  // Without a number, the original file's name (never the internal id, which means nothing to people).
  const original = doc.filename.replace(/\.[^.]*$/, '').trim();
  return [doc.date, doc.number ?? (original || doc.type), doc.counterparty].filter(Boolean).join(' ');
}

function tokenValues(doc: DocumentFacts, company: CompanyFacts): Record<Token, string> {
  const [year = '0000', month = '00'] = doc.date.split('-');
  const quarter = `Q${Math.floor((Number(month) - 1) / 3) + 1}`;
  return {
    company: company.name,
    year,
    month,
    quarter,
    date: doc.date,
    type: TYPE_FOLDER_NAMES[company.language][doc.type],
    account: doc.businessAccount ?? 'No account',
    number: doc.number ?? doc.id,
    counterparty: doc.counterparty ?? 'Unknown',
    file: defaultFileStem(doc),
  };
}

/**
 * The path, relative to the destination root, where `doc` lands. `suffix` (" (2)") is added
 * to the file name when the planner finds another document already on that path.
 */
export function renderPath(template: string, doc: DocumentFacts, company: CompanyFacts, rules: NameRules, suffix = ''): string {
  const values = tokenValues(doc, company);
  const segments = template.split('/');
  const ext = extensionOf(doc.filename);
  return segments
    .map((segment, i) => {
      const text = segment.replace(TOKEN_RE, (_, t: Token) => values[t]).trim();
      if (i < segments.length - 1) return legalName(text, rules);
      const stem = (text || doc.id) + suffix;
      return legalName(ext ? `${stem}.${ext}` : stem, rules);
    })
    .join('/');
}
