#!/usr/bin/env node
// Runs vitest and ends with the plain closing line CI reads: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const config = process.argv.includes('--faults') ? ['--config', 'vitest.faults.config.ts'] : [];
const args = process.argv.slice(2).filter((a) => a !== '--faults');
const out = `test-results/vitest-${process.pid}.json`;
mkdirSync('test-results', { recursive: true });
rmSync(out, { force: true });
const run = spawnSync(
  'npx',
  ['vitest', 'run', ...config, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...args],
  { stdio: 'inherit' },
);
let summary = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, numTotalTests: 0 };
try {
  summary = JSON.parse(readFileSync(out, 'utf8'));
} catch {
  console.error('vitest wrote no JSON report');
}
const skipped = summary.numPendingTests + summary.numTodoTests;
console.log(`${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${skipped} skipped`);
const code = run.status ?? 1;
process.exit(summary.numTotalTests === 0 ? 1 : code);
