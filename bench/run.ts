import { mkdirSync, writeFileSync } from 'node:fs';
import { runCompare } from './compare.js';
import { runFilesBench } from './files.js';
import { runScaleBench } from './scale.js';
import { runSoak } from './soak.js';
import { runThroughput } from './throughput.js';

/**
 * `npm run bench -- --mode delivery|round-trip [--duration 15] [--warmup 3] [--c 32] [--rate n]`: the
 * referral pipeline under load (see bench/throughput.ts). `npm run bench -- --compare [--runs 3]`: the
 * reference pipeline and the delivery mode alternately, with medians and ratios (`--signed`: and the delivery
 * mode with signatures required, in the same rounds). `npm run bench -- --mode
 * scale [--referrals 1000000]`: backlog and statistics over a seeded million referrals. `npm run bench --
 * --mode files [--small 200] [--c 4]`: case-file upload and download rates beside cat and COPY (bench/files.ts).
 * `npm run bench -- --mode soak [--minutes 10] [--rate 120]`: gateway and workers as separate processes at a
 * steady rate with receipts, a line a minute on stderr, bytes per referral at the end (bench/soak.ts).
 * Prints one JSON line and writes it to bench-results/.
 */
const argv = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const mode = argv.includes('--compare')
  ? 'compare'
  : argv.includes('--mode')
    ? (argv[argv.indexOf('--mode') + 1] ?? 'delivery')
    : 'delivery';

/** `--signed` signs with SM2 unless `--alg ed25519`. */
const signingAlg =
  argv.includes('--alg') && argv[argv.indexOf('--alg') + 1] === 'ed25519' ? 'ed25519' : 'sm2';

async function run(): Promise<Record<string, unknown>> {
  const load = {
    durationSeconds: arg('duration', 15),
    warmupSeconds: arg('warmup', 3),
    clients: arg('c', 32),
    ...(argv.includes('--rate') ? { rate: arg('rate', 0) } : {}),
  };
  switch (mode) {
    case 'scale':
      return runScaleBench(argv);
    case 'files':
      return runFilesBench(argv);
    case 'soak':
      return runSoak({ minutes: arg('minutes', 10), rate: arg('rate', 120), clients: arg('c', 32) });
    case 'compare':
      return runCompare({ runs: arg('runs', 3), ...load, signed: argv.includes('--signed'), signingAlg });
    case 'delivery':
    case 'round-trip':
      return runThroughput({ mode, ...load, signed: argv.includes('--signed'), signingAlg });
    default:
      throw new Error(`unknown mode ${mode}: delivery, round-trip, scale, files, soak, or --compare`);
  }
}

const result = await run();
if (mode !== 'scale') console.log(JSON.stringify(result));
mkdirSync('bench-results', { recursive: true });
writeFileSync(
  `bench-results/${mode}-${new Date().toISOString().replaceAll(':', '-')}.json`,
  `${JSON.stringify(result, null, 2)}\n`,
);
const failed = 'lost' in result && Number(result.lost) > 0;
process.exit(failed ? 1 : 0);
