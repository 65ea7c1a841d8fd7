import { type Kysely, sql } from 'kysely';

// Frozen in time: literals copied in, never importing app code (kysely migration guidance).
const AGENCY_KINDS = [
  'enforcement',
  'police',
  'procuratorate',
  'supervision',
  'justice_bureau',
  'coordinator',
  'court',
];
const STATES = ['submitted', 'withdrawn', 'receipted'];

const list = (values: string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE agencies (
      code text PRIMARY KEY,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN (${list(AGENCY_KINDS)})),
      region char(6) NOT NULL,
      parent_code text REFERENCES agencies (code),
      delivery text NOT NULL DEFAULT 'amqp' CHECK (delivery IN ('amqp', 'http')),
      amqp_user text UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX agencies_region_kind ON agencies (region, kind);

    CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      agency_code text NOT NULL REFERENCES agencies (code),
      key_hash text NOT NULL UNIQUE,
      key_prefix text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    );

    CREATE TABLE referrals (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('criminal_transfer', 'reverse_transfer', 'duty_clue')),
      state text NOT NULL CHECK (state IN (${list(STATES)})),
      sender_code text NOT NULL REFERENCES agencies (code),
      recipient_code text NOT NULL REFERENCES agencies (code),
      procuratorate_code text REFERENCES agencies (code),
      region char(6) NOT NULL,
      submission jsonb NOT NULL,
      approved_at timestamptz,
      late boolean NOT NULL DEFAULT false,
      version integer NOT NULL,
      head_seq integer NOT NULL,
      head_hash text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX referrals_sender ON referrals (sender_code, created_at);
    CREATE INDEX referrals_recipient ON referrals (recipient_code, created_at);
    CREATE INDEX referrals_region ON referrals (region, created_at);

    CREATE TABLE ledger_events (
      referral_id uuid NOT NULL REFERENCES referrals (id),
      seq integer NOT NULL CHECK (seq > 0),
      event text NOT NULL,
      action text NOT NULL,
      actor_code text NOT NULL,
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      payload jsonb NOT NULL,
      message_id uuid,
      prev_hash text NOT NULL,
      hash text NOT NULL,
      PRIMARY KEY (referral_id, seq)
    );

    -- The ledger is append-only: a row, once written, is never changed or removed.
    CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'ledger_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $$;
    CREATE TRIGGER ledger_events_append_only BEFORE UPDATE OR DELETE ON ledger_events
      FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
    CREATE TRIGGER ledger_events_no_truncate BEFORE TRUNCATE ON ledger_events
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();

    -- The outbox is also the delivery record: one row per message and recipient.
    CREATE TABLE outbox (
      id bigserial PRIMARY KEY,
      message_id uuid NOT NULL UNIQUE,
      recipient_code text NOT NULL REFERENCES agencies (code),
      channel text NOT NULL CHECK (channel IN ('amqp', 'http')),
      type text NOT NULL,
      referral_id uuid,
      envelope jsonb NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'published', 'acknowledged')),
      attempts integer NOT NULL DEFAULT 0,
      claimed_until timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz,
      fetched_at timestamptz,
      acknowledged_at timestamptz
    );
    CREATE INDEX outbox_to_relay ON outbox (id) WHERE status = 'queued' AND channel = 'amqp';
    CREATE INDEX outbox_inbox ON outbox (recipient_code, id) WHERE status <> 'acknowledged';
    CREATE INDEX outbox_referral ON outbox (referral_id);

    CREATE TABLE processed_messages (
      message_id uuid PRIMARY KEY,
      sender_code text NOT NULL,
      type text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('applied', 'rejected')),
      processed_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE idempotency_keys (
      agency_code text NOT NULL REFERENCES agencies (code),
      key text NOT NULL,
      request_hash text NOT NULL,
      status_code integer NOT NULL,
      response jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (agency_code, key)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE idempotency_keys, processed_messages, outbox, ledger_events, referrals, api_keys, agencies;
    DROP FUNCTION refuse_ledger_change();
  `.execute(db);
}
