import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A referral's file as a document of its package: its type and title (a forward or a decline hands the
    -- references on to whoever now holds the case, titles included).
    ALTER TABLE referral_files ADD COLUMN document_type text, ADD COLUMN title text;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE referral_files DROP COLUMN document_type, DROP COLUMN title`.execute(db);
}
