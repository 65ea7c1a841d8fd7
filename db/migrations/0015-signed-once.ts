import { type Kysely, sql } from 'kysely';

// Issue 15: a signed command is taken once. The Idempotency-Key and the message id de-duplicate only while
// their records are kept (IDEMPOTENCY_KEY_RETENTION_HOURS, the processed-message retention); the ledger keeps
// every agency signature for ever, so a signature seen before is refused at the write however late it is
// sent again. Partial: unsigned events (the hub's own, and those of optional regions) take no entry.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE UNIQUE INDEX ledger_events_signed_once ON ledger_events ((payload -> 'signed' ->> 'signature'))
      WHERE payload ? 'signed'
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX ledger_events_signed_once`.execute(db);
}
