import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { composeHub } from '../bin/compose.js';
import { issueApiKey, upsertAgency } from '../db/agencies.js';
import { createDb, migrateToLatest } from '../db/connection.js';
import { createLogger } from '../runtime/logger.js';
import { parseConfig } from '../schemas/config.js';
import { agencyGrant, deleteAmqpUser, management, provisionAmqpUser, vhostOf } from '../workers/provision.js';

export type PipelineArgs = { n: number; c: number; keep: boolean };

const REGION = '510104';
export function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

export async function runPipelineBench(args: PipelineArgs) {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const mgmt = process.env.RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672';
  const id = randomBytes(4).toString('hex');
  const dbName = `hub_bench_${id}`;
  const prefix = `bench${id}.`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(base);
  dbUrl.pathname = `/${dbName}`;
  const parsed = parseConfig({
    DATABASE_URL: dbUrl.toString(),
    AMQP_URL: amqpUrl,
    RABBITMQ_MANAGEMENT_URL: mgmt,
    AMQP_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: process.env.DB_POOL_SIZE,
  });
  if (!parsed.ok) throw new Error(parsed.message);
  const config = parsed.value;
  const db = createDb(config.DATABASE_URL, config.DB_POOL_SIZE);
  const users: { user: string; password: string }[] = [];
  let hub: Awaited<ReturnType<typeof composeHub>> | undefined;
  try {
    await migrateToLatest(db);
    const grant = async (code: string) => {
      const g = await provisionAmqpUser(mgmt, agencyGrant(prefix, code, vhostOf(amqpUrl)));
      users.push(g);
      return g;
    };
    const police = await grant('bench-police');
    const proc = await grant('bench-proc');
    await upsertAgency(db, {
      code: 'bench-enf',
      name: '基准市场监管局',
      kind: 'enforcement',
      region: REGION,
      parent: null,
      delivery: 'http',
    });
    await upsertAgency(
      db,
      {
        code: 'bench-police',
        name: '基准公安局',
        kind: 'police',
        region: REGION,
        parent: null,
        delivery: 'amqp',
      },
      police.user,
    );
    await upsertAgency(
      db,
      {
        code: 'bench-proc',
        name: '基准人民检察院',
        kind: 'procuratorate',
        region: REGION,
        parent: null,
        delivery: 'amqp',
      },
      proc.user,
    );
    const key = (await issueApiKey(db, 'bench-enf')).key;
    hub = await composeHub(config, { db, log: createLogger('silent') });
    await hub.app.listen({ host: '127.0.0.1', port: 0 });
    const address = hub.app.server.address();
    const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    // The agencies and the HTTP clients run in a process of their own, as they would in life.
    const agents = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        new URL('./agents.ts', import.meta.url).pathname,
        JSON.stringify({ baseUrl, key, amqpUrl, prefix, police, proc, n: args.n, c: args.c }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    agents.stdout.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => agents.on('exit', resolve));

    // Receipts commit out of timestamp order: read a trailing window, not strictly "newer than".
    const receiptedAt = new Map<string, number>();
    let polling = true;
    const poller = (async () => {
      let since = new Date(0);
      while (polling) {
        const rows = await hub!.db
          .selectFrom('ledger_events')
          .select(['referral_id', 'recorded_at'])
          .where('event', '=', 'receipted')
          .where('recorded_at', '>', since)
          .execute();
        for (const r of rows) {
          if (!receiptedAt.has(r.referral_id)) receiptedAt.set(r.referral_id, r.recorded_at.getTime());
          if (r.recorded_at.getTime() - 5000 > since.getTime())
            since = new Date(r.recorded_at.getTime() - 5000);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const code = await exited;
    if (code !== 0) throw new Error(`the agents process exited with ${code}`);
    const report = JSON.parse(output) as {
      started: number;
      submitsDone: number;
      submitted: Record<string, number>;
      delivered: Record<string, number>;
      httpMs: number[];
      duplicates: number;
    };
    const deadline = Date.now() + 60_000;
    while (receiptedAt.size < args.n && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    polling = false;
    await poller;
    const submittedAt = new Map(Object.entries(report.submitted));
    const delivered = new Map(Object.entries(report.delivered));
    const started = report.started;
    const submitsDone = report.submitsDone;
    const httpMs = report.httpMs;
    const duplicates = report.duplicates;
    const finished = Math.max(...receiptedAt.values());
    const lost = [...submittedAt.keys()].filter((k) => !delivered.has(k)).length;
    const notReceipted = [...submittedAt.keys()].filter((k) => !receiptedAt.has(k)).length;
    const toDelivered = [...submittedAt].flatMap(([k, t]) =>
      delivered.has(k) ? [delivered.get(k)! - t] : [],
    );
    const toLedger = [...submittedAt].flatMap(([k, t]) =>
      receiptedAt.has(k) ? [receiptedAt.get(k)! - t] : [],
    );
    const lastReceipt = finished;
    return {
      mode: 'pipeline',
      n: args.n,
      concurrency: args.c,
      durationSeconds: Math.round((finished - started) / 10) / 100,
      referralsPerSecond: Math.round(args.n / ((lastReceipt - started) / 1000)),
      submitsPerSecond: Math.round(args.n / ((submitsDone - started) / 1000)),
      httpSubmitMs: percentiles(httpMs),
      submitToDeliveredMs: percentiles(toDelivered),
      submitToReceiptInLedgerMs: percentiles(toLedger),
      lost,
      notReceipted,
      duplicatesDelivered: duplicates,
    };
  } finally {
    await hub?.stop();
    await db.destroy().catch(() => {});
    const queues = (await management(mgmt, 'GET', '/api/queues?columns=name,vhost')) as {
      name: string;
      vhost: string;
    }[];
    for (const q of queues.filter((q) => q.name.startsWith(prefix))) {
      await management(
        mgmt,
        'DELETE',
        `/api/queues/${encodeURIComponent(q.vhost)}/${encodeURIComponent(q.name)}`,
        undefined,
        [404],
      );
    }
    const exchanges = (await management(mgmt, 'GET', '/api/exchanges?columns=name,vhost')) as {
      name: string;
      vhost: string;
    }[];
    for (const e of exchanges.filter((e) => e.name.startsWith(prefix))) {
      await management(
        mgmt,
        'DELETE',
        `/api/exchanges/${encodeURIComponent(e.vhost)}/${encodeURIComponent(e.name)}`,
        undefined,
        [404],
      );
    }
    for (const u of users) await deleteAmqpUser(mgmt, u.user);
    if (!args.keep) await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}
