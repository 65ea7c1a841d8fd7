import { sql } from 'kysely';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from './connection.js';

/** One registry per process (not prom-client's global one), so that tests can build many hubs side by side. */
export type HubMetrics = ReturnType<typeof createMetrics>;

export function createMetrics(db?: Db) {
  const registry = new Registry();
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
  if (db) {
    const lag = new Gauge({
      name: 'hub_outbox_lag_messages',
      help: 'Outbox messages waiting to be published',
      registers: [registry],
      async collect() {
        this.set((await outboxLag(db)).waiting);
      },
    });
    const age = new Gauge({
      name: 'hub_outbox_lag_seconds',
      help: 'Age of the oldest outbox message waiting to be published',
      registers: [registry],
      async collect() {
        this.set((await outboxLag(db)).oldestSeconds);
      },
    });
    void lag;
    void age;
  }
  return { registry, httpRequests, httpDuration, messagesPublished, messagesConsumed, deadLetters };
}

export async function outboxLag(db: Db): Promise<{ waiting: number; oldestSeconds: number }> {
  const { rows } = await sql<{ waiting: number; oldest: number | null }>`
    SELECT count(*)::int AS waiting, extract(epoch FROM now() - min(created_at))::float8 AS oldest
    FROM outbox WHERE status = 'queued' AND channel = 'amqp'`.execute(db);
  return { waiting: rows[0]?.waiting ?? 0, oldestSeconds: rows[0]?.oldest ?? 0 };
}
