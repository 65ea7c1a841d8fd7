import type { HolidayYear } from './calendar.js';
import { LUNAR_DATES } from './lunar-dates.js';

/** A day off that 全国年节及纪念日放假办法 Art 2 gives all citizens. */
export type StatutoryDay = { readonly day: string; readonly holiday: string };

const DAY_MS = 24 * 3600_000;
const shift = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const isWeekend = (day: string) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());

/**
 * The statutory holidays of a year (放假办法 Art 2, as revised in 2024, in force from 2025): 元旦 1 day;
 * 春节 4 days (除夕 and 正月初一 to 初三); 清明 1; 劳动节 2 (1 and 2 May); 端午 1; 中秋 1; 国庆 3 (1 to 3
 * October). Undefined for a year past the table of lunar dates: no guess.
 */
export function statutoryDays(year: number): StatutoryDay[] | undefined {
  const lunar = LUNAR_DATES.get(year);
  if (!lunar) return undefined;
  const fixed = (monthDay: string, holiday: string) => ({ day: `${year}-${monthDay}`, holiday });
  const days: StatutoryDay[] = [
    fixed('01-01', '元旦'),
    ...[-1, 0, 1, 2].map((n) => ({ day: shift(lunar.springFestival, n), holiday: '春节' })),
    { day: lunar.qingming, holiday: '清明节' },
    fixed('05-01', '劳动节'),
    fixed('05-02', '劳动节'),
    { day: lunar.dragonBoat, holiday: '端午节' },
    { day: lunar.midAutumn, holiday: '中秋节' },
    fixed('10-01', '国庆节'),
    fixed('10-02', '国庆节'),
    fixed('10-03', '国庆节'),
  ];
  return days.sort((a, b) => a.day.localeCompare(b.day));
}

/**
 * The days given back under 放假办法 Art 6 ("全体公民放假的假日，如果适逢星期六、星期日，应当在工作日补假"):
 * each statutory day that is not a working day anyway gets one working day of its own after it.
 *
 * Chains, in date order: a day given back is the first day after the lost one that is neither a weekend,
 * nor a statutory holiday, nor already given back for an earlier day. So 2027's 春节 (Fri 02-05, Sat 02-06,
 * Sun 02-07, Mon 02-08) gives back Tue 02-09 (for Sat) and Wed 02-10 (for Sun): Monday is itself a holiday
 * and cannot make good a lost one. A holiday on another holiday's day is lost in the same way and given
 * back too (中秋 on 国庆 in 2028, 2031 and 2039), as the State Council did when it happened before: 2009
 * (中秋 on Sat 10-03) and 2020 (中秋 on Thu 10-01) each gave 国庆 and 中秋 four weekdays
 * off, besides the days that 调休 moved.
 * Art 6 says "在工作日", not which one; the next free one is what the notices do (2025 端午 Sat 05-31 →
 * Mon 06-02; 2026 清明 Sun 04-05 → Mon 04-06), and a notice replaces the synthesised year anyway.
 */
export function givenBackDays(statutory: readonly StatutoryDay[]): string[] {
  const off = new Set(statutory.map((s) => s.day));
  const seen = new Set<string>();
  const given: string[] = [];
  for (const { day } of statutory) {
    const lost = isWeekend(day) || seen.has(day);
    seen.add(day);
    if (!lost) continue;
    let back = shift(day, 1);
    while (isWeekend(back) || off.has(back)) back = shift(back, 1);
    off.add(back);
    given.push(back);
  }
  return given;
}

/**
 * A year without the State Council's notice, from the law alone: the statutory days and the days Art 6
 * gives back. No make-up working days (调休): only a notice can move work onto a weekend.
 */
export function synthesiseYear(year: number): HolidayYear | undefined {
  const statutory = statutoryDays(year);
  if (!statutory) return undefined;
  const holidays = [...new Set([...statutory.map((s) => s.day), ...givenBackDays(statutory)])].sort();
  return {
    year,
    source: `synthesised: 全国年节及纪念日放假办法 (2024) Art 2 and Art 6 on the ${year} lunar dates (schemas/lunar-dates.ts); provisional until the State Council's notice for ${year}`,
    provisional: true,
    holidays,
    workdays: [],
  };
}
