// npm run bench:s3 -- [--docs 2000] [--repeat 2] [--large-mib 200] [--large-runs 1]
//
// Dossier's backup to an S3 bucket against `rclone copy` to the same server, in the same run:
// the loopback S3 server of the tests (s3rver, in its own process, test/servers/s3.ts), an
// rclone s3 remote with provider Other, that endpoint and path style. Both verify every file:
// rclone by the MD5 it sends as Content-MD5 and compares with the ETag (its default), Dossier by
// the same Content-MD5 plus the ETag, computed while it streams. Then one large document
// (multipart on both sides), for memory: peak RSS of each. The goal is a throughput of at least
// 0.8x rclone's. The result table goes to stdout, progress to stderr.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createS3Client } from '../src/connectors/kit/s3-client.js';
import { startS3, type TestS3 } from '../test/servers/s3.js';
import { addDestination, buildSet, type BenchSet, type OtherTarget } from './dataset.js';
import { dossierChild, rcloneWith, warmCache, type Measured } from './tools.js';

const KB = 1000;
const MIB = 1024 * 1024;
const { values: flags } = parseArgs({
  options: {
    docs: { type: 'string', default: '2000' },
    repeat: { type: 'string', default: '2' },
    'large-mib': { type: 'string', default: '200' },
    'large-runs': { type: 'string', default: '1' },
  },
});
const DOCS = Number(flags.docs);
const REPEAT = Number(flags.repeat);
const LARGE = Number(flags['large-mib']) * MIB;
const LARGE_RUNS = Number(flags['large-runs']);
const step = (text: string) => process.stderr.write(`\n== ${text}\n`);

/** What landed below `prefix`: a fast run that delivered less would look great. */
async function delivered(server: TestS3, bucket: string, prefix: string): Promise<{ files: number; bytes: number }> {
  const client = createS3Client({ endpoint: server.endpoint, region: server.region, forcePathStyle: true, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
  let files = 0, bytes = 0, token: string | undefined;
  try {
    do {
      const res = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix + '/', ContinuationToken: token }));
      for (const o of res.Contents ?? []) if (!o.Key!.endsWith('/')) { files++; bytes += o.Size ?? 0; }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
  } finally {
    client.destroy();
  }
  return { files, bytes };
}

async function expect(server: TestS3, bucket: string, who: string, prefix: string, set: BenchSet, files: number): Promise<void> {
  const got = await delivered(server, bucket, prefix);
  if (got.files !== files || got.bytes !== set.bytes) throw new Error(`${who} left ${got.files} files / ${got.bytes} bytes, expected ${files} / ${set.bytes}.`);
}

