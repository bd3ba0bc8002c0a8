import { z } from 'zod';

/** Settings fields several connectors share, with messages that say what to enter. */

/** An http:// or https:// API address, `example` by default (the provider's own). */
export function apiAddress(what: string, example: string) {
  const hint = `The ${what} must be an http:// or https:// URL, such as ${example}`;
  return z.string().trim().url(hint).refine((u) => /^https?:\/\//.test(u), hint).default(example);
}

/**
 * A folder below the connection's base, as plain names separated by "/"; never "." or "..".
 * `forbidden`: characters the provider refuses, named in `forbiddenText` for the message.
 */
export function folderPath(defaultValue: string, forbidden: RegExp, forbiddenText: string) {
  return z
    .string()
    .refine((r) => !r.split('/').some((s) => s === '.' || s === '..'), 'The folder may not contain "." or ".." parts.')
    .refine((r) => !forbidden.test(r), `The folder may not contain ${forbiddenText}.`)
    .default(defaultValue);
}
