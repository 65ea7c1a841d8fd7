import { type Kysely, sql } from 'kysely';

// The years shipped as official notices when this migration was written (schemas/calendar/cn-YYYY.json).
const SHIPPED_OFFICIAL_YEARS = [2025, 2026];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- The years without a notice that a provisional due time was counted over: the watcher recounts a duty
    -- as soon as one of them has its notice, whoever opened it and over whichever calendar.
    ALTER TABLE duties ADD COLUMN provisional_years int[] NOT NULL DEFAULT '{}';
    -- Unmet duties of day periods recorded before the hub kept the years (or before it marked provisional
    -- due times): every year of the period without a notice, a superset of those consulted; a recount
    -- confirms or moves the due time once the notice is there.
    UPDATE duties d SET provisional_years = y.years, provisional = cardinality(y.years) > 0
    FROM (
      SELECT id, ARRAY(
        SELECT g FROM generate_series(
          extract(year FROM started_at AT TIME ZONE 'Asia/Shanghai')::int,
          extract(year FROM due_at AT TIME ZONE 'Asia/Shanghai')::int) g
        WHERE g <> ALL (${sql.raw(`ARRAY[${SHIPPED_OFFICIAL_YEARS.join(',')}]`)})
          AND g NOT IN (SELECT year FROM holiday_calendars
                        WHERE coalesce((data->>'provisional')::boolean, false) = false)
      ) AS years
      FROM duties WHERE unit <> 'hour' AND status IN ('open', 'warned', 'overdue', 'lapsed')
    ) y
    WHERE d.id = y.id;
    DROP INDEX duties_provisional;
    CREATE INDEX duties_provisional ON duties (due_at)
      WHERE provisional AND status IN ('open', 'warned', 'overdue', 'lapsed');
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP INDEX duties_provisional;
    CREATE INDEX duties_provisional ON duties (due_at) WHERE provisional AND status IN ('open', 'warned', 'overdue');
    ALTER TABLE duties DROP COLUMN provisional_years;
  `.execute(db);
}
