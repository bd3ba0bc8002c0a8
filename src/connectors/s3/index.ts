import { z } from 'zod';
import type { ConnectorDefinition } from '../connector.js';
import { folderPath } from '../kit/settings.js';
import { S3_NAMES, S3Connector } from './connector.js';

const ENDPOINT_HINT = 'Give the S3 endpoint as an http:// or https:// URL, such as https://s3.eu-central-003.backblazeb2.com, or leave it empty for AWS S3.';

const isHttpUrl = (value: string) => value === '' || (URL.canParse(value) && /^https?:$/.test(new URL(value).protocol));

export const s3Settings = z.object({
  /** Empty for AWS S3 (the region then picks the endpoint). */
  endpoint: z.string().trim().refine(isHttpUrl, ENDPOINT_HINT).default(''),
  region: z.string().trim().min(1, 'Give the region, such as eu-central-1 (us-east-1 where the provider has none).').default('us-east-1'),
  bucket: z.string().trim().regex(/^[a-z0-9][a-z0-9.\-_]{1,254}$/i, 'Give the bucket name as the provider shows it: letters, digits, dots, hyphens.'),
  /** Key prefix below which the backup goes, as plain names separated by "/". */
  prefix: folderPath('', /[\0\\]/, 'a backslash or NUL character'),
  /** Bucket in the path rather than the host name: MinIO, Garage and most self-hosted servers need it. */
  pathStyle: z.boolean().default(false),
  accessKeyId: z.string().trim().min(1, 'Enter the access key id.'),
  secretAccessKey: z.string().min(1, 'Enter the secret access key.'),
  /** Send x-amz-checksum-sha256 as well as Content-MD5 (AWS S3 and MinIO check it). */
  checksumSha256: z.boolean().default(false),
  /** Keep every object this many years under Object Lock in compliance mode; 0: no lock. The bucket must have Object Lock on. */
  objectLockYears: z.number().int().min(0).max(100).default(0),
  /** The bucket has Object Lock on: each object is locked (compliance mode) until its document's retention period ends, and held under a legal hold. */
  objectLock: z.boolean().default(false),
  /** COMPLIANCE: no one can shorten or remove a lock before its date; GOVERNANCE: a key with s3:BypassGovernanceRetention can. */
  objectLockMode: z.enum(['COMPLIANCE', 'GOVERNANCE']).default('COMPLIANCE'),
});

export type S3Settings = z.infer<typeof s3Settings>;

export const s3Definition: ConnectorDefinition<S3Settings> = {
  kind: 's3',
  title: 'S3-compatible storage (AWS S3, Backblaze B2, Wasabi, MinIO, ...)',
  settings: s3Settings,
  secrets: ['accessKeyId', 'secretAccessKey'],
  names: S3_NAMES,
  create: async (settings, context) => new S3Connector(settings, context),
};
