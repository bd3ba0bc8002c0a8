import {
  GetObjectLegalHoldCommand, GetObjectRetentionCommand, PutObjectLegalHoldCommand, PutObjectRetentionCommand, type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectLockState } from '../connector.js';
import { classify } from './errors.js';

export type ObjectLockMode = 'COMPLIANCE' | 'GOVERNANCE';

/** The object has no retention of its own (AWS answers 404 with this code, as it does for no legal hold). */
const isUnlocked = (e: unknown) => (e as { name?: string })?.name === 'NoSuchObjectLockConfiguration';

/**
 * Brings one object's Object Lock in step with its document's retention: the retain-until date
 * is read first and only ever moved later (a COMPLIANCE date cannot be shortened by anyone,
 * and a GOVERNANCE one is never shortened by Dossier either: no bypass header is sent), in the
 * mode it already has; then the legal hold is read, and set or lifted if it differs. Applies to the key's current
 * version, the copy of the document's latest version.
 */
export async function applyObjectLock(client: S3Client, bucket: string, key: string, path: string, mode: ObjectLockMode, want: { until: Date; legalHold: boolean }, signal?: AbortSignal): Promise<ObjectLockState> {
  try {
    let current: { Mode?: string; RetainUntilDate?: Date } | undefined;
    try {
      current = (await client.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: key }), { abortSignal: signal })).Retention;
    } catch (e) {
      if (!isUnlocked(e)) throw e;
    }
    let until = current?.RetainUntilDate ?? null;
    const extended = !until || until < want.until;
    if (extended) {
      const keep = current?.Mode === 'COMPLIANCE' || current?.Mode === 'GOVERNANCE' ? current.Mode : mode;
      await client.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: key, Retention: { Mode: keep, RetainUntilDate: want.until } }), { abortSignal: signal });
      until = want.until;
    }
    let held = false;
    try {
      held = (await client.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: key }), { abortSignal: signal })).LegalHold?.Status === 'ON';
    } catch (e) {
      if (!isUnlocked(e)) throw e;
    }
    if (held !== want.legalHold) {
      await client.send(new PutObjectLegalHoldCommand({ Bucket: bucket, Key: key, LegalHold: { Status: want.legalHold ? 'ON' : 'OFF' } }), { abortSignal: signal });
    }
    return { until, legalHold: want.legalHold, extended, holdChanged: held !== want.legalHold };
  } catch (e) {
    throw classify(e, path, signal);
  }
}
