import { createHash } from 'node:crypto';

/** What Dossier keeps of a secret it must recognise but never show again (tokens, keys, session ids). */
export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');
