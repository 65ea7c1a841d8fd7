import { z } from 'zod';
import { synthesiseYear } from './provisional-year.js';
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

/**
 * How an `hour` period is counted: `exact` (that many hours after the event), or `article_105` (刑诉法
 * Art 105: "期间开始的时和日不算在期间以内", so the hour in which the event happens does not count).
 */
export const HOUR_COUNTINGS = ['exact', 'article_105'] as const;
export type HourCounting = (typeof HOUR_COUNTINGS)[number];

/**
 * What the calendar knows of a year: a loaded or shipped file from the State Council's notice
 * (`official`), a file marked provisional, a year synthesised from the law (schemas/provisional-year.ts),
 * or nothing (a year past the table of lunar dates: weekends only).
 */
export const YEAR_STATUSES = ['official', 'provisional_file', 'provisional_synthesised', 'no_data'] as const;
export type YearStatus = (typeof YEAR_STATUSES)[number];

/** China Standard Time has no daylight saving: a day runs from 16:00 UTC to 16:00 UTC. */
const CST_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;
const HOUR_MS = 3600_000;

export class Calendar {
  private readonly holidays = new Set<string>();
  private readonly workdays = new Set<string>();
  private readonly statuses = new Map<number, YearStatus>();

  /** The files it was built from, as one string: two calendars with the same files count alike. */
  readonly files: string;

  /** Years given here are files (shipped or loaded); every other year is synthesised when first asked. */
  constructor(years: readonly HolidayYear[]) {
    for (const y of years) this.add(y, y.provisional ? 'provisional_file' : 'official');
    this.files = [...years]
      .sort((a, b) => a.year - b.year)
      .map((y) => `${y.year}${y.provisional ? '?' : ''}:${y.holidays.join(',')}/${y.workdays.join(',')}`)
      .join(';');
  }

  status(year: number): YearStatus {
    const known = this.statuses.get(year);
    if (known) return known;
    const synthesised = synthesiseYear(year);
    if (synthesised) this.add(synthesised, 'provisional_synthesised');
    else this.statuses.set(year, 'no_data');
    return this.statuses.get(year) ?? 'no_data';
  }

  /** The years counted from the State Council's notice (a provisional due time over one must be recounted). */
  officialYears(): number[] {
    return [...this.statuses].filter(([, status]) => status === 'official').map(([year]) => year);
  }

  /** Whether the year's days off are known at all (official or provisional). */
  covers(year: number): boolean {
    return this.status(year) !== 'no_data';
  }

  /** A working day: a make-up day (调休), or a weekday that is not a public holiday. */
  isWorkingDay(day: string): boolean {
    this.status(Number(day.slice(0, 4)));
    if (this.workdays.has(day)) return true;
    if (this.holidays.has(day)) return false;
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** A day on which a period may not end (刑诉法 Art 105): a public holiday or a weekend rest day. */
  isRestDay(day: string): boolean {
    return !this.isWorkingDay(day);
  }

  private add(y: HolidayYear, status: YearStatus): void {
    this.statuses.set(y.year, status);
    for (const d of y.holidays) this.holidays.add(d);
    for (const d of y.workdays) this.workdays.add(d);
  }
}

/**
 * The years from `now`'s (CST) year to the year after next that are not official: a period opened late next
 * year can end in the one after it. What /metrics and /readyz report.
 */
export function provisionalYearsAhead(calendar: Calendar, now: Date): number[] {
  const year = Number(cstDate(now).slice(0, 4));
  return [year, year + 1, year + 2].filter((y) => calendar.status(y) !== 'official');
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

export type PeriodOptions = { readonly hourCounting?: HourCounting };

/**
 * A period's end, and whether a year the count consulted is not official (`provisionalYears`): the due
 * time may move when the State Council's notice for that year is loaded.
 */
export type ScheduledPeriod = { dueAt: Date; provisional: boolean; provisionalYears: number[] };

/**
 * When a period of `amount` `unit`s starting at `start` ends (the rule is stated in the README):
 * - hour: `amount` hours later (`exact`), or from the next full hour (`article_105`: 24 h from 15:20 ends at
 *   16:00 the next day); never moved by a holiday, so never provisional;
 * - calendar_day / month: the start day does not count; the period ends at 24:00 CST of the last day, and a
 *   last day that is a rest day moves to the end of the next working day (刑诉法 Art 105);
 * - working_day: the start day does not count; the period ends at 24:00 CST of the `amount`-th working day
 *   after it (weekends and holidays skipped, make-up days counted).
 * A day period is provisional when a day whose rest or work it looked up lies in a year that is not
 * official; the days of a calendar-day period before its last day are not looked up.
 */
export function schedulePeriod(
  calendar: Calendar,
  start: Date,
  amount: number,
  unit: DurationUnit,
  options: PeriodOptions = {},
): ScheduledPeriod {
  if (unit === 'hour') {
    return {
      dueAt: hourPeriodEnd(start, amount, options.hourCounting ?? 'exact'),
      provisional: false,
      provisionalYears: [],
    };
  }
  const consulted = new Set<number>();
  const isWorkingDay = (day: string) => {
    consulted.add(Number(day.slice(0, 4)));
    return calendar.isWorkingDay(day);
  };
  const last = lastDay(isWorkingDay, cstDate(start), amount, unit);
  const provisionalYears = [...consulted]
    .filter((y) => calendar.status(y) !== 'official')
    .sort((a, b) => a - b);
  return { dueAt: endOfCstDay(last), provisional: provisionalYears.length > 0, provisionalYears };
}

/** The end of a period as `schedulePeriod` counts it, hours counted exactly. */
export function dueAt(calendar: Calendar, start: Date, amount: number, unit: DurationUnit): Date {
  return schedulePeriod(calendar, start, amount, unit).dueAt;
}

function hourPeriodEnd(start: Date, amount: number, counting: HourCounting): Date {
  if (counting === 'exact') return new Date(start.getTime() + amount * HOUR_MS);
  // 刑诉法 Art 105: the hour the event falls in does not count, even at 15:00:00 sharp (it happened in the
  // hour 15:00–16:00). CST is a whole number of hours from UTC, so a UTC hour boundary is a CST one.
  const nextFullHour = (Math.floor(start.getTime() / HOUR_MS) + 1) * HOUR_MS;
  return new Date(nextFullHour + amount * HOUR_MS);
}

function lastDay(
  isWorkingDay: (day: string) => boolean,
  first: string,
  amount: number,
  unit: Exclude<DurationUnit, 'hour'>,
): string {
  if (unit === 'working_day') {
    let day = first;
    for (let counted = 0; counted < amount; ) {
      day = addDays(day, 1);
      if (isWorkingDay(day)) counted++;
    }
    return day;
  }
  let last = unit === 'month' ? addMonths(first, amount) : addDays(first, amount);
  while (!isWorkingDay(last)) last = addDays(last, 1);
  return last;
}
