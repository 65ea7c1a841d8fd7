import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- First time each event happened, and the facts statistics group by (decline reason, outcome): kept on
    -- the referral row by the command path so that a region's year is one index range scan.
    ALTER TABLE referrals ADD COLUMN milestones jsonb NOT NULL DEFAULT '{}';
    ALTER TABLE referrals ADD COLUMN facts jsonb NOT NULL DEFAULT '{}';
    UPDATE referrals r SET milestones = coalesce((
      SELECT jsonb_object_agg(event, first_at) FROM (
        SELECT event, min(occurred_at) AS first_at FROM ledger_events e WHERE e.referral_id = r.id GROUP BY event
      ) firsts), '{}');
    CREATE INDEX referrals_region_created ON referrals (region, created_at) INCLUDE (kind, state, sender_code, recipient_code);
    CREATE INDEX duties_region_started ON duties (region, started_at);

    ALTER TABLE region_settings ADD COLUMN penalty_threshold_yuan numeric;

    -- Administrative penalty cases agencies report, to find 以罚代刑 risk (Decree 310 Art 11).
    CREATE TABLE penalty_cases (
      id uuid PRIMARY KEY,
      agency_code text NOT NULL REFERENCES agencies (code),
      region char(6) NOT NULL,
      decision_no text NOT NULL,
      decided_at timestamptz NOT NULL,
      amount_yuan numeric NOT NULL CHECK (amount_yuan >= 0),
      offence text NOT NULL,
      referral_id uuid REFERENCES referrals (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (agency_code, decision_no)
    );
    CREATE INDEX penalty_cases_region ON penalty_cases (region, decided_at);

    -- 统计年报: the figures and the chain heads they were computed from.
    CREATE TABLE reports (
      id uuid PRIMARY KEY,
      region char(6) NOT NULL,
      year integer NOT NULL,
      generated_at timestamptz NOT NULL DEFAULT now(),
      generated_by text NOT NULL,
      figures jsonb NOT NULL,
      heads jsonb NOT NULL,
      heads_digest text NOT NULL
    );
    CREATE INDEX reports_region_year ON reports (region, year);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE reports, penalty_cases;
    ALTER TABLE region_settings DROP COLUMN penalty_threshold_yuan;
    DROP INDEX duties_region_started;
    DROP INDEX referrals_region_created;
    ALTER TABLE referrals DROP COLUMN facts, DROP COLUMN milestones;
  `.execute(db);
}
