import { z } from 'zod';
import { lineText } from './text.js';

/** One year of the national holiday calendar: days off, and weekend days that are working days (调休). */
export const HolidayYearSchema = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  source: lineText(500),
  provisional: z.boolean().default(false),
  holidays: z.array(z.iso.date()),
  workdays: z.array(z.iso.date()),
});
export type HolidayYear = z.infer<typeof HolidayYearSchema>;

export const DURATION_UNITS = ['hour', 'calendar_day', 'working_day', 'month'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

/** China Standard Time has no daylight saving: a day runs from 16:00 UTC to 16:00 UTC. */
const CST_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

export class Calendar {
  private readonly holidays = new Set<string>();
  private readonly workdays = new Set<string>();
  private readonly years = new Set<number>();

  constructor(years: readonly HolidayYear[]) {
    for (const y of years) {
      this.years.add(y.year);
      for (const d of y.holidays) this.holidays.add(d);
      for (const d of y.workdays) this.workdays.add(d);
    }
  }

  covers(year: number): boolean {
    return this.years.has(year);
  }

  /** A working day: a make-up day (调休), or a weekday that is not a public holiday. */
  isWorkingDay(day: string): boolean {
    if (this.workdays.has(day)) return true;
    if (this.holidays.has(day)) return false;
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** A day on which a period may not end (刑诉法 Art 105): a public holiday or a weekend rest day. */
  isRestDay(day: string): boolean {
    return !this.isWorkingDay(day);
  }
}

/** The CST calendar date (YYYY-MM-DD) of an instant. */
export function cstDate(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a CST date ends (24:00 CST, i.e. the next day's 00:00 CST). */
export function endOfCstDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - CST_OFFSET_MS + DAY_MS);
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

function addMonths(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + n;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  // Jan 31 + 1 month ends on the last day of February.
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/**
 * When a period of `amount` `unit`s starting at `start` ends (the rule is stated in the README):
 * - hour: exactly `amount` hours later;
 * - calendar_day / month: the start day does not count; the period ends at 24:00 CST of the last day, and a
 *   last day that is a rest day moves to the end of the next working day (刑诉法 Art 105);
 * - working_day: the start day does not count; the period ends at 24:00 CST of the `amount`-th working day
 *   after it (weekends and holidays skipped, make-up days counted).
 */
export function dueAt(calendar: Calendar, start: Date, amount: number, unit: DurationUnit): Date {
  if (unit === 'hour') return new Date(start.getTime() + amount * 3600_000);
  const first = cstDate(start);
  if (unit === 'working_day') {
    let day = first;
    for (let counted = 0; counted < amount; ) {
      day = addDays(day, 1);
      if (calendar.isWorkingDay(day)) counted++;
    }
    return endOfCstDay(day);
  }
  let last = unit === 'month' ? addMonths(first, amount) : addDays(first, amount);
  while (calendar.isRestDay(last)) last = addDays(last, 1);
  return endOfCstDay(last);
}
