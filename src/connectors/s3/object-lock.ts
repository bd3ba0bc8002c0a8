import {
  GetObjectLegalHoldCommand, GetObjectRetentionCommand, ListObjectVersionsCommand, PutObjectLegalHoldCommand, PutObjectRetentionCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectLockState } from '../connector.js';
import { classify } from './errors.js';

export type ObjectLockMode = 'COMPLIANCE' | 'GOVERNANCE';

/** The object has no retention of its own (AWS answers 404 with this code, as it does for no legal hold). */
const isUnlocked = (e: unknown) => (e as { name?: string })?.name === 'NoSuchObjectLockConfiguration';
const isRefused = (e: unknown) => (e as { name?: string })?.name === 'AccessDenied';

interface Wanted { until: Date; legalHold: boolean }

/**
 * Brings every version of a key in step with its document's retention: on a versioned bucket a
 * document's older versions, uploaded to the same key, are older object versions and under the
 * same duty to be kept, yet they keep the lock they were uploaded with. Per version, as
 * lockVersion does; the state returned is the current version's, with `extended` and
 * `holdChanged` true if any version changed. A key that may not list versions (no
 * s3:ListBucketVersions) has its current version brought in step only, as `currentOnly` says.
 */
export async function applyObjectLock(client: S3Client, bucket: string, key: string, path: string, mode: ObjectLockMode, want: Wanted, signal?: AbortSignal): Promise<ObjectLockState> {
  try {
    const versions = await versionsOf(client, bucket, key, signal);
    // The current version by its id; when the listing shows none (refused, or a delete marker
    // is on top) by no id, so that S3 answers for the current version or that there is none
    // (not_found, left to the backup). Older ones first: they are reached even then.
    const current = versions?.find((v) => v.latest)?.id;
    let extended = false;
    let holdChanged = false;
    for (const v of versions ?? []) {
      if (v.latest) continue;
      const older = await lockVersion(client, bucket, key, v.id, mode, want, signal);
      extended ||= older.extended;
      holdChanged ||= older.holdChanged;
    }
    const now = await lockVersion(client, bucket, key, current, mode, want, signal);
    return {
      until: now.until, legalHold: want.legalHold, extended: extended || now.extended, holdChanged: holdChanged || now.holdChanged,
      ...(versions === null && { currentOnly: true as const }),
    };
  } catch (e) {
    throw classify(e, path, signal);
  }
}

/**
 * The versions of exactly `key` (not delete markers, nor keys it is a prefix of), newest first;
 * null when the listing is refused. The key sorts before every longer key it is a prefix of,
 * so the listing stops at the first of those: one request for a key of a few versions.
 */
async function versionsOf(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<Array<{ id: string; latest: boolean }> | null> {
  const out: Array<{ id: string; latest: boolean }> = [];
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  for (;;) {
    let page;
    try {
      page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key, KeyMarker, VersionIdMarker }), { abortSignal: signal });
    } catch (e) {
      if (isRefused(e)) return null;
      throw e;
    }
    for (const v of page.Versions ?? []) if (v.Key === key && v.VersionId) out.push({ id: v.VersionId, latest: v.IsLatest === true });
    const beyond = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].some((v) => v.Key !== key);
    if (!page.IsTruncated || beyond) return out;
    KeyMarker = page.NextKeyMarker;
    VersionIdMarker = page.NextVersionIdMarker;
  }
}

/**
 * One version (the current one when `versionId` is undefined): the retain-until date is read
 * first and only ever moved later (a COMPLIANCE date cannot be shortened by anyone, and a
 * GOVERNANCE one is never shortened by Dossier either: no bypass header is sent), in the mode
 * it already has; then the legal hold is read, and set or lifted if it differs.
 */
async function lockVersion(client: S3Client, bucket: string, key: string, versionId: string | undefined, mode: ObjectLockMode, want: Wanted, signal?: AbortSignal) {
  const at = { Bucket: bucket, Key: key, ...(versionId && { VersionId: versionId }) };
  let current: { Mode?: string; RetainUntilDate?: Date } | undefined;
  try {
    current = (await client.send(new GetObjectRetentionCommand(at), { abortSignal: signal })).Retention;
  } catch (e) {
    if (!isUnlocked(e)) throw e;
  }
  let until = current?.RetainUntilDate ?? null;
  const extended = !until || until < want.until;
  if (extended) {
    const keep = current?.Mode === 'COMPLIANCE' || current?.Mode === 'GOVERNANCE' ? current.Mode : mode;
    await client.send(new PutObjectRetentionCommand({ ...at, Retention: { Mode: keep, RetainUntilDate: want.until } }), { abortSignal: signal });
    until = want.until;
  }
  let held = false;
  try {
    held = (await client.send(new GetObjectLegalHoldCommand(at), { abortSignal: signal })).LegalHold?.Status === 'ON';
  } catch (e) {
    if (!isUnlocked(e)) throw e;
  }
  if (held !== want.legalHold) {
    await client.send(new PutObjectLegalHoldCommand({ ...at, LegalHold: { Status: want.legalHold ? 'ON' : 'OFF' } }), { abortSignal: signal });
  }
  return { until, extended, holdChanged: held !== want.legalHold };
}
