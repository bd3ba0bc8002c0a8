import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Every file below `dir`, at any depth. */
export async function* walkFiles(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walkFiles(p); else yield p;
  }
}
