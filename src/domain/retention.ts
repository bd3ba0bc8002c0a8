/**
 * How long accounting documents must be kept, by country, and when a document's period ends.
 * The period starts at the end of the calendar year of the document (its date, or the day it
 * was received when that is later: GoBD counts from the end of the year it was made or
 * received), so a document of 14 March 2024 kept 10 years may go from 1 January 2035.
 */
export const RETENTION_PRESETS = {
  be: { years: 7, title: 'Belgium (7 years)' },
  de: { years: 10, title: 'Germany, GoBD (10 years)' },
  fr: { years: 10, title: 'France (10 years)' },
  nl: { years: 7, title: 'Netherlands (7 years)' },
} as const;
export type RetentionPreset = keyof typeof RETENTION_PRESETS;
export const PRESET_IDS = Object.keys(RETENTION_PRESETS) as RetentionPreset[];

/** Without a policy of its own, a company keeps its documents for the longest preset. */
export const DEFAULT_RETENTION_YEARS = 10;
export const MAX_RETENTION_YEARS = 100;

export interface RetentionPolicy { companyId: string; preset: RetentionPreset | null; years: number; legalHold: boolean; holdReason: string | null }

/** The first day (YYYY-MM-DD) on which a document may be deleted. */
export function retainedUntil(documentDate: string, receivedAt: string, years: number): string {
  const year = Math.max(Number(documentDate.slice(0, 4)), Number(receivedAt.slice(0, 4)));
  return `${String(year + years + 1).padStart(4, '0')}-01-01`;
}
