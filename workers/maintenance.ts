import type { Db } from '../db/connection.js';
import {
  type HotTable,
  hotTableStats,
  type PRUNABLE,
  type Prunable,
  pruneBatch,
  type TableStats,
  vacuumTables,
} from '../db/maintenance.js';
import type { Logger } from '../runtime/logger.js';
import type { HubMetrics } from '../runtime/metrics.js';
import type { Config } from '../schemas/config.js';
import { backoffMs } from './connection.js';

// Batches per table per pass: 20 × PRUNE_BATCH_SIZE (20,000 rows by default) every 10 s is far more than
// the hub records at 120 referrals a second, so a backlog (after an outage, a longer window shortened)
// drains in a few passes without one pass running long.
const MAX_BATCHES_PER_PASS = 20;

const LIVE_SHARE = 0.02;

// With the server's autovacuum on, the hub steps in only when it lags this far behind the hub's threshold.
const LAGGING_FACTOR = 4;

/**
 * The workers' housekeeping, every MAINTENANCE_INTERVAL_MS: prunes idempotency keys and processed message
 * ids older than their windows in small batches, then vacuums each hot table whose dead rows passed
 * MAINTENANCE_DEAD_ROWS (+2 % of its live rows) — when the server's autovacuum is off, or lagging behind
 * (four times that). Several workers processes may run it: the vacuum is taken by one at a time.
 */
export class Maintenance {
  private running = false;
  /** The loop's pass under way, if any. */
  private pass: Promise<unknown> | undefined;
  private stopped = false;
  private loopDone: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly metrics: HubMetrics,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loopDone;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        this.pass = this.tick();
        await this.pass;
        failures = 0;
      } catch (error) {
        failures++;
        this.log.warn({ err: (error as Error).message, failures }, 'maintenance pass failed');
      }
      if (!this.running) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, Math.max(this.config.MAINTENANCE_INTERVAL_MS, backoffMs(failures)));
      });
    }
  }

  /** Resolves once the loop's pass under way (the first runs at start) has ended, however it ended. */
  async whenIdle(): Promise<void> {
    await this.pass?.catch(() => {});
  }

  /** One pass: what it pruned per table and which tables it vacuumed. */
  async tick(): Promise<{ pruned: Record<Prunable, number>; vacuumed: HotTable[] }> {
    const pruned = {
      processed_messages: await this.prune(
        'processed_messages',
        this.config.PROCESSED_MESSAGE_RETENTION_HOURS,
      ),
      idempotency_keys: await this.prune('idempotency_keys', this.config.IDEMPOTENCY_KEY_RETENTION_HOURS),
    } satisfies Record<Prunable, number>;
    const stats = await hotTableStats(this.db);
    this.metrics.autovacuumOn.set(stats.autovacuum ? 1 : 0);
    const due = stats.tables.filter((t) => this.needsVacuum(t, stats.autovacuum)).map((t) => t.table);
    const vacuumed = await vacuumTables(this.db, due);
    for (const table of vacuumed) this.metrics.vacuums.inc({ table });
    if (vacuumed.length > 0) this.log.debug({ vacuumed }, 'vacuumed hot tables');
    return { pruned, vacuumed };
  }

  private needsVacuum(t: TableStats, autovacuum: boolean): boolean {
    // 2 % of the live rows, as migration 0012 asks of the server's autovacuum: each VACUUM reads every index
    // of the table, so a share (not a fixed count) keeps its cost per dead row the same as the table grows,
    // and 2 % keeps the duties' partial indexes the deadline watcher reads nearly free of dead entries.
    const threshold = this.config.MAINTENANCE_DEAD_ROWS + LIVE_SHARE * t.live;
    return t.dead >= (autovacuum ? LAGGING_FACTOR * threshold : threshold);
  }

  private async prune(table: keyof typeof PRUNABLE, hours: number): Promise<number> {
    let total = 0;
    for (let i = 0; i < MAX_BATCHES_PER_PASS && !this.stopped; i++) {
      const n = await pruneBatch(this.db, table, hours, this.config.PRUNE_BATCH_SIZE);
      total += n;
      if (n < this.config.PRUNE_BATCH_SIZE) break;
    }
    if (total > 0) this.metrics.pruned.inc({ table }, total);
    return total;
  }
}
