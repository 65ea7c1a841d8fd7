import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { submitReferrals } from './e2e-clients.js';
import { type PoliceSystem, startDrainingSystem, startPoliceSystem } from './e2e-police.js';
import { startProfile } from './e2e-profile.js';
import { createBenchEnv, POLICE, PROCURATORATE, readServices } from './e2e-setup.js';
import { measureSpans, summarize, watchReceipts } from './e2e-stats.js';

/**
 * The whole hub end to end: C enforcement clients submit N criminal transfers over HTTP; the police system
 * gets each from its RabbitMQ inbox and answers with a receipt over AMQP; the run ends when every receipt
 * is in the ledger. `tsx bench/e2e.ts --n 2000 --c 32 [--keep] [--timeout 120]` (or BENCH_N, BENCH_C).
 * Prints one JSON object and writes it to bench-results/; exits 1 if anything was lost or not receipted.
 */
type Args = { n: number; concurrency: number; keep: boolean; profile: boolean; timeoutMs: number };

function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      n: { type: 'string' },
      c: { type: 'string' },
      keep: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      timeout: { type: 'string' },
    },
  });
  const positive = (name: string, raw: string | undefined, fallback: number) => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  return {
    n: positive('n', values.n ?? env.BENCH_N, 2000),
    concurrency: positive('c', values.c ?? env.BENCH_C, 32),
    keep: values.keep ?? false,
    profile: values.profile ?? false,
    timeoutMs: positive('timeout', values.timeout, 120) * 1000,
  };
}

async function runBench(args: Args) {
  const services = readServices(process.env);
  const env = await createBenchEnv(services, process.env, args.keep);
  const closers: (() => Promise<void>)[] = [];
  try {
    const users = env.amqpUsers;
    const police: PoliceSystem = await startPoliceSystem(
      services.amqpUrl,
      env.prefix,
      POLICE,
      users[POLICE]!,
    );
    closers.push(police.close);
    const copies = await startDrainingSystem(
      services.amqpUrl,
      env.prefix,
      PROCURATORATE,
      users[PROCURATORATE]!,
    );
    closers.push(copies.close);
    const watch = await watchReceipts(env.config.DATABASE_URL);
    closers.unshift(watch.stop);

    const profile = args.profile ? await startProfile(env.config.DATABASE_URL) : undefined;
    const submissions = await submitReferrals(env.baseUrl, env.enforcementKey, args.n, args.concurrency);
    const complete = await watch.waitForAll(submissions.submittedAt.keys(), args.timeoutMs);
    await police.flush();
    const profiled = await profile?.stop(args.n);

    const ids = [...submissions.submittedAt.keys()];
    const lastReceipt = Math.max(...ids.flatMap((id) => watch.receiptedAt.get(id) ?? []));
    const durationMs = lastReceipt - submissions.startedAt;
    const result = {
      n: args.n,
      concurrency: args.concurrency,
      durationSeconds: round(durationMs / 1000, 2),
      referralsPerSecond: round((args.n / durationMs) * 1000, 0),
      submitRps: round((args.n / (submissions.finishedAt - submissions.startedAt)) * 1000, 0),
      httpSubmit: summarize(submissions.httpMs),
      submitToDelivered: summarize(measureSpans(submissions.submittedAt, police.delivered)),
      submitToReceiptInLedger: summarize(measureSpans(submissions.submittedAt, watch.receiptedAt)),
      lost: ids.filter((id) => !police.delivered.has(id)).length,
      duplicatesDelivered: police.duplicates,
      notReceipted: ids.filter((id) => !watch.receiptedAt.has(id)).length,
      receiptsRejected: police.rejected,
      receiptsNacked: police.nacked,
      copiesReceived: copies.received(),
      ...(profiled ? { profile: profiled } : {}),
    };
    if (!complete) {
      console.error(
        `timed out after ${args.timeoutMs / 1000} s: ${args.n} submitted, ${police.delivered.size} delivered, ` +
          `${args.n - result.notReceipted} receipts in the ledger`,
      );
    }
    return result;
  } finally {
    for (const close of closers) await close();
    await env.teardown();
  }
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function writeResult(result: object): string {
  mkdirSync('bench-results', { recursive: true });
  const file = `bench-results/bench-${new Date().toISOString().replaceAll(':', '-')}.json`;
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

const result = await runBench(parseBenchArgs(process.argv.slice(2), process.env));
console.log(JSON.stringify(result, null, 2));
console.error(`written to ${writeResult(result)}`);
const failed =
  result.lost > 0 || result.notReceipted > 0 || result.receiptsRejected > 0 || result.receiptsNacked > 0;
process.exit(failed ? 1 : 0);
