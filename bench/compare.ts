import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SignatureAlg } from '../schemas/signature.js';
import { runThroughput, type ThroughputResult } from './throughput.js';

/**
 * `npm run bench -- --compare`: the hand-written reference pipeline (HTTP → one transaction with an outbox
 * row → relay with publisher confirms → consumer), a folder with pipeline.mjs named by REFERENCE_BENCH_DIR
 * (default: shared/reference-bench beside the project's folder), and the hub's delivery mode, run alternately so that both see the same machine; medians and ratios.
 */
type Reference = { rate: number; p50: number; p99: number; cpuMsPerReferral: number };

/** Read when --compare runs, not on import. */
function referenceDir(): string {
  return (
    process.env.REFERENCE_BENCH_DIR ?? new URL('../../shared/reference-bench/', import.meta.url).pathname
  );
}

function referenceCopy(): string {
  const dir = referenceDir();
  if (!existsSync(join(dir, 'pipeline.mjs'))) {
    throw new Error(
      `the reference pipeline is not here (looked for ${join(dir, 'pipeline.mjs')}); --compare needs it: set REFERENCE_BENCH_DIR to its folder`,
    );
  }
  // The folder may be read-only: run a copy of it, installed once.
  const copy = join(tmpdir(), 'referral-hub-reference-bench');
  mkdirSync(copy, { recursive: true });
  cpSync(dir, copy, { recursive: true, filter: (src) => !src.includes('node_modules') });
  if (!existsSync(join(copy, 'node_modules'))) {
    const installed = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: copy, stdio: 'inherit' });
    if (installed.status !== 0) throw new Error('npm ci in the reference copy failed');
  }
  return copy;
}

function runReference(dir: string, durationSeconds: number, clients: number): Reference {
  const run = spawnSync(
    process.execPath,
    ['pipeline.mjs', '--duration', String(durationSeconds), '--clients', String(clients)],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 120_000 },
  );
  const line = run.stdout.trim().split('\n').at(-1) ?? '{}';
  const r = (JSON.parse(line) as { results?: Record<string, any>[] }).results?.[0];
  if (!r) throw new Error(`the reference pipeline printed no result: ${line.slice(0, 200)}`);
  return {
    rate: r.e2e_rate_per_s,
    p50: r.e2e.p50_ms,
    p99: r.e2e.p99_ms,
    cpuMsPerReferral: r.cpu_ms_per_referral,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const ratio = (a: number, b: number) => Math.round((a / Math.max(b, 1e-9)) * 100) / 100;

export async function runCompare(args: {
  runs: number;
  durationSeconds: number;
  warmupSeconds: number;
  clients: number;
  /** Also the delivery mode with signatures required (issue 15), in the same rounds. */
  signed?: boolean;
  signingAlg?: SignatureAlg;
}) {
  const dir = referenceCopy();
  const reference: Reference[] = [];
  const hub: ThroughputResult[] = [];
  const signedHub: ThroughputResult[] = [];
  for (let i = 0; i < args.runs; i++) {
    reference.push(runReference(dir, args.durationSeconds, args.clients));
    console.error(`reference run ${i + 1}: ${JSON.stringify(reference.at(-1))}`);
    hub.push(await runThroughput({ ...args, mode: 'delivery', signed: false }));
    console.error(`hub run ${i + 1}: ${JSON.stringify(hub.at(-1))}`);
    if (args.signed) {
      signedHub.push(await runThroughput({ ...args, mode: 'delivery', signed: true }));
      console.error(`hub signed run ${i + 1}: ${JSON.stringify(signedHub.at(-1))}`);
    }
  }
  const ref = {
    referralsPerSecond: median(reference.map((r) => r.rate)),
    p50Ms: median(reference.map((r) => r.p50)),
    p99Ms: median(reference.map((r) => r.p99)),
    cpuMsPerReferral: median(reference.map((r) => r.cpuMsPerReferral)),
  };
  const summary = (runs: ThroughputResult[]) => ({
    referralsPerSecond: median(runs.map((r) => r.referralsPerSecond)),
    p50Ms: median(runs.map((r) => r.submitToDeliveredMs.p50)),
    p99Ms: median(runs.map((r) => r.submitToDeliveredMs.p99)),
    cpuMsPerReferral: median(runs.map((r) => r.cpuMsPerReferral)),
    lost: runs.reduce((n, r) => n + r.lost, 0),
    duplicateEffects: runs.reduce((n, r) => n + r.duplicateEffects, 0),
  });
  const ratios = (ours: ReturnType<typeof summary>) => ({
    throughput: ratio(ours.referralsPerSecond, ref.referralsPerSecond),
    p99: ratio(ours.p99Ms, ref.p99Ms),
    cpuPerReferral: ratio(ours.cpuMsPerReferral, ref.cpuMsPerReferral),
  });
  const ours = summary(hub);
  const signed = args.signed ? summary(signedHub) : undefined;
  return {
    mode: 'compare',
    runs: args.runs,
    reference: ref,
    hub: ours,
    ratios: ratios(ours),
    ...(signed ? { hubSigned: signed, ratiosSigned: ratios(signed) } : {}),
    each: { reference, hub, ...(signed ? { hubSigned: signedHub } : {}) },
    lost: ours.lost + (signed?.lost ?? 0),
  };
}
