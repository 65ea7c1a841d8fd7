import { type Kysely, sql } from 'kysely';

// Measured on a million referrals (npm run bench -- --mode scale): the backlog scanned every duty and
// the on-time rates read the duty rows from the heap.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE INDEX duties_open_region ON duties (region, due_at)
      WHERE status IN ('open', 'warned', 'overdue') AND NOT is_window;
    CREATE INDEX duties_open_referral ON duties (referral_id, due_at)
      WHERE status IN ('open', 'warned', 'overdue') AND NOT is_window;
    CREATE INDEX referrals_open_region ON referrals (region, created_at)
      WHERE state NOT IN ('closed', 'withdrawn');
    -- On-time rates read only these columns: an index-only scan.
    CREATE INDEX duties_region_started_rates ON duties (region, started_at) INCLUDE (rule_id, status, is_window);
    DROP INDEX duties_region_started;
    -- A region's year for the statistics, read from the index alone.
    CREATE INDEX referrals_region_stats ON referrals (region, created_at)
      INCLUDE (kind, sender_code, recipient_code, milestones, facts);
    DROP INDEX referrals_region_created;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE INDEX duties_region_started ON duties (region, started_at);
    CREATE INDEX referrals_region_created ON referrals (region, created_at) INCLUDE (kind, state, sender_code, recipient_code);
    DROP INDEX referrals_region_stats, duties_open_region, duties_open_referral, referrals_open_region, duties_region_started_rates;
  `.execute(db);
}
