import { holidayYears, latestOwedDueAt, shippedYears } from '../db/calendar-years.js';
import type { Db } from '../db/connection.js';
import { Calendar, cstDate, type HolidayYear, type YearStatus } from '../schemas/calendar.js';

const LABELS: Record<YearStatus, string> = {
  official: 'official',
  provisional_file: 'provisional (file)',
  provisional_synthesised: 'provisional (synthesised)',
  no_data: 'no data (weekends only)',
};

const yearOf = (at: Date) => Number(cstDate(at).slice(0, 4));

/**
 * What `hub calendar status` prints: each year from the earliest shipped one to the latest year an owed
 * duty reaches (and at least to this year and to the last year with a file), with what the calendar knows
 * of it. A duty due at 24:00 on 31 December reaches that year, not the next.
 */
export function calendarStatusLines(
  shipped: readonly HolidayYear[],
  years: readonly HolidayYear[],
  latestDue: Date | null,
  now: Date,
): string[] {
  const calendar = new Calendar(years);
  const reached = latestDue ? yearOf(new Date(latestDue.getTime() - 1)) : undefined;
  const first = Math.min(...shipped.map((y) => y.year));
  const last = Math.max(yearOf(now), reached ?? 0, ...years.map((y) => y.year));
  const lines: string[] = [];
  for (let year = first; year <= last; year++) {
    lines.push(`${year}  ${LABELS[calendar.status(year)]}`);
  }
  lines.push(
    reached === undefined
      ? 'no duty is owed'
      : `the latest owed duty is due ${latestDue?.toISOString()} (reaches ${reached})`,
  );
  return lines;
}

export async function calendarStatus(db: Db, now: Date): Promise<string[]> {
  const [years, latestDue] = await Promise.all([holidayYears(db), latestOwedDueAt(db)]);
  return calendarStatusLines(shippedYears(), years, latestDue, now);
}
