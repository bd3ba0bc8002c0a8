/**
 * Making a name legal for a provider, deterministically: the same input always gives the same
 * output, so a re-run finds the file it wrote. Forbidden characters become their full-width
 * look-alikes (as rclone does), so names stay readable and distinct.
 */
export type NameRuleSet = 'posix' | 'windows' | 'dropbox' | 'gdrive' | 'webdav';

export interface NameRules {
  set: NameRuleSet;
  caseInsensitive: boolean;
  /** Longest file or folder name in UTF-8 bytes. */
  maxComponentBytes: number;
}

const FULL_WIDTH: Record<string, string> = {
  '"': '＂', '*': '＊', ':': '：', '<': '＜', '>': '＞', '?': '？', '\\': '＼', '|': '｜', '/': '／',
};

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

function replaceControls(name: string): string {
  // C0 controls and DEL map to the Unicode control pictures (U+2400 block).
  return name.replace(/[\u0000-\u001f\u007f]/g, (c) => String.fromCharCode(c === '\u007f' ? 0x2421 : 0x2400 + c.charCodeAt(0)));
}

function truncateBytes(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  let stem = name.slice(0, name.length - ext.length);
  while (Buffer.byteLength(stem + ext) > maxBytes) stem = Array.from(stem).slice(0, -1).join('');
  return stem.trimEnd() + ext;
}

/** One path component made legal for `rules`. Never returns an empty name. */
export function legalName(raw: string, rules: NameRules): string {
  let name = raw.normalize('NFC');
  if (name === '' || name === '.' || name === '..') name = '_' + name;
  name = replaceControls(name).replace(/\//g, FULL_WIDTH['/']!);
  switch (rules.set) {
    case 'windows':
      name = name.replace(/["*:<>?\\|]/g, (c) => FULL_WIDTH[c]!);
      name = name.replace(/^ /, '␠').replace(/ $/, '␠').replace(/\.$/, '．').replace(/^~/, '～');
      name = name.replace(/_vti_/gi, '＿vti＿');
      if (WINDOWS_RESERVED.test(name) || /^(\.lock|desktop\.ini)$/i.test(name)) name = '_' + name;
      break;
    case 'dropbox':
      name = name.replace(/\\/g, FULL_WIDTH['\\']!).replace(/ $/, '␠');
      if (/^(desktop\.ini|thumbs\.db|\.ds_store|icon\r|\.dropbox|\.dropbox\.attr)$/i.test(name)) name = '_' + name;
      break;
    case 'webdav':
      name = name.replace(/\\/g, FULL_WIDTH['\\']!);
      // Nextcloud refuses the .part and .filepart extensions outright.
      name = name.replace(/\.(part|filepart)$/i, '_$1');
      break;
    case 'gdrive':
    case 'posix':
      break;
  }
  return truncateBytes(name, rules.maxComponentBytes);
}

/** The key under which two names collide on this provider. */
export function collisionKey(path: string, rules: NameRules): string {
  return rules.caseInsensitive ? foldName(path) : path;
}

/** A path in lower case: two names a case-insensitive destination counts as one fold to the same. */
export const foldName = (path: string): string => path.toLowerCase();
