import { type Kysely, sql } from 'kysely';

/**
 * Case files (issue 13), stored in PostgreSQL as 1 MiB chunk rows rather than large objects:
 * - streaming both ways with bounded memory: an upload inserts one chunk at a time; a download or a
 *   resumed Range reads chunk by chunk in short queries, so no transaction stays open while a slow client
 *   reads (a large object's descriptor lives only inside a transaction);
 * - autovacuum is off on this machine: chunks are insert-only (a trigger refuses UPDATE), so only an
 *   aborted upload leaves dead rows; large objects leave orphans that need vacuumlo as well as VACUUM;
 * - backup: an ordinary table goes through pg_dump, base backups and logical replication (which does not
 *   carry large objects), and a foreign key, unlike a large object's OID, keeps a referenced file alive;
 * - nothing half-written is served: an upload writes its chunks and its `files` row in one transaction,
 *   so a file is visible only once complete (no flag to forget to check), and a crash rolls it back.
 * The hash is known only after the last byte, so chunks are keyed by a blob id that the `files` row (keyed
 * by SHA-256, the content address) names; the same bytes have one row and one set of chunks.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE SEQUENCE file_blob_ids;
    CREATE TABLE files (
      sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      size bigint NOT NULL CHECK (size > 0),
      media_type text NOT NULL,
      blob_id bigint NOT NULL UNIQUE,
      chunk_size integer NOT NULL CHECK (chunk_size > 0),
      -- The first agency to upload these bytes; file_uploads has every agency that did.
      uploaded_by text NOT NULL REFERENCES agencies (code),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    -- Checked at commit: the chunks are written before the row that names them (the hash comes last).
    CREATE TABLE file_chunks (
      blob_id bigint NOT NULL REFERENCES files (blob_id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
      n integer NOT NULL CHECK (n >= 0),
      data bytea NOT NULL,
      PRIMARY KEY (blob_id, n)
    );
    -- Scans and photos are compressed already: no pglz attempt, and a Range reads only the slices it needs.
    ALTER TABLE file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
    -- An agency may attach a file only if it uploaded those bytes itself (issue 13, Attach).
    CREATE TABLE file_uploads (
      sha256 text NOT NULL REFERENCES files (sha256) ON DELETE CASCADE,
      agency_code text NOT NULL REFERENCES agencies (code),
      uploaded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (agency_code, sha256)
    );
    CREATE INDEX file_uploads_sha256 ON file_uploads (sha256);
    -- A file is never deleted while a referral refers to it.
    CREATE TABLE referral_files (
      referral_id uuid NOT NULL REFERENCES referrals (id),
      sha256 text NOT NULL REFERENCES files (sha256) ON DELETE RESTRICT,
      linked_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (referral_id, sha256)
    );
    CREATE INDEX referral_files_sha256 ON referral_files (sha256);

    -- Stored bytes and their description never change; only a whole unreferenced file may go.
    CREATE FUNCTION refuse_file_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is immutable: UPDATE refused', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END
    $$;
    CREATE TRIGGER files_immutable BEFORE UPDATE ON files
      FOR EACH ROW EXECUTE FUNCTION refuse_file_update();
    CREATE TRIGGER file_chunks_immutable BEFORE UPDATE ON file_chunks
      FOR EACH ROW EXECUTE FUNCTION refuse_file_update();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE referral_files, file_uploads, file_chunks, files;
    DROP FUNCTION refuse_file_update();
    DROP SEQUENCE file_blob_ids;
  `.execute(db);
}
