import { type Kysely, sql } from 'kysely';

// Frozen in time: the lists as of this migration, copied in.
const STATES = [
  'submitted',
  'withdrawn',
  'receipted',
  'supplement_requested',
  'forwarded',
  'outside_remit',
  'filed',
  'declined',
  'goods_handed_over',
  'case_withdrawn',
  'case_transferred',
  'returned_for_handling',
  'reconsideration_requested',
  'decline_upheld',
  'supervision_requested',
  'reasons_demanded',
  'reasons_given',
  'supervision_closed',
  'filing_ordered',
  'administratively_handled',
  'handled',
  'accepted',
  'opinion_answered',
  'closed',
];
const KINDS = ['criminal_transfer', 'reverse_transfer', 'duty_clue', 'transfer_opinion'];
const DUTY_STATUSES = ['open', 'warned', 'overdue', 'met', 'met_late', 'lapsed', 'superseded'];
const list = (values: string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE referrals DROP CONSTRAINT referrals_state_check;
    ALTER TABLE referrals ADD CONSTRAINT referrals_state_check CHECK (state IN (${list(STATES)}));
    ALTER TABLE referrals DROP CONSTRAINT referrals_kind_check;
    ALTER TABLE referrals ADD CONSTRAINT referrals_kind_check CHECK (kind IN (${list(KINDS)}));
    ALTER TABLE duties DROP CONSTRAINT duties_status_check;
    ALTER TABLE duties ADD CONSTRAINT duties_status_check CHECK (status IN (${list(DUTY_STATUSES)}));
    -- A due time counted over a year whose holiday calendar was not yet published: recounted when it is.
    ALTER TABLE duties ADD COLUMN provisional boolean NOT NULL DEFAULT false;
    CREATE INDEX duties_provisional ON duties (due_at) WHERE provisional AND status IN ('open', 'warned', 'overdue');
    -- A region that starts the filing review again when the agency supplements (MPS Art 180(2) says not).
    ALTER TABLE region_settings ADD COLUMN restart_review_on_supplement boolean NOT NULL DEFAULT false;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE region_settings DROP COLUMN restart_review_on_supplement;
    DROP INDEX duties_provisional;
    ALTER TABLE duties DROP COLUMN provisional;
  `.execute(db);
}
