import { type Kysely, sql } from 'kysely';

// Issue 15: a sealed statement kept every chain head as one jsonb array — at a million referrals 122 MB a
// statement (measured), sealed hourly. A statement now records only the heads that changed since the
// statement before (a referral's head under statement S is its latest row at or before S), so the table
// grows with the steps taken, not with the referrals held times the statements made. Append-only, like the
// statements. The heads of statements sealed before are copied in whole (redundant rows change nothing).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE statement_heads (
      referral_id uuid NOT NULL,
      statement_id bigint NOT NULL REFERENCES sealed_statements (id),
      seq integer NOT NULL,
      hash text NOT NULL,
      PRIMARY KEY (referral_id, statement_id)
    );
    CREATE TRIGGER statement_heads_append_only BEFORE UPDATE OR DELETE ON statement_heads
      FOR EACH ROW EXECUTE FUNCTION refuse_statement_change();
    INSERT INTO statement_heads (referral_id, statement_id, seq, hash)
      SELECT (h ->> 0)::uuid, s.id, (h ->> 1)::integer, h ->> 2
      FROM sealed_statements s, jsonb_array_elements(s.heads) h;
    ALTER TABLE sealed_statements ALTER COLUMN heads DROP NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE statement_heads`.execute(db);
}
