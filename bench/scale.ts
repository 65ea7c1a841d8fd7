import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { issueApiKey } from '../db/agencies.js';
import { createDb, migrateToLatest } from '../db/connection.js';
import { AgencyDirectory } from '../db/directory.js';
import { RegionPolicy } from '../db/region-policy.js';
import { latestSealFor, StatementTrees, sealHeads } from '../db/seals.js';
import { buildApp } from '../gateway/app.js';
import { loadHubSigner } from '../runtime/hub-signer.js';
import { createLogger } from '../runtime/logger.js';
import { createMetrics } from '../runtime/metrics.js';
import { parseConfig } from '../schemas/config.js';
import { percentiles } from './percentiles.js';

/**
 * `npm run bench -- --mode scale [--referrals 1000000] [--regions 40] [--keep]`: seeds a synthetic region
 * set (a realistic mix of kinds, states and ages, with ledger events and duties) and measures the backlog
 * and statistics queries of one region through the gateway. Synthetic ledger hashes are not a valid chain.
 */
type Args = { referrals: number; regions: number; samples: number; keep: boolean; database?: string };

function parseArgs(argv: string[]): Args {
  const value = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const db = argv.indexOf('--database');
  return {
    referrals: value('referrals', 1_000_000),
    regions: value('regions', 40),
    samples: value('samples', 200),
    keep: argv.includes('--keep') || db >= 0,
    // Measure again on a database seeded before (kept with --keep): skips the seeding.
    ...(db >= 0 ? { database: argv[db + 1] } : {}),
  };
}

function progress(label: string, done: number, total: number, started: number) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const rate = done / Math.max(0.001, (performance.now() - started) / 1000);
  process.stderr.write(
    `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${Math.round(rate)}/s   `,
  );
  if (done >= total) process.stderr.write('\n');
}

const regionCode = (i: number) => `5${String(10000 + i).slice(-5)}`;

async function seedAgencies(client: pg.Client, regions: number) {
  for (let i = 0; i < regions; i++) {
    const r = regionCode(i);
    const rows: [string, string, string][] = [
      [`r${i}-coord`, '联席会议办公室', 'coordinator'],
      [`r${i}-proc`, '人民检察院', 'procuratorate'],
      [`r${i}-sup`, '监察委员会', 'supervision'],
      [`r${i}-pol-0`, '公安局', 'police'],
      [`r${i}-pol-1`, '公安局经侦大队', 'police'],
      ...Array.from({ length: 6 }, (_, k): [string, string, string] => [
        `r${i}-enf-${k}`,
        `行政执法机关${k}`,
        'enforcement',
      ]),
    ];
    for (const [code, name, kind] of rows) {
      await client.query(
        "INSERT INTO agencies (code, name, kind, region, delivery) VALUES ($1, $2, $3, $4, 'http')",
        [code, name, kind, r],
      );
    }
  }
}

