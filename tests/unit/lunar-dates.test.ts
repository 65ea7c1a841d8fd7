import { describe, expect, it } from 'vitest';
import { shippedYears } from '../../db/calendar-years.js';
import { addDays, cstDate } from '../../schemas/calendar.js';
import { LUNAR_DATES } from '../../schemas/lunar-dates.js';
import { givenBackDays, statutoryDays, synthesiseYear } from '../../schemas/provisional-year.js';
import { lunationsBetween, nearestNewMoon, solarTerm } from '../helpers/meeus.js';

const official = (year: number) => {
  const found = shippedYears().find((y) => y.year === year && !y.provisional);
  if (!found) throw new Error(`no official ${year} file`);
  return found;
};
/** Midday Beijing time of a date, to look for the astronomical event of that day. */
const noon = (day: string) => new Date(`${day}T12:00:00+08:00`);

describe('the table of lunar dates', () => {
  it('covers 2025 to 2040 without a gap', () => {
    expect([...LUNAR_DATES.keys()]).toEqual(Array.from({ length: 16 }, (_, i) => 2025 + i));
  });

  it('gives the statutory days of the 2025 and 2026 State Council notices, and what Art 6 gave back', () => {
    // The notices' 春节 starts on 除夕 (2025-01-28, 2026-02-16); 清明, 端午 and 中秋 fall inside their blocks.
    expect(statutoryDays(2025)?.map((s) => s.day)).toEqual([
      '2025-01-01',
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-01-31',
      '2025-04-04',
      '2025-05-01',
      '2025-05-02',
      '2025-05-31',
      '2025-10-01',
      '2025-10-02',
      '2025-10-03',
      '2025-10-06',
    ]);
    for (const year of [2025, 2026]) {
      const synthesised = synthesiseYear(year);
      const notice = new Set(official(year).holidays);
      expect(synthesised?.holidays.filter((d) => !notice.has(d))).toEqual([]);
    }
    // Art 6 as the notices applied it: 2025 端午 (Sat) on Mon 06-02; 2026 清明 (Sun), 劳动节 (Sat 05-02) and
    // 国庆 (Sat 10-03) on the next Mondays.
    expect(givenBackDays(statutoryDays(2025) ?? [])).toEqual(['2025-06-02']);
    expect(givenBackDays(statutoryDays(2026) ?? [])).toEqual(['2026-04-06', '2026-05-04', '2026-10-05']);
  });

  it('puts 春节 2027 on Saturday 6 February, as HKO and the Hong Kong gazette do (ICU says the 7th)', () => {
    expect(LUNAR_DATES.get(2027)?.springFestival).toBe('2027-02-06');
    expect(new Date('2027-02-06T00:00:00Z').getUTCDay()).toBe(6);
  });

  it('starts each festival month on the day of a new moon in Beijing time (Meeus ch. 49)', () => {
    for (const [year, dates] of LUNAR_DATES) {
      const firsts = [dates.springFestival, addDays(dates.dragonBoat, -4), addDays(dates.midAutumn, -14)];
      const moons = firsts.map((day) => nearestNewMoon(noon(day)));
      expect(
        moons.map((m) => cstDate(m)),
        `${year}`,
      ).toEqual(firsts);
      // 五月 is the 5th or (after a leap month) 6th month of the year, 八月 the 8th or 9th.
      expect([4, 5], `${year} 五月`).toContain(lunationsBetween(moons[0] as Date, moons[1] as Date));
      expect([7, 8], `${year} 八月`).toContain(lunationsBetween(moons[0] as Date, moons[2] as Date));
    }
  });

  it('names 正月, 五月 and 八月 by the principal term each holds, but for the 2033 leap-month problem', () => {
    // GB/T 33661-2017: a month is named by its 中气 — 正月 holds 雨水 (330°), 五月 夏至 (90°), 八月 秋分
    // (180°). 2033's 闰十一月 is the known exception: 秋分 2033 falls on 九月初一 and 雨水 2034 on 除夕.
    const exceptions = new Set(['2033 八月', '2034 正月']);
    for (const [year, dates] of LUNAR_DATES) {
      const months: [string, string, number, string][] = [
        ['正月', dates.springFestival, 330, `${year}-02-19`],
        ['五月', addDays(dates.dragonBoat, -4), 90, `${year}-06-21`],
        ['八月', addDays(dates.midAutumn, -14), 180, `${year}-09-23`],
      ];
      for (const [month, first, longitude, near] of months) {
        const next = cstDate(nearestNewMoon(noon(addDays(first, 29))));
        const term = cstDate(solarTerm(longitude, noon(near)));
        const key = `${year} ${month}`;
        expect(term >= first && term < next, key).toBe(!exceptions.has(key));
      }
    }
  });

  it('has a lunar year of 12 or 13 months between one 春节 and the next', () => {
    for (const [year, dates] of LUNAR_DATES) {
      const next = LUNAR_DATES.get(year + 1);
      if (!next) continue;
      const months = lunationsBetween(
        nearestNewMoon(noon(dates.springFestival)),
        nearestNewMoon(noon(next.springFestival)),
      );
      expect([12, 13], `${year}`).toContain(months);
    }
  });

  it('puts 清明 on the day the sun reaches 15° in Beijing time (Meeus ch. 25)', () => {
    for (const [year, dates] of LUNAR_DATES) {
      expect(cstDate(solarTerm(15, noon(`${year}-04-05`))), `${year}`).toBe(dates.qingming);
    }
  });
});
