import { type Kysely, sql } from 'kysely';

/**
 * Every statement that adds to the outbox notifies `hub_outbox` at its commit (NOTIFY is transactional:
 * a rolled-back write tells no one, the notifications of one transaction are delivered as one), so that a
 * relay in another process wakes at once instead of polling the table fifty times a second.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION hub_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('hub_outbox', '');
      RETURN NULL;
    END $$
  `.execute(db);
  await sql`
    CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
      FOR EACH STATEMENT EXECUTE FUNCTION hub_outbox_notify()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER outbox_notify ON outbox`.execute(db);
  await sql`DROP FUNCTION hub_outbox_notify()`.execute(db);
}
