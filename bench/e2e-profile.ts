import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * `--profile`: where the time goes, per referral.
 * - statements every pg client of this process sends (the hub's pool included), grouped by their first
 *   words, with round-trip time and size (SQL text plus parameters);
 * - row writes per table (inserts, updates, how many of them HOT) in the bench database, and the WAL the
 *   whole cluster wrote meanwhile (pg_stat_wal is cluster-wide: other work on the server counts too);
 * - CPU milliseconds per referral of each kind of process, read from /proc, and this event loop's load.
 */
export type Profile = { stop(referrals: number): Promise<Record<string, unknown>> };

type Tally = { count: number; ms: number; chars: number };
type Counters = { tables: Map<string, number[]>; wal: number[]; lsn: string };

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function startProfile(databaseUrl: string): Promise<Profile> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const countersBefore = await readCounters(client);
  const tallies = new Map<string, Tally>();
  const restore = countStatements(tallies);
  const cpuBefore = readCpuByCommand();
  const loopBefore = performance.eventLoopUtilization();
  return {
    async stop(referrals) {
      restore();
      const loop = performance.eventLoopUtilization(loopBefore);
      const cpuAfter = readCpuByCommand();
      // Backends report their counts once idle, at most once a second (so the last rows may still be missing).
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const countersAfter = await readCounters(client);
      await client.end();
      const per = (value: number) => round(value / referrals);
      const cpuMsPerReferral = Object.fromEntries(
        [...cpuAfter]
          .map(([command, ticks]) => [command, per((ticks - (cpuBefore.get(command) ?? 0)) * 10)] as const)
          .filter(([, ms]) => ms >= 0.02)
          .sort((a, b) => b[1] - a[1]),
      );
      const statements = [...tallies]
        .sort((a, b) => b[1].count - a[1].count)
        .map(([sql, t]) => ({
          sql,
          perReferral: per(t.count),
          avgMs: round(t.ms / t.count),
          avgChars: Math.round(t.chars / t.count),
        }));
      const rowWritesPerReferral = Object.fromEntries(
        [...countersAfter.tables].flatMap(([table, after]) => {
          const before = countersBefore.tables.get(table) ?? [0, 0, 0];
          const [ins, upd, hot] = after.map((v, i) => per(v - before[i]!));
          return ins! + upd! > 0 ? [[table, { ins, upd, hot }]] : [];
        }),
      );
      const [records = 0, bytes = 0, fpi = 0, checkpoints = 0] = countersAfter.wal.map(
        (v, i) => v - countersBefore.wal[i]!,
      );
      return {
        statementsPerReferral: per(statements.reduce((sum, s) => sum + s.perReferral * referrals, 0)),
        // Near 1: this process's one thread (hub, clients and police together) never waits for work.
        eventLoopUtilization: round(loop.utilization),
        cpuMsPerReferral,
        statements,
        rowWritesPerReferral,
        // The range to break down with pg_walinspect's pg_get_wal_stats(from, to, true).
        // A checkpoint (CREATE/DROP DATABASE by tests running beside) makes every page's next change log
        // a full-page image: more WAL, slower commits.
        walPerReferral: {
          records: per(records),
          bytes: Math.round(bytes / referrals),
          fullPageImages: per(fpi),
        },
        checkpointsDuringRun: checkpoints,
        walRange: [countersBefore.lsn, countersAfter.lsn],
      };
    },
  };
}

/** Wraps pg.Client#query (the prototype, so pools made later count too); returns the undo. */
function countStatements(tallies: Map<string, Tally>): () => void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    const values = Array.isArray(args[1]) ? args[1] : [];
    const chars = values.reduce<number>(
      (sum, v) => sum + (typeof v === 'string' ? v.length : 8),
      text.length,
    );
    const started = performance.now();
    const result = original.apply(this, args);
    if (result instanceof Promise) {
      const key = labelOf(text);
      const done = (label: string) => () => {
        const t = tallies.get(label) ?? { count: 0, ms: 0, chars: 0 };
        t.count++;
        t.ms += performance.now() - started;
        t.chars += chars;
        tallies.set(label, t);
      };
      void result.then(done(key), done(`${key} (failed)`));
    }
    return result;
  };
  return () => {
    proto.query = original;
  };
}

async function readCounters(client: pg.Client): Promise<Counters> {
  const tables = await client.query<{ relname: string; ins: string; upd: string; hot: string }>(
    `SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot FROM pg_stat_user_tables`,
  );
  const wal = await client.query<{
    records: string;
    bytes: string;
    fpi: string;
    checkpoints: string;
    lsn: string;
  }>(
    `SELECT wal_records AS records, wal_bytes AS bytes, wal_fpi AS fpi,
       (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter) AS checkpoints,
       pg_current_wal_lsn()::text AS lsn
     FROM pg_stat_wal`,
  );
  // Statistics are cached per transaction; a fresh snapshot next time.
  await client.query('SELECT pg_stat_clear_snapshot()');
  return {
    tables: new Map(tables.rows.map((r) => [r.relname, [Number(r.ins), Number(r.upd), Number(r.hot)]])),
    wal: ['records', 'bytes', 'fpi', 'checkpoints'].map((k) => Number(wal.rows[0]?.[k as 'records'] ?? 0)),
    lsn: wal.rows[0]?.lsn ?? '',
  };
}

/** The statement's shape: whitespace folded, literals dropped, cut to 90 characters. */
function labelOf(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/'[^']*'/g, "'…'")
    .trim()
    .slice(0, 90);
}

/** utime + stime in clock ticks (USER_HZ, 100 on Linux) per command name over all processes (this one apart). */
function readCpuByCommand(): Map<string, number> {
  const totals = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      const name =
        pid === String(process.pid)
          ? 'node (this process)'
          : command.startsWith('postgres')
            ? 'postgres'
            : command.replace(/^kworker\/.*/, 'kworker');
      totals.set(name, (totals.get(name) ?? 0) + ticks);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return totals;
}
