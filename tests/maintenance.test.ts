import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHealthServer } from '../workers/health.js';
import { actionCommand } from './helpers/commands.js';
import { criminalTransfer } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';
import { waitFor } from './helpers/wait.js';

let hub: TestHub;
beforeAll(async () => {
  // A long pass interval: the test runs the passes itself. Small batches, so that pruning takes several.
  hub = await createTestHub({
    env: { MAINTENANCE_INTERVAL_MS: '3600000', PRUNE_BATCH_SIZE: '2', MAINTENANCE_DEAD_ROWS: '100' },
  });
});
afterAll(async () => {
  await hub?.close();
});

const HOUR = 3600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR);

async function addProcessed(ids: string[], at: Date) {
  await sql`
    INSERT INTO processed_messages (message_id, sender_code, type, outcome, processed_at)
    SELECT id, 'pol-a', 'command.action', 'applied', ${at} FROM unnest(${ids}::uuid[]) AS id`.execute(hub.db);
}

async function addKeys(keys: string[], at: Date) {
  await sql`
    INSERT INTO idempotency_keys (agency_code, key, request_hash, outcome, response, created_at)
    SELECT 'enf-a', k, 'hash', 'created', '{}'::jsonb, ${at} FROM unnest(${keys}::text[]) AS k`.execute(
    hub.db,
  );
}

async function present(table: 'processed_messages' | 'idempotency_keys', column: string, values: string[]) {
  const { rows } = await sql<{ v: string }>`
    SELECT ${sql.ref(column)}::text AS v FROM ${sql.table(table)}
    WHERE ${sql.ref(column)}::text = ANY(${values}::text[])`.execute(hub.db);
  return rows.map((r) => r.v).sort();
}

const uuids = (n: number) => Array.from({ length: n }, () => randomUUID());

