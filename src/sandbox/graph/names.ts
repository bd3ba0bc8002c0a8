import { invalidRequest } from './errors.js';

const FORBIDDEN = /["*:<>?/\\|]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const RESERVED = /^(\.lock|desktop\.ini|con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
/** Whole paths must stay below 400 characters (docs/providers/onedrive.md, "Names and limits"). */
export const MAX_PATH = 400;

/**
 * Refuses a name the way OneDrive does (docs/providers/onedrive.md, "Names and limits"): 400 invalidRequest with the
 * inner code nameContainsInvalidCharacters. Business also refuses a leading "~".
 */
export function checkName(name: string, business: boolean): void {
  const bad = (why: string) => invalidRequest(`The name "${name}" is not allowed: ${why}.`, 'nameContainsInvalidCharacters');
  if (name === '' || name === '.' || name === '..') throw bad('it is empty or a dot name');
  if (FORBIDDEN.test(name)) throw bad('it contains one of " * : < > ? / \\ |');
  if (CONTROL.test(name)) throw bad('it contains a control character');
  if (name.startsWith(' ') || name.endsWith(' ')) throw bad('it starts or ends with a space');
  if (name.endsWith('.')) throw bad('it ends with a dot');
  if (name.startsWith('~$') || (business && name.startsWith('~'))) throw bad('it starts with ~');
  if (/_vti_/i.test(name)) throw bad('it contains _vti_');
  if (RESERVED.test(name)) throw bad('it is a reserved name');
}

/** Names compare case-insensitively: "A.pdf" and "a.pdf" are the same item. */
export const nameKey = (name: string) => name.toLowerCase();

/** "x.pdf" -> "x 1.pdf", "x 2.pdf", ...: what conflictBehavior "rename" picks. */
export function renamed(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} ${n}${name.slice(dot)}` : `${name} ${n}`;
}
