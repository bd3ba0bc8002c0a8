import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { DestinationRow } from '../catalog/destinations.js';
import { LAYOUT_PRESETS } from '../domain/layout.js';
import { UsageError, companyOf, positiveInt, type CliContext } from './context.js';
import { printerFor } from './output.js';

export interface AddOptions {
  company?: string; name: string; kind: string; root?: string; host?: string; port?: number; username?: string;
  passwordEnv?: string; passwordFile?: string; keyFile?: string; passphraseEnv?: string; passphraseFile?: string; hostKey?: string;
  url?: string; endpoint?: string; region?: string; bucket?: string; prefix?: string; pathStyle?: boolean;
  accessKeyId?: string; secretEnv?: string; secretFile?: string; objectLockYears?: number; objectLock?: boolean; objectLockMode?: string; checksumSha256?: boolean;
  layout: string; startDate?: string; schedule: string; restoreDeleted: boolean; respectFolderDeletions: boolean;
}

/**
 * A secret comes from an environment variable the user names, or from a file: never from the
 * command line itself, where it would be kept in shell history and shown by `ps`.
 */
export async function secret(what: string, env: Record<string, string | undefined>, fromEnv?: string, fromFile?: string): Promise<string | undefined> {
  if (fromEnv && fromFile) throw new UsageError(`Give the ${what} either from an environment variable or from a file, not both.`);
  if (fromEnv) {
    const value = env[fromEnv];
    if (!value) throw new UsageError(`The environment variable ${fromEnv} (given for the ${what}) is not set or empty.`);
    return value;
  }
  if (fromFile) {
    const text = await readFile(fromFile, 'utf8').catch((e: Error) => { throw new UsageError(`Could not read the ${what} file ${fromFile}: ${e.message}`); });
    // Files written with `echo` end in a newline that is not part of the password.
    return text.replace(/\r?\n$/, '');
  }
  return undefined;
}

function lockMode(given: string | undefined): 'COMPLIANCE' | 'GOVERNANCE' {
  const mode = (given ?? 'COMPLIANCE').toUpperCase();
  if (mode !== 'COMPLIANCE' && mode !== 'GOVERNANCE') throw new UsageError(`--object-lock-mode must be COMPLIANCE or GOVERNANCE, not "${given}".`);
  return mode;
}

function need<T>(value: T | undefined, option: string, kind: string): T {
  if (value === undefined || value === '') throw new UsageError(`A ${kind} destination needs ${option}.`);
  return value;
}

/** The connection settings for the chosen kind, secrets included (the service encrypts them). */
export async function settingsFor(o: AddOptions, env: Record<string, string | undefined>): Promise<Record<string, unknown>> {
  const password = () => secret('password', env, o.passwordEnv, o.passwordFile);
  switch (o.kind) {
    case 'local':
      return { root: resolve(need(o.root, '--root <folder>', 'local')) };
    case 'sftp': {
      const privateKey = o.keyFile
        ? await readFile(o.keyFile, 'utf8').catch((e: Error) => { throw new UsageError(`Could not read the key file ${o.keyFile}: ${e.message}`); })
        : undefined;
      const pass = await password();
      if (!pass && !privateKey) throw new UsageError('An sftp destination needs --password-env VAR, --password-file FILE or --key-file FILE.');
      return {
        host: need(o.host, '--host <name>', 'sftp'), port: o.port ?? 22, username: need(o.username, '--username <name>', 'sftp'),
        ...(pass && { password: pass }), ...(privateKey && { privateKey }),
        ...(privateKey && { passphrase: await secret('key passphrase', env, o.passphraseEnv, o.passphraseFile) }),
        root: o.root ?? '', ...(o.hostKey && { hostKeySha256: o.hostKey }),
      };
    }
    case 'webdav':
      return {
        url: need(o.url, '--url <address>', 'webdav'), username: need(o.username, '--username <name>', 'webdav'),
        password: need(await password(), '--password-env VAR or --password-file FILE', 'webdav'), root: o.root ?? '',
      };
    case 's3':
      return {
        endpoint: o.endpoint ?? '', region: o.region ?? 'us-east-1', bucket: need(o.bucket, '--bucket <name>', 's3'), prefix: o.prefix ?? '',
        pathStyle: o.pathStyle ?? false, accessKeyId: need(o.accessKeyId, '--access-key-id <id>', 's3'),
        secretAccessKey: need(await secret('secret access key', env, o.secretEnv, o.secretFile), '--secret-env VAR or --secret-file FILE', 's3'),
        objectLockYears: o.objectLockYears ?? 0, objectLock: o.objectLock ?? false, objectLockMode: lockMode(o.objectLockMode), checksumSha256: o.checksumSha256 ?? false,
      };
    default:
      // Kinds without a command-line form (OAuth ones) are connected in the web interface.
      throw new UsageError(`--kind must be local, sftp, webdav or s3, not "${o.kind}". Other kinds are connected in the web interface.`);
  }
}