/** One batch of referrals [from, to): kind, state and age drawn from the id, milestones and facts to match. */
const SEED_BATCH = `
WITH g AS (
  SELECT n, (n % $3) AS reg, abs(hashint4(n)) % 1000 AS h, abs(hashint4(n * 7 + 3)) % 1000 AS h2,
    now() - ((abs(hashint4(n * 13 + 1)) % 1095) || ' days')::interval - ((abs(hashint4(n)) % 86400) || ' seconds')::interval AS created
  FROM generate_series($1::int, $2::int - 1) n
), k AS (
  SELECT *, CASE WHEN h < 800 THEN 'criminal_transfer' WHEN h < 920 THEN 'reverse_transfer' ELSE 'duty_clue' END AS kind,
    -- older referrals are further along
    CASE WHEN created > now() - interval '10 days' THEN h2 % 4 ELSE 3 + h2 % 5 END AS depth
  FROM g
), s AS (
  SELECT *, CASE kind
      WHEN 'criminal_transfer' THEN (ARRAY['submitted','receipted','filed','declined','goods_handed_over','closed','decline_upheld','administratively_handled'])[1 + depth]
      WHEN 'reverse_transfer' THEN (ARRAY['submitted','receipted','handled','closed','closed','closed','closed','closed'])[1 + depth]
      ELSE (ARRAY['submitted','receipted','accepted','closed','closed','closed','closed','closed'])[1 + depth] END AS state,
    'r' || reg || CASE kind WHEN 'criminal_transfer' THEN '-enf-' || (h2 % 6) WHEN 'reverse_transfer' THEN '-pol-' || (h2 % 2) ELSE '-enf-' || (h2 % 6) END AS sender,
    'r' || reg || CASE kind WHEN 'criminal_transfer' THEN '-pol-' || (h % 2) WHEN 'reverse_transfer' THEN '-enf-' || (h % 6) ELSE '-sup' END AS recipient
  FROM k
)
INSERT INTO referrals (id, kind, state, sender_code, recipient_code, procuratorate_code, copy_codes, participant_codes, region,
  approved_at, late, version, head_seq, head_hash, created_at, updated_at, milestones, facts)
SELECT md5('ref' || n)::uuid, kind, state, sender, recipient,
  CASE WHEN kind = 'criminal_transfer' THEN 'r' || reg || '-proc' END, '{}',
  array_remove(ARRAY[sender, recipient, CASE WHEN kind = 'criminal_transfer' THEN 'r' || reg || '-proc' END], NULL),
  '5' || right((10000 + reg)::text, 5),
  created - interval '2 hours', h % 50 = 0, 1 + depth, 1 + depth, md5('head' || n) || md5('h2' || n), created, created + (depth || ' days')::interval,
  jsonb_strip_nulls(jsonb_build_object(
    'submitted', created,
    'receipted', CASE WHEN state <> 'submitted' THEN created + ((h2 % 48) || ' hours')::interval END,
    'filed', CASE WHEN state IN ('filed', 'goods_handed_over') OR (state = 'closed' AND kind = 'criminal_transfer') THEN created + ((48 + h % 72) || ' hours')::interval END,
    'declined', CASE WHEN state IN ('declined', 'decline_upheld', 'administratively_handled') THEN created + ((48 + h % 96) || ' hours')::interval END,
    'reconsideration_requested', CASE WHEN state IN ('decline_upheld', 'administratively_handled') THEN created + interval '6 days' END,
    'handled', CASE WHEN kind = 'reverse_transfer' AND state IN ('handled', 'closed') THEN created + interval '30 days' END,
    'closed', CASE WHEN state = 'closed' THEN created + interval '60 days' END)),
  jsonb_strip_nulls(jsonb_build_object(
    'late', h % 50 = 0,
    'declineReason', CASE WHEN state IN ('declined', 'decline_upheld', 'administratively_handled') THEN (ARRAY['no_crime_facts','below_threshold','insufficient_evidence','other'])[1 + h2 % 4] END,
    'handlingOutcome', CASE WHEN kind = 'reverse_transfer' AND state IN ('handled', 'closed') THEN (ARRAY['penalty','no_penalty'])[1 + h % 2] END))
FROM s`;

