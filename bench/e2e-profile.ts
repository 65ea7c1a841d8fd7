import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * `--profile`: where the time goes. Counts the statements every pg client of this process sends (the hub's
 * pool included), grouped by their first words, with round-trip time and size (SQL text plus parameters); and the CPU seconds each kind of
 * process (node, postgres, beam.smp) used between `start` and `stop`, read from /proc, and how busy this
 * process's event loop was.
 */
export type Profile = { stop(referrals: number): Record<string, unknown> };

type Tally = { count: number; ms: number; bytes: number };

export function startProfile(): Profile {
  const tallies = new Map<string, Tally>();
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    const values = Array.isArray(args[1]) ? args[1] : [];
    const bytes =
      text.length + values.reduce<number>((sum, v) => sum + (typeof v === 'string' ? v.length : 8), 0);
    const started = performance.now();
    const result = original.apply(this, args);
    if (result instanceof Promise) {
      const key = labelOf(text);
      void result.then(
        () => tally(tallies, key, performance.now() - started, bytes),
        () => tally(tallies, `${key} (failed)`, performance.now() - started, bytes),
      );
    }
    return result;
  };
  const cpuBefore = readCpuByCommand();
  const loopBefore = performance.eventLoopUtilization();
  return {
    stop(referrals) {
      proto.query = original;
      const loop = performance.eventLoopUtilization(loopBefore);
      const cpuAfter = readCpuByCommand();
      const cpuSeconds = Object.fromEntries(
        [...cpuAfter]
          .map(([command, ticks]) => [command, (ticks - (cpuBefore.get(command) ?? 0)) / 100] as const)
          .filter(([, seconds]) => seconds >= 0.05)
          .sort((a, b) => b[1] - a[1]),
      );
      const statements = [...tallies]
        .sort((a, b) => b[1].count - a[1].count)
        .map(([sql, t]) => ({
          sql,
          perReferral: Math.round((t.count / referrals) * 100) / 100,
          count: t.count,
          avgMs: Math.round((t.ms / t.count) * 100) / 100,
          avgChars: Math.round(t.bytes / t.count),
        }));
      const total = statements.reduce((sum, s) => sum + s.count, 0);
      return {
        statementsPerReferral: Math.round((total / referrals) * 100) / 100,
        // Near 1: this process's one thread (hub, clients and police together) is what limits the rate.
        eventLoopUtilization: Math.round(loop.utilization * 100) / 100,
        statements,
        cpuSeconds,
      };
    },
  };
}

function tally(tallies: Map<string, Tally>, key: string, ms: number, bytes: number): void {
  const t = tallies.get(key) ?? { count: 0, ms: 0, bytes: 0 };
  t.count++;
  t.ms += ms;
  t.bytes += bytes;
  tallies.set(key, t);
}

/** The statement's shape: whitespace folded, literals dropped, cut to 90 characters. */
function labelOf(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/'[^']*'/g, "'…'")
    .trim()
    .slice(0, 90);
}

/** utime + stime in clock ticks (USER_HZ, 100 on Linux) summed per command name over all processes (this one apart). */
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
            : command;
      totals.set(name, (totals.get(name) ?? 0) + ticks);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return totals;
}
