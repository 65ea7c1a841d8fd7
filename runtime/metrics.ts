import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { loadCalendar } from '../db/calendar-years.js';
import { type Db, poolOf } from '../db/connection.js';
import { countBreaks } from '../db/integrity.js';
import { HOT_TABLES, hotTableStats } from '../db/maintenance.js';
import { outboxLag } from '../db/outbox.js';
import { provisionalYearsAhead } from '../schemas/calendar.js';

/** One registry per process (not prom-client's global one), so that tests can build many hubs side by side. */
export type HubMetrics = ReturnType<typeof createMetrics>;

export function createMetrics(db?: Db, clock: () => Date = () => new Date()) {
  const registry = new Registry();
  // What a Node operator expects: CPU, memory, heap spaces, event-loop lag, GC, handles (prom-client).
  collectDefaultMetrics({ register: registry });
  const httpRequests = new Counter({
    name: 'hub_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'hub_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const messagesPublished = new Counter({
    name: 'hub_messages_published_total',
    help: 'Outbox messages published to RabbitMQ and confirmed',
    registers: [registry],
  });
  const messagesConsumed = new Counter({
    name: 'hub_messages_consumed_total',
    help: 'Commands consumed from hub.inbound by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'hub_dead_letters_total',
    help: 'Messages sent to the dead-letter queue by reason code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const commandBatch = new Histogram({
    name: 'hub_command_batch_size',
    help: 'Commands decided and written together (group commit)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [registry],
  });
  const commandBatchSeconds = new Histogram({
    name: 'hub_command_batch_duration_seconds',
    help: 'Time from loading a batch of commands to its commit',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const relayBatch = new Histogram({
    name: 'hub_relay_batch_size',
    help: 'Messages the relay claimed, published and confirmed together',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [registry],
  });
  const relayClaimSeconds = new Histogram({
    name: 'hub_relay_claim_duration_seconds',
    help: 'Time the relay took to claim a batch',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [registry],
  });
  const eventsVerified = new Counter({
    name: 'hub_ledger_events_verified_total',
    help: 'Ledger events whose link the integrity watch checked as they were appended',
    registers: [registry],
  });
  const sweepProgress = new Gauge({
    name: 'hub_ledger_sweep_progress',
    help: 'Share of the referrals the current sweep over every chain has checked (0..1)',
    registers: [registry],
  });
  const sweepsCompleted = new Counter({
    name: 'hub_ledger_sweeps_total',
    help: 'Sweeps over every chain completed',
    registers: [registry],
  });
  const autovacuumOn = new Gauge({
    name: 'hub_maintenance_autovacuum_on',
    help: "Whether the server's autovacuum runs (1) or not (0), as the workers' maintenance last saw it",
    registers: [registry],
  });
  const vacuums = new Counter({
    name: 'hub_maintenance_vacuums_total',
    help: 'VACUUMs of a hot table run by the hub itself (the server did not vacuum it in time)',
    labelNames: ['table'] as const,
    registers: [registry],
  });
  const pruned = new Counter({
    name: 'hub_maintenance_pruned_rows_total',
    help: 'De-duplication records deleted after their retention window',
    labelNames: ['table'] as const,
    registers: [registry],
  });
  const statementTrees = new Counter({
    name: 'hub_statement_trees_built_total',
    help: "Merkle trees built over a sealed statement's heads for evidence files (kept for the latest statement)",
    registers: [registry],
  });
  const outboxListening = new Gauge({
    name: 'hub_outbox_listening',
    help: "Whether the workers' LISTEN hub_outbox connection is up (1), so that other processes' commits wake the relay at once; 0: it polls (RELAY_POLL_MS)",
    registers: [registry],
  });
  if (db) {
    const pool = poolOf(db);
    const poolGauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    poolGauge('hub_db_pool_total', 'PostgreSQL connections the pool holds', () => pool.totalCount);
    poolGauge('hub_db_pool_idle', 'PostgreSQL connections idle in the pool', () => pool.idleCount);
    poolGauge('hub_db_pool_waiting', 'Queries waiting for a pooled connection', () => pool.waitingCount);
    const deadRows = new Gauge({
      name: 'hub_table_dead_rows',
      help: "Dead rows of the hot tables (the server's estimate from pg_stat_user_tables)",
      labelNames: ['table'] as const,
      registers: [registry],
      async collect() {
        const stats = await hotTableStats(db);
        autovacuumOn.set(stats.autovacuum ? 1 : 0);
        for (const table of HOT_TABLES) {
          this.set({ table }, stats.tables.find((t) => t.table === table)?.dead ?? 0);
        }
      },
    });
    void deadRows;
    const breaks = new Gauge({
      name: 'hub_ledger_integrity_breaks',
      help: 'Broken ledger links found by the integrity watch (0 is the only good value)',
      registers: [registry],
      async collect() {
        this.set(await countBreaks(db));
      },
    });
    void breaks;
    // Both outbox gauges from one query per scrape.
    let lagRead: { at: number; value: ReturnType<typeof outboxLag> } | undefined;
    const lagNow = () => {
      if (!lagRead || performance.now() - lagRead.at > 250)
        lagRead = { at: performance.now(), value: outboxLag(db) };
      return lagRead.value;
    };
    const lag = new Gauge({
      name: 'hub_outbox_lag_messages',
      help: 'Outbox messages waiting to be published (counted up to 10000)',
      registers: [registry],
      async collect() {
        this.set((await lagNow()).waiting);
      },
    });
    const age = new Gauge({
      name: 'hub_outbox_lag_seconds',
      help: 'Age of the oldest outbox message waiting to be published',
      registers: [registry],
      async collect() {
        this.set((await lagNow()).oldestSeconds);
      },
    });
    void lag;
    void age;
    const provisionalYears = new Gauge({
      name: 'hub_calendar_provisional_years',
      help: 'Years from this one to the year after next without the State Council notice (synthesised, provisional or unknown): due times there may move',
      registers: [registry],
      async collect() {
        this.set(provisionalYearsAhead(await loadCalendar(db), clock()).length);
      },
    });
    void provisionalYears;
  }
  return {
    registry,
    httpRequests,
    httpDuration,
    messagesPublished,
    messagesConsumed,
    deadLetters,
    commandBatch,
    commandBatchSeconds,
    relayBatch,
    relayClaimSeconds,
    eventsVerified,
    sweepProgress,
    sweepsCompleted,
    autovacuumOn,
    vacuums,
    pruned,
    statementTrees,
    outboxListening,
  };
}
