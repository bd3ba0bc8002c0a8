import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The shared e-invoice fixtures sit beside the repository (CI checks them out there); a git
 * worktree kept in a folder of worktrees is one level deeper, so both places are tried.
 */
export const EINVOICE_FIXTURES = [path.resolve(repoRoot, '../shared/fixtures/einvoice'), path.resolve(repoRoot, '../../shared/fixtures/einvoice')]
  .find((p) => existsSync(p)) ?? path.resolve(repoRoot, '../shared/fixtures/einvoice');
