import { readdirSync, readFileSync } from 'node:fs';
import { Calendar, type HolidayYear, HolidayYearSchema } from '../schemas/calendar.js';
import { OWED_STATUSES } from '../schemas/deadlines.js';
import type { Db } from './connection.js';

const SHIPPED_DIR = new URL('../schemas/calendar/', import.meta.url);

/** The holiday calendars shipped with the hub (schemas/calendar/cn-YYYY.json). */
export function shippedYears(): HolidayYear[] {
  return readdirSync(SHIPPED_DIR)
    .filter((f) => /^cn-\d{4}\.json$/.test(f))
    .map((f) => HolidayYearSchema.parse(JSON.parse(readFileSync(new URL(f, SHIPPED_DIR), 'utf8'))));
}

/** The shipped years, each replaced by a year loaded into the database (`hub calendar-load`), and the rest. */
export async function holidayYears(db: Db): Promise<HolidayYear[]> {
  const rows = await db.selectFrom('holiday_calendars').select('data').execute();
  const loaded = rows.map((y) => HolidayYearSchema.parse(y.data));
  const shipped = shippedYears().filter((s) => !loaded.some((l) => l.year === s.year));
  return [...shipped, ...loaded];
}

/** The calendar the hub counts with now: files as above, every other year synthesised or unknown. */
export async function loadCalendar(db: Db): Promise<Calendar> {
  return new Calendar(await holidayYears(db));
}

/** The latest due time of a duty still owed (open, warned or overdue), or null when none is. */
export async function latestOwedDueAt(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom('duties')
    .select((eb) => eb.fn.max('due_at').as('latest'))
    .where('status', 'in', OWED_STATUSES)
    .executeTakeFirst();
  return row?.latest ? new Date(row.latest) : null;
}
