/**
 * The Gregorian dates (Beijing time) of the statutory holidays that are not fixed in the Gregorian
 * calendar, which 全国年节及纪念日放假办法 Art 2 names: 春节 (农历正月初一; 除夕 is the day before it, the
 * last day of the lunar year, whether 腊月二十九 or 三十), 清明 (the solar term, sun at 15°), 端午 (五月初五)
 * and 中秋 (八月十五).
 *
 * Source: the Hong Kong Observatory's Gregorian-Lunar Calendar Conversion Tables (公历与农历日期对照表,
 * https://www.hko.gov.hk/tc/gts/time/conversion.htm; one file a year, …/calendar/text/files/T2027c.txt),
 * which follow GB/T 33661-2017 《农历的编算和颁行》 (new moons and solar terms reckoned in UTC+8). The lunar
 * dates were derived from ICU4X's china_data.rs (each year's new-year day, month lengths and leap month,
 * tested there against every HKO table 1901–2100); 清明 is the day the sun's apparent longitude reaches
 * 15° (the 节气 column of the same tables). tests/unit/lunar-dates.test.ts checks every row against the
 * 2025 and 2026 State Council notices, HKO's published 2027 date and an independent computation of the
 * new moons and of the sun's longitude (Meeus, Astronomical Algorithms ch. 25 and 49).
 *
 * Do not derive these from `Intl` (calendar: 'chinese'): ICU 78 puts 春节 2027 on 02-07 and 2030 on 02-02;
 * both new moons fall within minutes of midnight Beijing time and HKO has 02-06 and 02-03.
 *
 * To add a year: copy its row from the HKO table for that year, and run the test.
 */
export type LunarYearDates = {
  /** 正月初一. */
  readonly springFestival: string;
  /** 清明 (a solar term, 4 or 5 April). */
  readonly qingming: string;
  /** 五月初五. */
  readonly dragonBoat: string;
  /** 八月十五. */
  readonly midAutumn: string;
};

// biome-ignore format: one year a row
export const LUNAR_DATES: ReadonlyMap<number, LunarYearDates> = new Map([
  [2025, { springFestival: '2025-01-29', qingming: '2025-04-04', dragonBoat: '2025-05-31', midAutumn: '2025-10-06' }],
  [2026, { springFestival: '2026-02-17', qingming: '2026-04-05', dragonBoat: '2026-06-19', midAutumn: '2026-09-25' }],
  [2027, { springFestival: '2027-02-06', qingming: '2027-04-05', dragonBoat: '2027-06-09', midAutumn: '2027-09-15' }],
  [2028, { springFestival: '2028-01-26', qingming: '2028-04-04', dragonBoat: '2028-05-28', midAutumn: '2028-10-03' }],
  [2029, { springFestival: '2029-02-13', qingming: '2029-04-04', dragonBoat: '2029-06-16', midAutumn: '2029-09-22' }],
  [2030, { springFestival: '2030-02-03', qingming: '2030-04-05', dragonBoat: '2030-06-05', midAutumn: '2030-09-12' }],
  [2031, { springFestival: '2031-01-23', qingming: '2031-04-05', dragonBoat: '2031-06-24', midAutumn: '2031-10-01' }],
  [2032, { springFestival: '2032-02-11', qingming: '2032-04-04', dragonBoat: '2032-06-12', midAutumn: '2032-09-19' }],
  [2033, { springFestival: '2033-01-31', qingming: '2033-04-04', dragonBoat: '2033-06-01', midAutumn: '2033-09-08' }],
  [2034, { springFestival: '2034-02-19', qingming: '2034-04-05', dragonBoat: '2034-06-20', midAutumn: '2034-09-27' }],
  [2035, { springFestival: '2035-02-08', qingming: '2035-04-05', dragonBoat: '2035-06-10', midAutumn: '2035-09-16' }],
  [2036, { springFestival: '2036-01-28', qingming: '2036-04-04', dragonBoat: '2036-05-30', midAutumn: '2036-10-04' }],
  [2037, { springFestival: '2037-02-15', qingming: '2037-04-04', dragonBoat: '2037-06-18', midAutumn: '2037-09-24' }],
  [2038, { springFestival: '2038-02-04', qingming: '2038-04-05', dragonBoat: '2038-06-07', midAutumn: '2038-09-13' }],
  [2039, { springFestival: '2039-01-24', qingming: '2039-04-05', dragonBoat: '2039-05-27', midAutumn: '2039-10-02' }],
  [2040, { springFestival: '2040-02-12', qingming: '2040-04-04', dragonBoat: '2040-06-14', midAutumn: '2040-09-20' }],
]);