/** Ledger events (one per step) and duties (the open one for referrals that are still moving). */
const SEED_CHILDREN = `
WITH r AS (
  SELECT id, kind, state, sender_code, recipient_code, region, head_seq, created_at, milestones
  FROM referrals WHERE id IN (SELECT md5('ref' || n)::uuid FROM generate_series($1::int, $2::int - 1) n)
), ev AS (
  INSERT INTO ledger_events (referral_id, seq, event, action, actor_code, occurred_at, payload, prev_hash, hash)
  SELECT r.id, s, CASE WHEN s = 1 THEN 'submitted' WHEN s = r.head_seq THEN r.state ELSE 'progress' END, 'synthetic',
    CASE WHEN s = 1 THEN r.sender_code ELSE r.recipient_code END, r.created_at + ((s - 1) || ' days')::interval,
    -- The submission is the first event's payload.
    CASE WHEN s = 1 THEN jsonb_build_object('kind', r.kind, 'caseSummary',
      jsonb_build_object('title', '合成案件 ' || left(r.id::text, 8), 'facts', 'synthetic')) ELSE '{}'::jsonb END,
    CASE WHEN s = 1 THEN repeat('0', 64) ELSE md5('e' || r.id || (s - 1)) || md5('f' || r.id || (s - 1)) END,
    CASE WHEN s = r.head_seq THEN md5('head' || r.id) || md5('h2' || r.id) ELSE md5('e' || r.id || s) || md5('f' || r.id || s) END
  FROM r, generate_series(1, r.head_seq) s
)
INSERT INTO duties (id, referral_id, rule_id, region, is_window, responsible_code, counterparty_code, amount, unit,
  started_at, warn_at, due_at, status, opened_seq, closed_seq, closed_at)
SELECT md5('duty' || r.id || d)::uuid, r.id,
  CASE WHEN r.state = 'submitted' THEN 'receipt_due' WHEN r.state = 'receipted' THEN 'filing_decision_due' WHEN r.state = 'filed' THEN 'goods_handover_due' ELSE 'receipt_due' END,
  r.region, false,
  CASE WHEN r.state = 'filed' THEN r.sender_code ELSE r.recipient_code END, r.sender_code, 3, 'calendar_day',
  r.updated_at, r.updated_at + interval '2 days', r.updated_at + interval '3 days',
  CASE WHEN d = 1 AND r.state IN ('submitted', 'receipted', 'filed') THEN
      CASE WHEN r.updated_at + interval '3 days' < now() THEN 'overdue' WHEN r.updated_at + interval '2 days' < now() THEN 'warned' ELSE 'open' END
    ELSE (ARRAY['met', 'met', 'met', 'met_late'])[1 + abs(hashint4(d * 31 + r.head_seq)) % 4] END,
  1, CASE WHEN d = 1 AND r.state IN ('submitted', 'receipted', 'filed') THEN NULL ELSE 2 END,
  CASE WHEN d = 1 AND r.state IN ('submitted', 'receipted', 'filed') THEN NULL ELSE r.updated_at + interval '1 day' END
FROM (SELECT r.*, x.updated_at FROM r JOIN referrals x USING (id)) r, generate_series(1, CASE WHEN r.head_seq > 2 THEN 2 ELSE 1 END) d`;

async function counts(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const result = await client.query(
    'SELECT (SELECT count(*) FROM referrals)::int AS referrals, (SELECT count(*) FROM ledger_events)::int AS events, (SELECT count(*) FROM duties)::int AS duties',
  );
  await client.end();
  return { ...result.rows[0], seedSeconds: null };
}

async function seed(databaseUrl: string, args: Args) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await seedAgencies(client, args.regions);
  const started = performance.now();
  const batch = 50_000;
  for (let from = 0; from < args.referrals; from += batch) {
    const to = Math.min(args.referrals, from + batch);
    await client.query(SEED_BATCH, [from, to, args.regions]);
    await client.query(SEED_CHILDREN, [from, to]);
    progress('seeding', to, args.referrals, started);
  }
  process.stderr.write('vacuuming and analyzing…\n');
  await client.query('VACUUM ANALYZE');
  const counts = await client.query(
    'SELECT (SELECT count(*) FROM referrals)::int AS referrals, (SELECT count(*) FROM ledger_events)::int AS events, (SELECT count(*) FROM duties)::int AS duties',
  );
  await client.end();
  return { ...counts.rows[0], seedSeconds: Math.round((performance.now() - started) / 100) / 10 };
}

