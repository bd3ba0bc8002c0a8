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
