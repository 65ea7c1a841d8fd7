import { mkdirSync, writeFileSync } from 'node:fs';
import { runFilesBench } from './files.js';
import { runPipelineBench } from './pipeline.js';
import { runScaleBench } from './scale.js';

/**
 * `npm run bench -- [--n 2000] [--c 32]`: the referral pipeline (HTTP submit → RabbitMQ → police system →
 * AMQP receipt → ledger). `npm run bench -- --mode scale [--referrals 1000000]`: backlog and statistics
 * queries over a seeded million referrals. `--mode files`: case-file upload and download rates beside cat and
 * COPY (bench/files.ts). Prints JSON and writes it to bench-results/.
 */
const argv = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const mode = argv.includes('--mode') ? argv[argv.indexOf('--mode') + 1] : 'pipeline';

const result =
  mode === 'scale'
    ? await runScaleBench(argv)
    : mode === 'files'
      ? await runFilesBench(argv)
      : await runPipelineBench({ n: arg('n', 2000), c: arg('c', 32), keep: argv.includes('--keep') });
if (mode === 'pipeline') console.log(JSON.stringify(result, null, 2));
mkdirSync('bench-results', { recursive: true });
writeFileSync(
  `bench-results/${mode}-${new Date().toISOString().replaceAll(':', '-')}.json`,
  `${JSON.stringify(result, null, 2)}\n`,
);
const failed = 'lost' in result && (result.lost > 0 || result.notReceipted > 0);
process.exit(failed ? 1 : 0);