export async function runScaleBench(argv: string[]) {
  const args = parseArgs(argv);
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = args.database ?? `hub_scale_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  if (!args.database) await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const config = parseConfig({ DATABASE_URL: url.toString(), LOG_LEVEL: 'silent' });
  if (!config.ok) throw new Error(config.message);
  const db = createDb(config.value.DATABASE_URL, 8);
  try {
    await migrateToLatest(db);
    const seeded = args.database
      ? await counts(config.value.DATABASE_URL)
      : await seed(config.value.DATABASE_URL, args);
    const directory = new AgencyDirectory(db);
    const app = await buildApp({
      config: config.value,
      db,
      directory,
      policy: new RegionPolicy(db),
      metrics: createMetrics(),
      log: createLogger('silent'),
    });
    const keys = await Promise.all(
      Array.from({ length: args.regions }, (_, i) => issueApiKey(db, `r${i}-coord`).then((k) => k.key)),
    );
    const year = new Date().getUTCFullYear() - 1;
    const timed = async (path: (i: number) => string) => {
      const samples: number[] = [];
      for (let i = 0; i < args.samples; i++) {
        const key = keys[i % keys.length];
        const t0 = performance.now();
        const res = await app.inject({
          method: 'GET',
          url: path(i),
          headers: { authorization: `Bearer ${key}` },
        });
        samples.push(performance.now() - t0);
        if (res.statusCode !== 200)
          throw new Error(`${path(i)} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
      }
      const kept = samples.slice(Math.min(10, samples.length / 10));
      const { p50, p95, max } = percentiles(kept);
      return { p50, p95, max, n: kept.length };
    };
    const period = `from=${year}-01-01T00:00:00%2B08:00&to=${year + 1}-01-01T00:00:00%2B08:00`;
    // Issue 15: a statement of every head, twice, and a referral's inclusion proof under the latest. The
    // first records every head in statement_heads, the second (nothing changed between) none.
    const signer = await loadHubSigner(db, config.value);
    const clocked = async <T>(run: () => Promise<T>) => {
      const t0 = performance.now();
      const value = await run();
      return { value, ms: Math.round(performance.now() - t0) };
    };
    const first = await clocked(() => sealHeads(db, signer, 'periodic', new Date()));
    const again = await clocked(() => sealHeads(db, signer, 'periodic', new Date()));
    const headRows = async (statementId: string) =>
      Number(
        (
          await db
            .selectFrom('statement_heads')
            .select(db.fn.countAll<string>().as('n'))
            .where('statement_id', '=', statementId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const headRowsRecorded = [await headRows(first.value.id), await headRows(again.value.id)];
    const { rows: sized } = await sql<{ bytes: string }>`
      SELECT pg_total_relation_size('statement_heads') AS bytes
    `.execute(db);
    const headBytes = Number(sized[0]?.bytes);
    const sample = await db.selectFrom('referrals').select('id').limit(5).execute();
    // Each proof building its statement's tree, then the gateway's way: the tree kept for the next.
    const proofMs: number[] = [];
    const keptTreeProofMs: number[] = [];
    const trees = new StatementTrees();
    for (const [times, kept] of [
      [proofMs, undefined],
      [keptTreeProofMs, trees],
    ] as const) {
      for (const { id } of sample) {
        const proof = await clocked(() => latestSealFor(db, id, undefined, kept));
        if (!proof.value) throw new Error(`no proof for ${id}`);
        times.push(proof.ms);
      }
    }
    const result = {
      mode: 'scale',
      ...seeded,
      statements: {
        sealFirstMs: first.ms,
        sealAgainMs: again.ms,
        proofMs,
        keptTreeProofMs,
        headRowsRecorded,
        headBytes,
      },
      regions: args.regions,
      backlogMs: await timed(() => '/v1/backlog'),
      backlogOverdueMs: await timed(() => '/v1/backlog?overdue=true'),
      statisticsRegionYearMs: await timed(() => `/v1/statistics?${period}`),
      // Issue 16: a Prometheus scrape stays cheap however big the record grows.
      metricsScrapeMs: await timed(() => '/metrics'),
      target:
        'p95 < 100 ms for the backlog and the statistics of one region and year; a /metrics scrape < 20 ms',
    };
    console.log(JSON.stringify({ ...result, database: args.keep ? name : undefined }, null, 2));
    await app.close();
    return result;
  } finally {
    await db.destroy();
    if (!args.keep) await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
}

if (process.argv[1]?.endsWith('scale.ts')) {
  runScaleBench(process.argv.slice(2)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
