import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A duty: who owes what to whom by when, opened and closed by ledger events; rows, not timers.
    CREATE TABLE duties (
      id uuid PRIMARY KEY,
      referral_id uuid NOT NULL REFERENCES referrals (id),
      rule_id text NOT NULL,
      region char(6) NOT NULL,
      title text NOT NULL,
      source text NOT NULL,
      is_window boolean NOT NULL DEFAULT false,
      responsible_code text NOT NULL,
      counterparty_code text,
      amount integer NOT NULL,
      unit text NOT NULL CHECK (unit IN ('hour', 'calendar_day', 'working_day', 'month')),
      started_at timestamptz NOT NULL,
      warn_at timestamptz NOT NULL,
      due_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'warned', 'overdue', 'met', 'met_late', 'lapsed')),
      opened_seq integer NOT NULL,
      closed_seq integer,
      warned_at timestamptz,
      overdue_at timestamptz,
      closed_at timestamptz
    );
    CREATE INDEX duties_referral ON duties (referral_id);
    CREATE INDEX duties_to_warn ON duties (warn_at) WHERE status = 'open';
    CREATE INDEX duties_to_breach ON duties (due_at) WHERE status IN ('open', 'warned');
    CREATE INDEX duties_region_status ON duties (region, status, due_at);

    -- A jurisdiction's own amount and unit for a rule, changeable without a deploy.
    CREATE TABLE deadline_overrides (
      region char(6) NOT NULL,
      rule_id text NOT NULL,
      amount integer NOT NULL CHECK (amount > 0),
      unit text NOT NULL CHECK (unit IN ('hour', 'calendar_day', 'working_day', 'month')),
      lead_fraction real CHECK (lead_fraction BETWEEN 0 AND 1),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (region, rule_id)
    );

    -- Holiday calendars loaded for years after the shipped ones.
    CREATE TABLE holiday_calendars (
      year integer PRIMARY KEY,
      data jsonb NOT NULL,
      loaded_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE holiday_calendars, deadline_overrides, duties`.execute(db);
}
