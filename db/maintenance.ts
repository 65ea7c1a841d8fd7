import { sql } from 'kysely';
import { type Db, poolOf } from './connection.js';

/**
 * The hub's own housekeeping in SQL: de-duplication records pruned after their window, and the hot tables
 * vacuumed when the server does not (autovacuum off, as on these machines, or lagging behind). The hot path
 * never waits for either: the outbox is a queue whose rows are deleted once delivered, and what keeps its
 * claims cheap is that the dead rows those deletes leave are removed within seconds.
 */

/** Tables written on every step whose dead rows would otherwise pile up; the outbox first. */
export const HOT_TABLES = [
  'outbox',
  'deliveries',
  'referrals',
  'duties',
  'processed_messages',
  'idempotency_keys',
] as const;
export type HotTable = (typeof HOT_TABLES)[number];

export const PRUNABLE = {
  processed_messages: 'processed_at',
  idempotency_keys: 'created_at',
} as const;
export type Prunable = keyof typeof PRUNABLE;

/**
 * Deletes up to `batch` rows of `table` older than `hours`, oldest first (by the age index); returns how
 * many. Small batches: each is a short transaction, so a prune never holds many locks or blocks a writer.
 */
export async function pruneBatch(db: Db, table: Prunable, hours: number, batch: number): Promise<number> {
  const column = PRUNABLE[table];
  const result = await sql`
    DELETE FROM ${sql.table(table)} WHERE ctid = ANY(ARRAY(
      SELECT ctid FROM ${sql.table(table)}
      WHERE ${sql.ref(column)} < now() - make_interval(hours => ${hours}::int)
      ORDER BY ${sql.ref(column)} LIMIT ${batch}::int))`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export type TableStats = { table: HotTable; live: number; dead: number };

/**
 * The server's own counts of live and dead rows of the hot tables (pg_stat_user_tables: no table is read),
 * and whether its autovacuum runs at all.
 */
export async function hotTableStats(db: Db): Promise<{ autovacuum: boolean; tables: TableStats[] }> {
  const { rows } = await sql<{ relname: HotTable; live: string; dead: string; autovacuum: string }>`
    SELECT relname, n_live_tup AS live, n_dead_tup AS dead, current_setting('autovacuum') AS autovacuum
    FROM pg_stat_user_tables
    WHERE schemaname = current_schema() AND relname = ANY(${[...HOT_TABLES]}::text[])`.execute(db);
  return {
    autovacuum: rows.length === 0 || rows[0]?.autovacuum === 'on',
    tables: rows.map((r) => ({ table: r.relname, live: Number(r.live), dead: Number(r.dead) })),
  };
}

// Any constant unique to the hub: several workers processes share one database.
const MAINTENANCE_LOCK = 7_302_161;

/**
 * VACUUMs these tables unless another workers process is vacuuming (a session advisory lock) or a table is
 * locked (SKIP_LOCKED: an autovacuum or a schema change already holds it). VACUUM cannot run inside a
 * transaction, so it has a pooled connection to itself. Returns the tables vacuumed.
 */
export async function vacuumTables(db: Db, tables: readonly HotTable[]): Promise<HotTable[]> {
  if (tables.length === 0) return [];
  const client = await poolOf(db).connect();
  let broken = false;
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
      MAINTENANCE_LOCK,
    ]);
    if (!rows[0]?.ok) return [];
    try {
      const done: HotTable[] = [];
      for (const table of tables) {
        await client.query(`VACUUM (SKIP_LOCKED) ${table}`);
        done.push(table);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MAINTENANCE_LOCK]);
    }
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    client.release(broken);
  }
}
