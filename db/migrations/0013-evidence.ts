import { type Kysely, sql } from 'kysely';

// Frozen in time: literals copied in, never importing app code (kysely migration guidance).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Issue 15: the public keys an agency signs its commands with. A key is never deleted and never changed
    -- but for its revocation, so that a signature made while it was valid can still be checked years later.
    CREATE TABLE agency_signing_keys (
      key_id text PRIMARY KEY,
      agency_code text NOT NULL REFERENCES agencies (code),
      alg text NOT NULL CHECK (alg IN ('sm2', 'ed25519')),
      public_key text NOT NULL,
      valid_from timestamptz NOT NULL,
      valid_until timestamptz,
      revoked_at timestamptz,
      revoked_reason text,
      added_at timestamptz NOT NULL DEFAULT now(),
      CHECK (valid_until IS NULL OR valid_until > valid_from)
    );
    CREATE INDEX agency_signing_keys_agency ON agency_signing_keys (agency_code, valid_from);
    CREATE FUNCTION keep_signing_key_history() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'signing keys are kept: revoke a key, never delete it' USING ERRCODE = 'check_violation';
      END IF;
      IF OLD.revoked_at IS NOT NULL OR (to_jsonb(NEW) - 'revoked_at' - 'revoked_reason')
          IS DISTINCT FROM (to_jsonb(OLD) - 'revoked_at' - 'revoked_reason') THEN
        RAISE EXCEPTION 'a signing key changes only once, when it is revoked' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER agency_signing_keys_history BEFORE UPDATE OR DELETE ON agency_signing_keys
      FOR EACH ROW EXECUTE FUNCTION keep_signing_key_history();

    -- Whether a region's agencies must sign their commands (verified when present in either case).
    ALTER TABLE region_settings ADD COLUMN signatures text NOT NULL DEFAULT 'optional'
      CHECK (signatures IN ('optional', 'required'));

    -- The hub's own signing keys (one current; earlier ones kept so that old seals still verify).
    CREATE TABLE hub_signing_keys (
      key_id text PRIMARY KEY,
      alg text NOT NULL CHECK (alg IN ('sm2', 'ed25519')),
      public_key text NOT NULL,
      private_key text,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- Signed statements of every chain head (a Merkle root, its size and time), append-only.
    CREATE TABLE sealed_statements (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      reason text NOT NULL,
      statement text NOT NULL,
      alg text NOT NULL,
      key_id text NOT NULL REFERENCES hub_signing_keys (key_id),
      signature text NOT NULL,
      sealed_at timestamptz NOT NULL,
      root text NOT NULL,
      size integer NOT NULL,
      heads jsonb NOT NULL
    );
    CREATE FUNCTION refuse_statement_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'sealed statements are append-only' USING ERRCODE = 'check_violation';
    END $$;
    CREATE TRIGGER sealed_statements_append_only BEFORE UPDATE OR DELETE ON sealed_statements
      FOR EACH ROW EXECUTE FUNCTION refuse_statement_change();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE sealed_statements;
    DROP FUNCTION refuse_statement_change();
    DROP TABLE hub_signing_keys;
    ALTER TABLE region_settings DROP COLUMN signatures;
    DROP TABLE agency_signing_keys;
    DROP FUNCTION keep_signing_key_history();
  `.execute(db);
}
