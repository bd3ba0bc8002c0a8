import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { ConnectorError, type LocalFolderPolicy } from '../connector.js';

export const LOCAL_OFF = 'Folders on this server are turned off in this installation. The operator turns them on by listing the folders Dossier may use in DOSSIER_LOCAL_ROOTS (separated by ":"), then restarting Dossier.';

/** `inner` is `outer` or below it; both real, absolute paths. */
export function within(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);
}

/**
 * The real path of `path`, which need not exist: the real path of its deepest existing ancestor
 * with the missing names after it (they hold no symbolic link, since they do not exist yet).
 */
export async function realPathOf(path: string): Promise<string> {
  const missing: string[] = [];
  let probe = path;
  for (;;) {
    try {
      return join(await realpath(probe), ...missing);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      const parent = dirname(probe);
      if (parent === probe) throw e;
      missing.unshift(basename(probe));
      probe = parent;
    }
  }
}

const denied = (message: string) => new ConnectorError('permission_denied', message);

/**
 * Checks a configured root on its real path (symbolic links resolved) and returns that path;
 * the connector then works below it and nowhere else.
 */
export async function checkLocalRoot(root: string, policy: LocalFolderPolicy): Promise<string> {
  if (policy.roots.length === 0) throw denied(LOCAL_OFF);
  if (!isAbsolute(root) || root.split(/[\\/]/).includes('..')) throw denied(`Give the folder as an absolute path without "..", not "${root}".`);
  const real = await realPathOf(resolve(root));
  const listed = await Promise.all(policy.roots.map((r) => realPathOf(r)));
  if (!listed.some((r) => within(real, r))) {
    throw denied(`${root} is not below a folder this installation allows (${policy.roots.join(', ')}). Choose a folder below one of them, or ask the operator to add it to DOSSIER_LOCAL_ROOTS.`);
  }
  for (const f of await Promise.all(policy.forbidden.map((p) => realPathOf(p)))) {
    if (within(real, f) || within(f, real)) {
      throw denied(`${root} is${within(real, f) ? ' inside' : ' around'} one of Dossier's own folders (its data, program or web app), which no destination or channel may use. Choose another folder.`);
    }
  }
  return real;
}
