import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU over a window from /proc: the whole machine (/proc/stat, every core, load generator included, as
 * the reference pipeline counts it) and per group of processes (PostgreSQL, RabbitMQ, the hub, the load
 * generator), so that a figure per referral can be split by where it was spent.
 */
const HZ = 100; // USER_HZ on Linux

type Snapshot = { busy: number; total: number; groups: Map<number, { group: string; ticks: number }> };

function machine(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, ...fields] = line.trim().split(/\s+/);
  const n = fields.map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = n;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** utime + stime of a /proc stat line (process or thread), in ticks; the command name may hold spaces. */
function cpuTicks(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

function processes(labels: Map<number, string>): Map<number, { group: string; ticks: number }> {
  const found = new Map<number, { group: string; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ticks = cpuTicks(stat);
    const group =
      labels.get(pid) ??
      (comm === 'postgres'
        ? 'postgres'
        : comm === 'beam.smp' || comm.startsWith('erl')
          ? 'rabbitmq'
          : 'other');
    found.set(pid, { group, ticks });
  }
  return found;
}

export type CpuReport = {
  seconds: number;
  machineCpuSeconds: number;
  machineBusyPct: number;
  byGroup: Record<string, number>;
  /** CPU of this process's main thread (the event loop), apart from its GC and worker threads. */
  mainThreadCpuSeconds: number;
  /** Share of the window this process's event loop was not waiting for I/O (running, or runnable but not scheduled). */
  eventLoopUtilization: number;
};

/** utime + stime of this process's main thread, in seconds. */
function mainThreadSeconds(): number {
  const pid = process.pid;
  return cpuTicks(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')) / HZ;
}

/** Starts a window; the function it returns ends it and reports the CPU spent meanwhile. */
export function cpuWindow(labels: Record<string, number>): () => CpuReport {
  const byPid = new Map(Object.entries(labels).map(([group, pid]) => [pid, group]));
  const start: Snapshot = { ...machine(), groups: processes(byPid) };
  const t0 = performance.now();
  const main0 = mainThreadSeconds();
  const elu0 = performance.eventLoopUtilization();
  return () => {
    const end: Snapshot = { ...machine(), groups: processes(byPid) };
    const byGroup: Record<string, number> = {};
    for (const [pid, p] of end.groups) {
      const spent = (p.ticks - (start.groups.get(pid)?.ticks ?? 0)) / HZ;
      byGroup[p.group] = (byGroup[p.group] ?? 0) + spent;
    }
    for (const k of Object.keys(byGroup)) byGroup[k] = Math.round((byGroup[k] ?? 0) * 100) / 100;
    const busy = end.busy - start.busy;
    return {
      seconds: Math.round(performance.now() - t0) / 1000,
      machineCpuSeconds: Math.round((busy / HZ) * 100) / 100,
      machineBusyPct: Math.round((1000 * busy) / Math.max(1, end.total - start.total)) / 10,
      byGroup,
      mainThreadCpuSeconds: Math.round((mainThreadSeconds() - main0) * 100) / 100,
      eventLoopUtilization: Math.round(performance.eventLoopUtilization(elu0).utilization * 100) / 100,
    };
  };
}
