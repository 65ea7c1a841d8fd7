import { type Kysely, sql } from 'kysely';

// Frozen in time: the state list as of this migration, copied in.
const STATES = [
  'submitted',
  'withdrawn',
  'receipted',
  'supplement_requested',
  'forwarded',
  'filed',
  'declined',
  'goods_handed_over',
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
  'closed',
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE referrals DROP CONSTRAINT referrals_state_check;
    ALTER TABLE referrals ADD CONSTRAINT referrals_state_check CHECK (state IN (${sql.raw(STATES.map((s) => `'${s}'`).join(', '))}));
    -- Extra copy recipients (e.g. the justice bureau where the region asks for it).
    ALTER TABLE referrals ADD COLUMN copy_codes text[] NOT NULL DEFAULT '{}';
    -- Everyone who ever was a party (a forwarded referral stays visible to the first recipient).
    ALTER TABLE referrals ADD COLUMN participant_codes text[] NOT NULL DEFAULT '{}';
    UPDATE referrals SET participant_codes = array_remove(ARRAY[sender_code, recipient_code, procuratorate_code], NULL);
    CREATE INDEX referrals_participants ON referrals USING gin (participant_codes);
    CREATE INDEX referrals_region_kind_state ON referrals (region, kind, state);

    CREATE TABLE region_settings (
      region char(6) PRIMARY KEY,
      justice_copy boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    -- 案情通报: a briefing from one agency to a set of agencies, about a referral or standalone.
    CREATE TABLE briefings (
      id uuid PRIMARY KEY,
      sender_code text NOT NULL REFERENCES agencies (code),
      referral_id uuid REFERENCES referrals (id),
      subject text NOT NULL,
      body text NOT NULL,
      recipient_codes text[] NOT NULL,
      region char(6) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX briefings_region ON briefings (region, created_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE briefings, region_settings;
    DROP INDEX referrals_region_kind_state;
    ALTER TABLE referrals DROP COLUMN participant_codes, DROP COLUMN copy_codes;
  `.execute(db);
}
