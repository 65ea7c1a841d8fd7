import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Every read of a referral: who, when, which, how (DESIGN.md: visible to the region's procuratorate).
    CREATE TABLE referral_reads (
      id bigserial PRIMARY KEY,
      referral_id uuid NOT NULL REFERENCES referrals (id),
      agency_code text NOT NULL,
      read_at timestamptz NOT NULL DEFAULT now(),
      what text NOT NULL
    );
    CREATE INDEX referral_reads_referral ON referral_reads (referral_id, read_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE referral_reads`.execute(db);
}
