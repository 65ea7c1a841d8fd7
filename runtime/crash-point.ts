import type { Config } from '../schemas/config.js';

const passed = new Map<string, number>();

/**
 * A fault-injection point: when HUB_CRASH_AT names it, the process dies here (SIGKILL, no cleanup) the
 * HUB_CRASH_AFTER-th time it passes. A no-op otherwise.
 */
export function crashPoint(config: Config, name: NonNullable<Config['HUB_CRASH_AT']>): void {
  if (config.HUB_CRASH_AT !== name) return;
  const n = (passed.get(name) ?? 0) + 1;
  passed.set(name, n);
  if (n >= config.HUB_CRASH_AFTER) process.kill(process.pid, 'SIGKILL');
}
