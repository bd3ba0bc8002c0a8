import { LANGUAGES, type Language } from '../domain/documents.js';

/**
 * The template of a mail in the reader's language: every mail Dossier sends (invitations,
 * reminders, alerts) keeps one per language and picks it here, so an unknown or missing
 * language falls back the same way everywhere (to English).
 */
export function inLanguage<T>(byLanguage: Readonly<Record<Language, T>>, language: string | null | undefined): { language: Language; words: T } {
  const chosen = (LANGUAGES as readonly string[]).includes(language ?? '') ? language as Language : 'en';
  return { language: chosen, words: byLanguage[chosen] };
}

const SIGN_OFF: Record<Language, string> = { en: 'Kind regards,', nl: 'Met vriendelijke groeten,', fr: 'Bien cordialement,', de: 'Mit freundlichen Grüßen' };

/** The closing lines of a mail sent on the firm's behalf: a greeting in the reader's language and the firm's name. */
export const signature = (language: Language, firm: string): string => `${SIGN_OFF[language]}\n${firm}`;

/**
 * Puts values into a mail template's `{name}` places in one pass. A replacer function, not a
 * replacement string: String.replace reads `$&`, `$1` and `$$` in a replacement string as
 * patterns, which would mangle a company or person called "R&D $&" or "$1 Consulting". One pass
 * also keeps a value that happens to contain "{company}" from being filled in again. Places
 * without a value stay as they are.
 */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (place, name: string) => (Object.hasOwn(values, name) ? values[name]! : place));
}

/** A moment as mails name it: "2026-03-01 10:00 UTC", the same for every reader's time zone. */
export const mailTime = (at: Date): string => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
