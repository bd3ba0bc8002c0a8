import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Example sets too large for the repository live outside it; a test or benchmark that needs one
 * finds it through an environment variable. Missing, it skips with a message saying how to get
 * the set, except in CI (`CI` set), where a missing set is a failure: CI must run everything.
 */
export interface OutsideSet {
  /** What the set is, as a reader would call it. */
  name: string;
  /** The environment variable holding the set's folder. */
  variable: string;
  /** Where the set comes from and how to lay it out. */
  howToGet: string;
}

/** The Factur-X / ZUGFeRD PDFs (each with its embedded CII XML as ground truth), about 44 MB. */
export const FACTURX_CORPUS: OutsideSet = {
  name: 'the Factur-X / ZUGFeRD corpus',
  variable: 'DOSSIER_FACTURX_CORPUS',
  howToGet: 'clone the public repository ZUGFeRD/corpus (Apache License 2.0) and point the variable at its folder',
};

export type OutsideSetLookup = { dir: string; skip?: undefined } | { dir?: undefined; skip: string };

/**
 * The set's folder, or a skip message when it is absent outside CI. Throws in CI, so the run
 * fails rather than passing without the set. `env` is the process's environment unless given.
 */
export function findOutsideSet(set: OutsideSet, env: NodeJS.ProcessEnv = process.env): OutsideSetLookup {
  const given = env[set.variable];
  const dir = given ? path.resolve(given) : undefined;
  if (dir && existsSync(dir)) return { dir };
  const problem = dir ? `${set.variable} is ${dir}, which does not exist` : `${set.variable} is not set`;
  const message = `${set.name} is not available (${problem}): to run with it, ${set.howToGet}.`;
  if (env.CI) throw new Error(`${message} CI runs every test, so the set is required there.`);
  return { skip: message };
}
