import { NamespaceError, u } from './errors.js';

/** Names the desktop client ignores and the API refuses with disallowed_name (docs/providers/dropbox.md, "Names and limits"). */
const IGNORED = new Set(['desktop.ini', 'thumbs.db', '.ds_store', 'icon\r', '.dropbox', '.dropbox.attr']);
/** Longest component; counted in UTF-16 units, so symbols outside the BMP count twice, as Dropbox counts some. */
export const MAX_COMPONENT = 255;

/** Unpaired surrogates: what invalid UTF-8 in a name turns into once JSON-decoded. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Refuses a path component the way Dropbox does: backslash, DEL, NUL, a trailing space, invalid
 * UTF-8, dot names and over-long names are malformed; the ignored desktop names are disallowed.
 */
export function checkName(name: string, kind: 'lookup' | 'write'): void {
  const malformed = () => new NamespaceError(kind, u('malformed_path'));
  if (name === '' || name === '.' || name === '..') throw malformed();
  if (/[\\\u007f\u0000]/.test(name) || name.endsWith(' ') || LONE_SURROGATE.test(name)) throw malformed();
  if (name.length > MAX_COMPONENT) throw malformed();
  if (kind === 'write' && IGNORED.has(name.toLowerCase())) throw new NamespaceError('write', u('disallowed_name'));
}

/** Case-insensitive and case-preserving: path_lower is the key. */
export const nameKey = (name: string) => name.toLowerCase();

/** "x.pdf" -> "x (2).pdf", "x (3).pdf", ...: what autorename picks (docs/providers/dropbox.md, "Uploads"). */
export function autorenamed(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

/** "x.pdf" -> "x (conflicted copy).pdf": the autorename of a failed update-by-rev. */
export function conflictedCopy(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (conflicted copy)${name.slice(dot)}` : `${name} (conflicted copy)`;
}
