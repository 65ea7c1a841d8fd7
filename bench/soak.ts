import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
import { HOT_TABLES } from '../db/maintenance.js';
import { provisionBench, stopChild } from './bench-hub.js';
import type { IntervalReport, LoadResult, LoadSetup } from './load.js';
import { percentiles } from './percentiles.js';

export type SoakArgs = { minutes: number; rate: number; clients: number };

type MinuteLine = {
  minute: number;
  submitted: number;
  deliveredMs: { p50: number; p99: number };
  receiptInLedgerMs: { p50: number; p99: number };
  receiptNoticeMs: { p50: number; p99: number };
  pending: number;
  outboxBacklog: number;
  rssMb: { gateway: number; workers: number };
  deadRows: Record<string, number>;
  autovacuum: string;
};

const root = new URL('..', import.meta.url).pathname;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function rssMb(pid: number | undefined): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return Math.round(Number(line?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

async function waitReady(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} was not ready within 60 s`);
}

/** Bytes of each table (heap, indexes, TOAST) of the hub's schema. */
async function tableBytes(db: Db): Promise<Record<string, number>> {
  const { rows } = await sql<{ table: string; bytes: string }>`
    SELECT relname AS table, pg_total_relation_size(relid) AS bytes FROM pg_stat_user_tables
    WHERE schemaname = current_schema() AND relname NOT LIKE 'kysely_%'`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.table, Number(r.bytes)]));
}

async function deadRows(db: Db): Promise<{ dead: Record<string, number>; autovacuum: string }> {
  const { rows } = await sql<{ table: string; dead: string; autovacuum: string }>`
    SELECT relname AS table, n_dead_tup AS dead, current_setting('autovacuum') AS autovacuum
    FROM pg_stat_user_tables
    WHERE schemaname = current_schema() AND relname = ANY(${[...HOT_TABLES]}::text[])`.execute(db);
  return {
    dead: Object.fromEntries(HOT_TABLES.map((t) => [t, Number(rows.find((r) => r.table === t)?.dead ?? 0)])),
    autovacuum: rows[0]?.autovacuum ?? '?',
  };
}

/** Submission → receipt appended to the ledger, for the referrals of one interval. */
async function receiptInLedger(db: Db, submitted: Record<string, number>) {
  const ids = Object.keys(submitted);
  if (ids.length === 0) return percentiles([]);
  const { rows } = await sql<{ referral_id: string; at: number }>`
    SELECT referral_id, extract(epoch FROM recorded_at) * 1000 AS at FROM ledger_events
    WHERE referral_id = ANY(${ids}::uuid[]) AND event = 'receipted'`.execute(db);
  return percentiles(rows.map((r) => Number(r.at) - (submitted[r.referral_id] ?? 0)));
}

/**
 * `--mode soak --minutes 10 --rate 120`: the gateway and the workers as separate processes (as docker
 * compose runs them) on a fresh database, the agencies' systems in a third: criminal transfers at a steady
 * rate, each receipted by the police over AMQP. One line a minute: submit → police delivery, → receipt in
 * the ledger and → receipt notice (p50/p99 ms, of the referrals submitted that minute), the outbox backlog,
 * each process's RSS, dead rows of the hot tables; at the end the database's growth per referral by table.
 */
export async function runSoak(args: SoakArgs): Promise<Record<string, unknown>> {
  const [port, healthPort] = [await freePort(), await freePort()];
  const setup = await provisionBench();
  const { config, db } = setup;
  const env = {
    ...process.env,
    DATABASE_URL: config.DATABASE_URL,
    AMQP_URL: config.AMQP_URL,
    RABBITMQ_MANAGEMENT_URL: config.RABBITMQ_MANAGEMENT_URL,
    AMQP_PREFIX: config.AMQP_PREFIX,
    HOST: '127.0.0.1',
    PORT: String(port),
    WORKERS_HEALTH_PORT: String(healthPort),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const start = (entry: string) =>
    spawn(process.execPath, ['--import', 'tsx', `${root}${entry}`], {
      cwd: root,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  const gateway = start('gateway/main.ts');
  const workers = start('workers/main.ts');
  let generator: ChildProcess | undefined;
  try {
    await waitReady(`http://127.0.0.1:${port}/readyz`, gateway, 'the gateway');
    await waitReady(`http://127.0.0.1:${healthPort}/readyz`, workers, 'the workers');
    const before = await tableBytes(db);
    const load: LoadSetup = {
      baseUrl: `http://127.0.0.1:${port}`,
      key: setup.key,
      amqpUrl: setup.amqpUrl,
      prefix: setup.prefix,
      users: setup.users,
      mode: 'round-trip',
      warmupSeconds: 0,
      durationSeconds: args.minutes * 60,
      clients: args.clients,
      rate: args.rate,
      reportEverySeconds: 60,
      reportDelaySeconds: 5,
    };
    generator = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('./load.ts', import.meta.url).pathname, JSON.stringify(load)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const minutes: MinuteLine[] = [];
    let result: LoadResult | undefined;
    const pick = (p: { p50: number; p99: number }) => ({ p50: p.p50, p99: p.p99 });
    for await (const line of createInterface({ input: generator.stdout as NodeJS.ReadableStream })) {
      const [tag, rest] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
      if (tag === 'REPORT') {
        const report = JSON.parse(rest) as IntervalReport;
        const [backlog, dead] = await Promise.all([
          sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox`.execute(db),
          deadRows(db),
        ]);
        const minute: MinuteLine = {
          minute: report.interval,
          submitted: Object.keys(report.submitted).length,
          deliveredMs: pick(report.deliveredMs),
          receiptInLedgerMs: pick(await receiptInLedger(db, report.submitted)),
          receiptNoticeMs: pick(report.receiptNoticeMs),
          pending: report.pending,
          outboxBacklog: backlog.rows[0]?.n ?? 0,
          rssMb: { gateway: rssMb(gateway.pid), workers: rssMb(workers.pid) },
          deadRows: dead.dead,
          autovacuum: dead.autovacuum,
        };
        minutes.push(minute);
        console.error(JSON.stringify(minute));
      } else if (tag === 'RESULT') result = JSON.parse(rest) as LoadResult;
    }
    if (!result) throw new Error('the load generator ended without a result');
    const submitted = Object.keys(result.submitted);
    if (submitted.length === 0) {
      throw new Error(
        `no submission was accepted (${result.failedSubmits} refused; first: ${result.firstFailure})`,
      );
    }
    // The deliveries' records reach their final state a moment after the last receipt notice.
    await new Promise((r) => setTimeout(r, 3000));
    const after = await tableBytes(db);
    const referrals = submitted.length;
    const growth = Object.fromEntries(
      Object.entries(after)
        .map(([t, bytes]) => [t, Math.round((bytes - (before[t] ?? 0)) / referrals)] as const)
        .filter(([, b]) => b !== 0)
        .sort((a, b) => b[1] - a[1]),
    );
    const total = Object.values(growth).reduce((a, b) => a + b, 0);
    return {
      mode: 'soak',
      minutes: args.minutes,
      rate: args.rate,
      submitted: referrals,
      lost: submitted.filter((id) => !result?.receipted[id]).length,
      duplicates: result.duplicates,
      failedSubmits: result.failedSubmits,
      perMinute: minutes,
      bytesPerReferral: { total, byTable: growth },
    };
  } finally {
    try {
      // The load generator too: when this loop throws it would otherwise run on for the soak's minutes.
      await Promise.all([stopChild(gateway), stopChild(workers), stopChild(generator)]);
    } finally {
      await setup.remove();
    }
  }
}
