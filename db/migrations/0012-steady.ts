import { type Kysely, sql } from 'kysely';

// Frozen in time: literals copied in, never importing app code (kysely migration guidance).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- De-duplication records are kept for a window and then pruned oldest first, in small batches.
    CREATE INDEX processed_messages_age ON processed_messages (processed_at);
    CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);

    -- For servers that do vacuum: the hot tables are vacuumed after a fixed number of dead rows rather
    -- than a fraction of the table (the default 20 % lets a big table gather millions), and the outbox,
    -- a small queue whose every row dies within seconds, without the cost-based pauses.
    ALTER TABLE outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
      autovacuum_vacuum_cost_delay = 0);
    ALTER TABLE processed_messages SET (autovacuum_vacuum_scale_factor = 0.02,
      autovacuum_vacuum_threshold = 1000);
    ALTER TABLE idempotency_keys SET (autovacuum_vacuum_scale_factor = 0.02,
      autovacuum_vacuum_threshold = 1000);
    -- Updated by every step (a version, a state, a duty closed): dead rows in proportion to the traffic.
    ALTER TABLE referrals SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);
    ALTER TABLE duties SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);
    ALTER TABLE deliveries SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_threshold = 1000);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE deliveries RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold);
    ALTER TABLE duties RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold);
    ALTER TABLE referrals RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold);
    ALTER TABLE idempotency_keys RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold);
    ALTER TABLE processed_messages RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold);
    ALTER TABLE outbox RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
      autovacuum_vacuum_cost_delay);
    DROP INDEX idempotency_keys_age, processed_messages_age;
  `.execute(db);
}