/** What the CLI prints about a destination: its own fields, never the connection's secrets. */
export function humanDestination(d: Omit<DestinationRow, 'cursorSeq'>): string[] {
  return [
    `${d.id}  ${d.name}  (${d.kind})`,
    `  state:    ${d.state}${d.stateReason ? ` (${d.stateReason})` : ''}`,
    `  company:  ${d.companyId}`,
    `  layout:   ${d.layout}`,
    `  schedule: ${d.schedule}${d.startDate ? `, documents from ${d.startDate}` : ''}`,
    `  restores files deleted there: ${d.restoreDeleted ? 'yes' : 'no'}; respects deleted folders: ${d.respectFolderDeletions ? 'yes' : 'no'}`,
  ];
}

export function registerDestinationAdd(destinations: Command, ctx: CliContext): void {
  destinations
    .command('add')
    .summary('Add a local, SFTP, WebDAV or S3 destination.')
    .description('Add a destination; the connection is tested before it is saved. Secrets are read from an environment variable or a file, never from the command line.')
    .option('--company <id>', 'the company whose documents go there (default: the only company)')
    .requiredOption('--name <name>', 'a name for people')
    .requiredOption('--kind <kind>', 'local|sftp|webdav|s3')
    .option('--root <folder>', 'local: the folder; sftp and webdav: the folder below the login folder or address')
    .option('--host <name>', 'sftp: server name or address')
    .option('--port <port>', 'sftp: port (default 22)', positiveInt('--port', 65535))
    .option('--username <name>', 'sftp and webdav: user name')
    .option('--password-env <VAR>', 'read the password from this environment variable')
    .option('--password-file <file>', 'read the password from this file')
    .option('--key-file <file>', 'sftp: private key file (OpenSSH or PEM)')
    .option('--passphrase-env <VAR>', 'sftp: read the key\'s passphrase from this environment variable')
    .option('--passphrase-file <file>', 'sftp: read the key\'s passphrase from this file')
    .option('--host-key <SHA256:...>', 'sftp: the server\'s host key fingerprint (else the first one seen is trusted and pinned)')
    .option('--url <address>', 'webdav: the WebDAV address, such as https://cloud.example.com/remote.php/dav/files/alice/')
    .option('--endpoint <url>', 's3: the S3 endpoint, such as https://s3.eu-central-003.backblazeb2.com (default: AWS S3)')
    .option('--region <region>', 's3: the region (default us-east-1)')
    .option('--bucket <name>', 's3: the bucket')
    .option('--prefix <prefix>', 's3: the key prefix below which the backup goes')
    .option('--path-style', 's3: bucket in the path, not the host name (MinIO, Garage, most self-hosted servers)')
    .option('--access-key-id <id>', 's3: the access key id')
    .option('--secret-env <VAR>', 's3: read the secret access key from this environment variable')
    .option('--secret-file <file>', 's3: read the secret access key from this file')
    .option('--object-lock', 's3: the bucket has Object Lock on; lock each document\'s object until its company\'s retention period ends (in the --object-lock-mode), with legal holds')
    .option('--object-lock-mode <mode>', 's3: COMPLIANCE (default: no one can shorten a lock) or GOVERNANCE (a key allowed to bypass governance can)')
    .option('--object-lock-years <years>', 's3: keep each object this many years under Object Lock (compliance mode)', positiveInt('--object-lock-years', 100))
    .option('--checksum-sha256', 's3: also send x-amz-checksum-sha256 (AWS S3 and MinIO check it)')
    .requiredOption('--layout <layout>', `folder layout: ${Object.keys(LAYOUT_PRESETS).join('|')} or a template such as "{company}/{year}/{file}"`)
    .option('--start-date <YYYY-MM-DD>', 'only documents dated on or after this day')
    .option('--schedule <schedule>', 'continuous|daily@HH:MM', 'continuous')
    .option('--no-restore-deleted', 'do not copy a file again when someone deletes it at the destination')
    .option('--respect-folder-deletions', 'when someone deletes a whole folder there, stop sending its documents', false)
    .action(async (opts: AddOptions, cmd: Command) => {
      const out = printerFor(cmd);
      if (opts.startDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.startDate)) throw new UsageError('--start-date must be written YYYY-MM-DD.');
      const settings = await settingsFor(opts, ctx.env);
      const deps = await ctx.deps();
      const orgId = await ctx.orgId();
      const destination = await deps.backup.add(orgId, {
        companyId: await companyOf(ctx, opts.company), name: opts.name, kind: opts.kind, settings, layout: opts.layout,
        startDate: opts.startDate ?? null, schedule: opts.schedule, restoreDeleted: opts.restoreDeleted, respectFolderDeletions: opts.respectFolderDeletions,
      });
      out.result(destination, (d) => [`Added destination ${d.id}.`, ...humanDestination(d)]);
      // The first copy was queued in this process, which ends now; say how it happens instead.
      out.note(`To copy the existing documents now: dossier destinations sync ${destination.id} --wait\n`
        + 'Otherwise the server sends them on its schedule (continuous destinations: when a document changes or the server restarts).');
    });
}