describe('pruning the de-duplication records', () => {
  it('deletes processed message ids and idempotency keys older than their windows, in batches, and keeps younger ones', async () => {
    const { PROCESSED_MESSAGE_RETENTION_HOURS: messageHours, IDEMPOTENCY_KEY_RETENTION_HOURS: keyHours } =
      hub.config;
    // The pass the loop ran at start must not meet these rows: only the explicit one below counts.
    await hub.workers.maintenance.whenIdle();
    const oldIds = uuids(5);
    const youngIds = uuids(3);
    await addProcessed(oldIds, ago(messageHours + 1));
    await addProcessed(youngIds, ago(messageHours - 1));
    const oldKeys = uuids(5);
    const youngKeys = uuids(3);
    await addKeys(oldKeys, ago(keyHours + 1));
    await addKeys(youngKeys, ago(keyHours - 1));

    const pass = await hub.workers.maintenance.tick();

    expect(pass.pruned).toEqual({ processed_messages: 5, idempotency_keys: 5 });
    expect(await present('processed_messages', 'message_id', [...oldIds, ...youngIds])).toEqual(
      [...youngIds].sort(),
    );
    expect(await present('idempotency_keys', 'key', [...oldKeys, ...youngKeys])).toEqual(
      [...youngKeys].sort(),
    );
    const pruned = await hub.metrics.pruned.get();
    expect(pruned.values.find((v) => v.labels.table === 'processed_messages')?.value).toBeGreaterThanOrEqual(
      5,
    );
  });

  it('still answers a retried Idempotency-Key inside the window after a pass', async () => {
    const key = randomUUID();
    const body = criminalTransfer();
    const first = await hub.request('enf-a', 'POST', '/v1/referrals', body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    await hub.workers.maintenance.tick();
    const retry = await hub.request('enf-a', 'POST', '/v1/referrals', body, { 'idempotency-key': key });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });

  it('makes no second referral when a create is retried with its key after the window', async () => {
    const key = randomUUID();
    const body = criminalTransfer();
    const first = await hub.request('enf-a', 'POST', '/v1/referrals', body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const hours = hub.config.IDEMPOTENCY_KEY_RETENTION_HOURS;
    await sql`UPDATE idempotency_keys SET created_at = ${ago(hours + 1)} WHERE key = ${key}`.execute(hub.db);
    await hub.workers.maintenance.tick();
    expect(await present('idempotency_keys', 'key', [key])).toEqual([]);
    const count = async () =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM referrals`.execute(hub.db)).rows[0]?.n;
    const before = await count();
    const late = await hub.request('enf-a', 'POST', '/v1/referrals', body, { 'idempotency-key': key });
    // The key derives the referral's id, so the late retry meets the referral it made, and says so.
    expect(late.status).toBe(422);
    expect(late.body).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      details: { referralId: first.body.id },
    });
    expect(await count()).toBe(before);
  });

  it('still takes a redelivered AMQP command inside the window once, after a pass', async () => {
    const submitted = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    const referralId = submitted.body.id as string;
    const receipt = actionCommand('pol-a', referralId, { action: 'receipt' });
    await hub.sendCommand('pol-a', receipt);
    await waitFor(async () => {
      const view = await hub.request('pol-a', 'GET', `/v1/referrals/${referralId}`);
      return view.body.state === 'receipted';
    }, 'the receipt');
    await hub.workers.maintenance.tick();
    const duplicates = async () =>
      (await hub.metrics.messagesConsumed.get()).values.find((v) => v.labels.outcome === 'duplicate')
        ?.value ?? 0;
    const before = await duplicates();
    await hub.sendCommand('pol-a', receipt);
    await waitFor(async () => (await duplicates()) > before, 'the redelivery taken as a duplicate');
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM ledger_events WHERE referral_id = ${referralId} AND event = 'receipted'`.execute(
      hub.db,
    );
    expect(rows[0]?.n).toBe(1);
  });
});

describe('vacuuming the hot tables', () => {
  it('vacuums a hot table itself once its dead rows pass the threshold, and counts it', async () => {
    const ids = uuids(600);
    await addProcessed(ids, ago(hub.config.PROCESSED_MESSAGE_RETENTION_HOURS + 1));
    // Large batches for this one: the rows die in one pass.
    await sql`DELETE FROM processed_messages WHERE message_id = ANY(${ids}::uuid[])`.execute(hub.db);
    const vacuumCount = async () => {
      const { rows } = await sql<{ n: string }>`
        SELECT vacuum_count + autovacuum_count AS n FROM pg_stat_user_tables
        WHERE relname = 'processed_messages' AND schemaname = current_schema()`.execute(hub.db);
      return Number(rows[0]?.n ?? 0);
    };
    const before = await vacuumCount();
    // The server's statistics reach pg_stat_user_tables within a few seconds of the deletes.
    await waitFor(
      async () => {
        const pass = await hub.workers.maintenance.tick();
        return pass.vacuumed.includes('processed_messages') || (await vacuumCount()) > before;
      },
      'a vacuum of processed_messages',
      20_000,
    );
    expect(await vacuumCount()).toBeGreaterThan(before);
    const { rows } = await sql<{ dead: string }>`
      SELECT n_dead_tup AS dead FROM pg_stat_user_tables
      WHERE relname = 'processed_messages' AND schemaname = current_schema()`.execute(hub.db);
    expect(Number(rows[0]?.dead)).toBeLessThan(600);
  });
});

describe('metrics', () => {
  it('names the process, pool, relay, outbox and maintenance metrics on the gateway and the workers', async () => {
    const gateway = await hub.request(null, 'GET', '/metrics');
    expect(gateway.status).toBe(200);
    for (const name of [
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_gc_duration_seconds',
      'hub_db_pool_total',
      'hub_db_pool_idle',
      'hub_db_pool_waiting',
      'hub_relay_claim_duration_seconds_bucket',
      'hub_relay_batch_size_bucket',
      'hub_outbox_lag_messages',
      'hub_outbox_lag_seconds',
      'hub_table_dead_rows{table="outbox"}',
      'hub_maintenance_autovacuum_on',
      'hub_maintenance_vacuums_total',
      'hub_maintenance_pruned_rows_total',
    ]) {
      expect(gateway.body, name).toContain(name);
    }
    const health = await startHealthServer('127.0.0.1', 0, {
      db: hub.db,
      metrics: hub.metrics,
      brokerConnected: () => true,
    });
    try {
      const workers = await fetch(`http://127.0.0.1:${health.port}/metrics`);
      expect(workers.status).toBe(200);
      const text = await workers.text();
      expect(text).toContain('hub_relay_claim_duration_seconds_bucket');
      expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
    } finally {
      await health.close();
    }
  });
});
