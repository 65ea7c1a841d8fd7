import { type Kysely, sql } from 'kysely';

// Frozen in time: literals copied in, never importing app code (kysely migration guidance).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- The outbox becomes a queue: a row is written once when the step commits and deleted once the broker
    -- confirmed it (or, for an agency that pulls over HTTP, once it acknowledged it). Its body is the
    -- envelope as text (json keeps the bytes as written, so the relay publishes them without re-encoding).
    -- What happened to each message is kept compactly in deliveries, for as long as the referral lives.
    CREATE TABLE deliveries (
      message_id uuid PRIMARY KEY,
      recipient_code text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('amqp', 'http')),
      type text NOT NULL,
      referral_id uuid,
      created_at timestamptz NOT NULL,
      published_at timestamptz,
      fetched_at timestamptz,
      acknowledged_at timestamptz
    );
    CREATE INDEX deliveries_referral ON deliveries (referral_id);
    INSERT INTO deliveries (message_id, recipient_code, channel, type, referral_id, created_at, published_at,
      fetched_at, acknowledged_at)
    SELECT message_id, recipient_code, channel, type, referral_id, created_at, published_at, fetched_at,
      acknowledged_at
    FROM outbox WHERE status <> 'queued' OR acknowledged_at IS NOT NULL;
    DELETE FROM outbox WHERE status <> 'queued' OR acknowledged_at IS NOT NULL;

    ALTER TABLE outbox ADD COLUMN body json, ADD COLUMN correlation_id uuid;
    UPDATE outbox SET body = envelope::text::json, correlation_id = (envelope->>'correlationId')::uuid;
    ALTER TABLE outbox ALTER COLUMN body SET NOT NULL;
    DROP INDEX outbox_to_relay;
    DROP INDEX outbox_inbox;
    ALTER TABLE outbox DROP COLUMN envelope, DROP COLUMN status, DROP COLUMN attempts, DROP COLUMN claimed_until,
      DROP COLUMN published_at, DROP COLUMN acknowledged_at;
    -- The relay claims in id order; the inbox pages one agency's messages in id order.
    CREATE INDEX outbox_to_relay ON outbox (id) WHERE channel = 'amqp';
    CREATE INDEX outbox_inbox ON outbox (recipient_code, id) WHERE channel = 'http';
    DROP INDEX outbox_referral;
    -- Per-referral order: a message waits while an earlier one to the same agency about the same referral does.
    CREATE INDEX outbox_referral ON outbox (referral_id, recipient_code, id);

    -- The HTTP status is the gateway's business: the command path stores what happened.
    ALTER TABLE idempotency_keys ADD COLUMN outcome text;
    UPDATE idempotency_keys SET outcome = CASE WHEN status_code = 201 THEN 'created' ELSE 'applied' END;
    ALTER TABLE idempotency_keys ALTER COLUMN outcome SET NOT NULL;
    ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_outcome_check
      CHECK (outcome IN ('created', 'applied'));
    ALTER TABLE idempotency_keys DROP COLUMN status_code;

    -- The order in which events were appended, for the workers that verify each new link as it arrives.
    ALTER TABLE ledger_events ADD COLUMN pos bigint GENERATED ALWAYS AS IDENTITY;
    CREATE UNIQUE INDEX ledger_events_pos ON ledger_events (pos);

    -- A broken link found by the integrity watch, raised once.
    CREATE TABLE integrity_breaks (
      referral_id uuid NOT NULL,
      seq integer NOT NULL,
      reason text NOT NULL,
      region char(6) NOT NULL,
      detected_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (referral_id, seq, reason)
    );
    CREATE INDEX integrity_breaks_region ON integrity_breaks (region, detected_at);

    -- Where the integrity watch has got to, per watcher kind (the follower's cursor, the sweep's position).
    CREATE TABLE integrity_cursors (
      name text PRIMARY KEY,
      position text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    -- The last error the hub saw for a command it had to hand back to the queue, so that a dead letter
    -- made by the queue's delivery limit still says what went wrong.
    CREATE TABLE command_failures (
      message_id text PRIMARY KEY,
      sender_code text,
      type text,
      error text NOT NULL,
      attempts integer NOT NULL DEFAULT 1,
      last_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE command_failures, integrity_cursors, integrity_breaks;
    DROP INDEX ledger_events_pos;
    ALTER TABLE ledger_events DROP COLUMN pos;
    ALTER TABLE idempotency_keys ADD COLUMN status_code integer;
    UPDATE idempotency_keys SET status_code = CASE WHEN outcome = 'created' THEN 201 ELSE 200 END;
    ALTER TABLE idempotency_keys ALTER COLUMN status_code SET NOT NULL;
    ALTER TABLE idempotency_keys DROP COLUMN outcome;
    DROP INDEX outbox_referral, outbox_inbox, outbox_to_relay;
    ALTER TABLE outbox ADD COLUMN envelope jsonb, ADD COLUMN status text NOT NULL DEFAULT 'queued',
      ADD COLUMN attempts integer NOT NULL DEFAULT 0, ADD COLUMN claimed_until timestamptz,
      ADD COLUMN published_at timestamptz, ADD COLUMN acknowledged_at timestamptz;
    UPDATE outbox SET envelope = body::text::jsonb;
    ALTER TABLE outbox DROP COLUMN body, DROP COLUMN correlation_id;
    CREATE INDEX outbox_to_relay ON outbox (id) WHERE status = 'queued' AND channel = 'amqp';
    CREATE INDEX outbox_inbox ON outbox (recipient_code, id) WHERE status <> 'acknowledged';
    CREATE INDEX outbox_referral ON outbox (referral_id);
    DROP TABLE deliveries;
  `.execute(db);
}
