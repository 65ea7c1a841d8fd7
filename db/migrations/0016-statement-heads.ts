import { type Kysely, sql } from 'kysely';

// Issue 15: a sealed statement kept every chain head as one jsonb array — at a million referrals 122 MB a
// statement (measured), sealed hourly. A statement now records only the heads that changed since the
// statement before (a referral's head under statement S is its latest row at or before S), so the table
// grows with the steps taken, not with the referrals held times the statements made. Append-only, like the
// statements. Statements sealed before keep their jsonb heads, read from there for their proofs: nothing is
// copied (a hub sealed hourly for months holds billions of such heads), and the first statement after this
// migration finds no rows before it, so it records every head.
//
// No foreign key to sealed_statements: the rows are written by sealHeads only, in the transaction that
// inserts their statement, and a key check per row is a million lookups at a first seal of a large hub.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE statement_heads (
      referral_id uuid NOT NULL,
      statement_id bigint NOT NULL,
      seq integer NOT NULL,
      hash text NOT NULL,
      PRIMARY KEY (referral_id, statement_id)
    );
    CREATE TRIGGER statement_heads_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON statement_heads
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_statement_change();
    -- A TRUNCATE fires no row trigger: the statements were append-only but for it.
    CREATE TRIGGER sealed_statements_no_truncate BEFORE TRUNCATE ON sealed_statements
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_statement_change();
    ALTER TABLE sealed_statements ALTER COLUMN heads DROP NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // The heads of every statement sealed since up() go with the table: those statements can no longer be proved.
  await sql`
    DROP TRIGGER sealed_statements_no_truncate ON sealed_statements;
    DROP TABLE statement_heads;
  `.execute(db);
}