const mbps = (bytes: number, ms: number) => (bytes / MIB) / (ms / 1000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mib = (m: Measured | { maxRssBytes: number | null }) => (m.maxRssBytes === null ? 'n/a' : `${Math.round(m.maxRssBytes / MIB)} MiB`);

async function main(): Promise<void> {
  const server = await startS3();
  const work = await mkdtemp(join(tmpdir(), 'dossier-bench-s3-'));
  try {
    const bucket = await server.bucket();
    const target: OtherTarget = {
      kind: 's3',
      settings: (prefix) => ({ endpoint: server.endpoint, region: server.region, bucket, prefix, pathStyle: true, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey }),
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      RCLONE_CONFIG: join(work, 'rclone.conf'),
      RCLONE_CONFIG_BENCH_TYPE: 's3', RCLONE_CONFIG_BENCH_PROVIDER: 'Other', RCLONE_CONFIG_BENCH_ENDPOINT: server.endpoint,
      RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: server.accessKeyId, RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: server.secretAccessKey,
      RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true', RCLONE_CONFIG_BENCH_REGION: server.region,
    };
    // rclone's AWS SDK refuses a custom CA bundle over plain http; the loopback server needs none.
    delete env['AWS_CA_BUNDLE'];
    const rssFile = join(work, 'rss.txt');
    const rclone = async (set: BenchSet, prefix: string) => { await warmCache(set.srcDir); return rcloneWith(env, ['copy', set.srcDir, `bench:${bucket}/${prefix}`, '-q'], rssFile); };

    step(`building the set: ${DOCS} documents of 20-300 KB`);
    const set = await buildSet({ count: DOCS, minBytes: 20 * KB, maxBytes: 300 * KB, seed: 1, srcDir: join(work, 'main', 'source'), dataDir: join(work, 'main', 'data'), remoteRoot: 'dossier-0', ssh: target, label: 'main set' });
    const r: Measured[] = [], d: Array<{ ms: number; maxRssBytes: number }> = [];
    for (let i = 0; i < REPEAT; i++) {
      step(`run ${i + 1} of ${REPEAT}: rclone copy (verified: Content-MD5 and ETag)`);
      r.push(await rclone(set, `rclone-${i}`));
      await expect(server, bucket, 'rclone', `rclone-${i}`, set, DOCS);
      step(`run ${i + 1} of ${REPEAT}: Dossier backup (verified: Content-MD5 and ETag)`);
      const destinationId = i === 0 ? set.destinationId : await addDestination(set, target, `dossier-${i}`);
      const res = await dossierChild({ mode: 'full', dataDir: set.dataDir, orgId: set.orgId, destinationId });
      if (res.files !== DOCS) throw new Error(`Dossier uploaded ${res.files} documents, expected ${DOCS}.`);
      await expect(server, bucket, 'Dossier', `dossier-${i}`, set, DOCS);
      d.push(res);
    }

    // The large document on its own, run after run: each run's ratio, with the load it ran under.
    const bigRuns: string[] = [];
    let bigD: Measured | undefined, bigR: Measured | undefined, big: BenchSet | undefined;
    for (let i = 0; i < LARGE_RUNS; i++) {
      step(`large run ${i + 1} of ${LARGE_RUNS}: a few documents plus one of ${LARGE / MIB} MiB`);
      const set = await buildSet({ count: 3, minBytes: 20 * KB, maxBytes: 300 * KB, seed: 3, extraSizes: [LARGE], srcDir: join(work, `large-${i}`, 'source'), dataDir: join(work, `large-${i}`, 'data'), remoteRoot: `dossier-large-${i}`, ssh: target, label: 'large set' });
      const load = loadavg()[0]!.toFixed(1);
      const dr = await dossierChild({ mode: 'full', dataDir: set.dataDir, orgId: set.orgId, destinationId: set.destinationId });
      await expect(server, bucket, 'Dossier', `dossier-large-${i}`, set, 4);
      const rr = await rclone(set, `rclone-large-${i}`);
      await expect(server, bucket, 'rclone', `rclone-large-${i}`, set, 4);
      bigRuns.push(`| ${i + 1} (${load}) | ${mbps(set.bytes, rr.ms).toFixed(1)} MiB/s | ${mbps(set.bytes, dr.ms).toFixed(1)} MiB/s | ${(rr.ms / dr.ms).toFixed(2)} |`);
      bigD ??= dr; bigR ??= rr; big ??= set;
    }
    const rMs = median(r.map((x) => x.ms)), dMs = median(d.map((x) => x.ms));
    const out = [
      `S3 backup, ${DOCS} documents, ${(set.bytes / 1e6).toFixed(1)} MB, to s3rver on loopback; median of ${REPEAT} runs`,
      `| tool | docs/s | MiB/s | peak RSS |`,
      `|---|---|---|---|`,
      `| rclone copy (s3, provider Other, path style) | ${(DOCS / (rMs / 1000)).toFixed(1)} | ${mbps(set.bytes, rMs).toFixed(2)} | ${mib(r[0]!)} |`,
      `| Dossier backup (${DOCS} verified) | ${(DOCS / (dMs / 1000)).toFixed(1)} | ${mbps(set.bytes, dMs).toFixed(2)} | ${mib(d[0]!)} |`,
      `Throughput ratio Dossier / rclone: ${(rMs / dMs).toFixed(2)}x (goal >= 0.8x)`,
      `Large set (${(big!.bytes / MIB).toFixed(0)} MiB, one document of ${LARGE / MIB} MiB), peak RSS of its first run: Dossier ${mib(bigD!)}, rclone ${mib(bigR!)}`,
      `| large run (load) | rclone | Dossier | Dossier / rclone |`,
      `|---|---:|---:|---:|`,
      ...bigRuns,
    ];
    console.log(out.join('\n'));
  } finally {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exitCode = 1;
});
