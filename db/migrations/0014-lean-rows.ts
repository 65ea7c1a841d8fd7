import { type Kysely, sql } from 'kysely';

// Frozen in time: the keys the hub added to a referral's first event that are not the agency's submission.
const HUB_KEYS = `CASE WHEN r.kind = 'criminal_transfer' THEN ARRAY['duties', 'replayOf', 'late']
  ELSE ARRAY['duties', 'replayOf'] END`;

// Issue 16: bytes per referral. Every index on duties and referrals is written for every duty and referral
// version (a step changes a status or state, which the indexes read, so no update is HOT); these served no
// query another index did not serve as well.
export async function up(db: Kysely<any>): Promise<void> {
  // The submission is the first event's payload less the hub's keys, and every step copied it into a new
  // row version again. Dropped only where the ledger holds the same: a row that says otherwise stops the
  // migration, before it changes anything, rather than lose what it says.
  await sql`
    DO $$
    DECLARE differing uuid;
    BEGIN
      SELECT r.id INTO differing FROM referrals r
      LEFT JOIN ledger_events e ON e.referral_id = r.id AND e.seq = 1
      WHERE e.referral_id IS NULL OR r.submission IS DISTINCT FROM e.payload - ${sql.raw(HUB_KEYS)}
      LIMIT 1;
      IF differing IS NOT NULL THEN
        RAISE EXCEPTION 'referral % keeps a submission its first ledger event does not hold', differing;
      END IF;
    END
    $$;
  `.execute(db);
  await sql`
    ALTER TABLE referrals DROP COLUMN submission;
    -- The backlog reads open duties by (region, due_at) from duties_open_region; nothing reads by status.
    DROP INDEX duties_region_status;
    -- Per referral: duties_referral finds its few duties (the backlog's "no open duty" check among them).
    DROP INDEX duties_open_referral;
    -- The same key as referrals_region_stats, which serves every range of a region's referrals.
    DROP INDEX referrals_region;
    -- A region's referrals by kind and state: the backlog reads the open ones from referrals_open_region,
    -- the list and statistics by (region, created_at).
    DROP INDEX referrals_region_kind_state;
    -- The warning query skips windows (a window is never warned about): no entry for them.
    DROP INDEX duties_to_warn;
    CREATE INDEX duties_to_warn ON duties (warn_at) WHERE status = 'open' AND NOT is_window;
    -- On-time rates count duties, not windows: an entry per duty, and no need to carry is_window.
    DROP INDEX duties_region_started_rates;
    CREATE INDEX duties_region_started_rates ON duties (region, started_at) INCLUDE (rule_id, status)
      WHERE NOT is_window;
    -- The rule's title and article are the rule's (schemas/deadlines.ts), not copied into every duty.
    ALTER TABLE duties DROP COLUMN title, DROP COLUMN source;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // The rules' texts are not copied into a frozen migration: a duty gets its rule id back as its title.
  await sql`
    ALTER TABLE referrals ADD COLUMN submission jsonb;
    UPDATE referrals r SET submission = e.payload - ${sql.raw(HUB_KEYS)}
    FROM ledger_events e WHERE e.referral_id = r.id AND e.seq = 1;
    ALTER TABLE referrals ALTER COLUMN submission SET NOT NULL;
    ALTER TABLE duties ADD COLUMN title text, ADD COLUMN source text;
    UPDATE duties SET title = rule_id, source = '';
    ALTER TABLE duties ALTER COLUMN title SET NOT NULL, ALTER COLUMN source SET NOT NULL;
    DROP INDEX duties_region_started_rates;
    CREATE INDEX duties_region_started_rates ON duties (region, started_at) INCLUDE (rule_id, status, is_window);
    DROP INDEX duties_to_warn;
    CREATE INDEX duties_to_warn ON duties (warn_at) WHERE status = 'open';
    CREATE INDEX referrals_region_kind_state ON referrals (region, kind, state);
    CREATE INDEX referrals_region ON referrals (region, created_at);
    CREATE INDEX duties_open_referral ON duties (referral_id, due_at)
      WHERE status IN ('open', 'warned', 'overdue') AND NOT is_window;
    CREATE INDEX duties_region_status ON duties (region, status, due_at);
  `.execute(db);
}
