import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TEST_LIMITS } from './limits.js';

const repo = join(import.meta.dirname, '..', '..');

/** The real `dossier` binary on a data folder, with --json: its exit code and its one JSON document. */
export function dossierJson(dataDir: string, ...args: string[]): Promise<any> {
  return dossierJsonWith({}, dataDir, ...args);
}

/** dossierJson with more environment, such as DATABASE_URL to run it on PostgreSQL. */
export function dossierJsonWith(more: NodeJS.ProcessEnv, dataDir: string, ...args: string[]): Promise<any> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DOSSIER_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...TEST_LIMITS };
    delete env.DATABASE_URL;
    Object.assign(env, more);
    const child = spawn(process.execPath, [join(repo, 'bin', 'dossier.js'), ...args, '--json'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      try { resolve({ code, ...JSON.parse(out) }); } catch { reject(new Error(`not one JSON document (exit ${code}): ${out}\n${err}`)); }
    });
  });
}
