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
import { PeriodicTask } from './periodic-task.js';

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
  private readonly task: PeriodicTask;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly metrics: HubMetrics,
    private readonly log: Logger,
  ) {
    this.task = new PeriodicTask(
      () => this.tick(),
      {
        intervalMs: config.MAINTENANCE_INTERVAL_MS,
        failureMessage: 'maintenance pass failed',
        retryNoSoonerThanInterval: true,
      },
      log,
    );
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Resolves once the loop's pass under way (the first runs at start) has ended, however it ended. */
  whenIdle(): Promise<void> {
    return this.task.whenIdle();
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
    for (let i = 0; i < MAX_BATCHES_PER_PASS && !this.task.stopped; i++) {
      const n = await pruneBatch(this.db, table, hours, this.config.PRUNE_BATCH_SIZE);
      total += n;
      if (n < this.config.PRUNE_BATCH_SIZE) break;
    }
    if (total > 0) this.metrics.pruned.inc({ table }, total);
    return total;
  }
}
