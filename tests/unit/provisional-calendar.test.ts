import { describe, expect, it } from 'vitest';
import { shippedYears } from '../../db/calendar-years.js';
import { Calendar, type HolidayYear, provisionalYearsAhead, schedulePeriod } from '../../schemas/calendar.js';
import { RULES_BY_ID, scheduleRule } from '../../schemas/deadlines.js';
import { policyView } from '../../schemas/policy.js';
import { synthesiseYear } from '../../schemas/provisional-year.js';

const calendar = new Calendar(shippedYears());
/** An instant given in China Standard Time. */
const cst = (local: string) => new Date(`${local}+08:00`);

describe('a year synthesised from 放假办法 (no State Council notice yet)', () => {
  it('gives back 2027 holidays that fall on a weekend on the next free working days (Art 6)', () => {
    const y2027 = synthesiseYear(2027);
    expect(y2027).toMatchObject({ year: 2027, provisional: true, workdays: [] });
    expect(y2027?.source).toMatch(/^synthesised/);
    // 春节 Fri 02-05 to Mon 02-08: Sat and Sun come back after Monday, itself a holiday.
    // 劳动节 Sat 05-01, Sun 05-02: Mon 05-03, Tue 05-04. 国庆 Fri 10-01 to Sun 10-03: Mon 10-04, Tue 10-05.
    for (const day of ['2027-02-09', '2027-02-10', '2027-05-03', '2027-05-04', '2027-10-04', '2027-10-05']) {
      expect(calendar.isRestDay(day), day).toBe(true);
    }
    expect(calendar.isWorkingDay('2027-02-11')).toBe(true);
    expect(calendar.isWorkingDay('2027-10-06')).toBe(true);
    expect(y2027?.holidays).toHaveLength(13 + 6);
  });

  it('gives back a holiday that falls on another (中秋 on 国庆 2028) and a New Year on a Saturday', () => {
    // 2028: 元旦 Sat → Mon 01-03; 端午 Sun 05-28 → Mon 05-29; 国庆 Sun 10-01 → Wed 10-04 (Mon and Tue are
    // 国庆 already), and 中秋 on Tue 10-03, 国庆's third day → Thu 10-05.
    expect(synthesiseYear(2028)?.holidays).toEqual([
      '2028-01-01',
      '2028-01-03',
      '2028-01-25',
      '2028-01-26',
      '2028-01-27',
      '2028-01-28',
      '2028-04-04',
      '2028-05-01',
      '2028-05-02',
      '2028-05-28',
      '2028-05-29',
      '2028-10-01',
      '2028-10-02',
      '2028-10-03',
      '2028-10-04',
      '2028-10-05',
    ]);
    expect(calendar.isWorkingDay('2028-10-06')).toBe(true);
  });

  it('has nothing to say about a year past the table of lunar dates', () => {
    expect(synthesiseYear(2041)).toBeUndefined();
    expect(calendar.status(2041)).toBe('no_data');
    expect(calendar.covers(2041)).toBe(false);
  });

  it('gives way to a file: an official one makes the year official, a provisional one stays provisional', () => {
    const notice: HolidayYear = {
      year: 2027,
      source: 'a hypothetical notice for the test',
      provisional: false,
      holidays: ['2027-02-09'],
      workdays: ['2027-02-20'],
    };
    const withNotice = new Calendar([...shippedYears(), notice]);
    expect(withNotice.status(2027)).toBe('official');
    expect(withNotice.isWorkingDay('2027-05-03')).toBe(true);
    expect(withNotice.isWorkingDay('2027-02-20')).toBe(true);
    const provisional = new Calendar([{ ...notice, provisional: true }]);
    expect(provisional.status(2027)).toBe('provisional_file');
  });
});

describe('periods over provisional years', () => {
  it('counts working days past the 2027 Spring Festival give-back days, provisionally', () => {
    // Thu 2027-02-04 + 3 working days: 05 (除夕) to 08 off, 09 and 10 given back (Art 6), then Thu 11,
    // Fri 12 and, after the weekend, Mon 15: due at the end of 2027-02-15.
    expect(schedulePeriod(calendar, cst('2027-02-04T09:00:00'), 3, 'working_day')).toEqual({
      dueAt: cst('2027-02-16T00:00:00'),
      provisional: true,
      provisionalYears: [2027],
    });
  });

  it('rolls a calendar-day period ending on 2027-05-03 (a day given back) over to Wednesday 05-05', () => {
    // Fri 2027-04-30 + 3 days is Mon 05-03; 05-03 and 05-04 give back 劳动节's weekend: to the end of 05-05.
    expect(schedulePeriod(calendar, cst('2027-04-30T09:00:00'), 3, 'calendar_day')).toEqual({
      dueAt: cst('2027-05-06T00:00:00'),
      provisional: true,
      provisionalYears: [2027],
    });
  });

  it('names only the years it looked up that are not official', () => {
    // Wed 2026-12-30 + 3 working days: Thu 31 (official 2026), then 2027: 元旦 Fri, the weekend, Mon 04, Tue 05.
    expect(schedulePeriod(calendar, cst('2026-12-30T09:00:00'), 3, 'working_day')).toEqual({
      dueAt: cst('2027-01-06T00:00:00'),
      provisional: true,
      provisionalYears: [2027],
    });
  });

  it('counts a year past the table with weekends only and says which years it rests on', () => {
    // Fri 2040-12-28 + 3 working days: Mon 31 (synthesised 2040), Tue 2041-01-01 (no data: 元旦 unknown
    // to the calendar, so counted as a weekday), Wed 02.
    expect(schedulePeriod(calendar, cst('2040-12-28T09:00:00'), 3, 'working_day')).toEqual({
      dueAt: cst('2041-01-03T00:00:00'),
      provisional: true,
      provisionalYears: [2040, 2041],
    });
  });

  it('is not provisional over the official 2025 and 2026 calendars', () => {
    // Fri 2025-01-24 + 3 working days: Sun 26 is a make-up day, Mon 27, then 春节 to 02-04, then Wed 02-05.
    expect(schedulePeriod(calendar, cst('2025-01-24T09:00:00'), 3, 'working_day')).toEqual({
      dueAt: cst('2025-02-06T00:00:00'),
      provisional: false,
      provisionalYears: [],
    });
    // 2026-09-28 + 3 days is National Day: the first working day after it is Thursday 2026-10-08.
    expect(schedulePeriod(calendar, cst('2026-09-28T09:00:00'), 3, 'calendar_day')).toEqual({
      dueAt: cst('2026-10-09T00:00:00'),
      provisional: false,
      provisionalYears: [],
    });
  });

  it('reports the years ahead that are not official, this year to the year after next', () => {
    expect(provisionalYearsAhead(calendar, cst('2026-11-30T12:00:00'))).toEqual([2027, 2028]);
    // 2025-12-31T17:00Z is already 2026 in Beijing.
    expect(provisionalYearsAhead(calendar, new Date('2025-12-31T17:00:00Z'))).toEqual([2027, 2028]);
    expect(provisionalYearsAhead(calendar, cst('2025-06-01T12:00:00'))).toEqual([2027]);
  });
});

describe('rules scheduled over the calendar', () => {
  it('passes a rule’s hour counting through, warning at 75 % of the longer period', () => {
    const base = RULES_BY_ID.get('send_after_approval');
    if (!base) throw new Error('rule missing');
    expect(base.hourCounting).toBe('exact');
    // From 15:20 to 16:00 the next day is 24 h 40 min; a quarter of it (6 h 10 min) before the end is 09:50.
    expect(
      scheduleRule(calendar, { ...base, hourCounting: 'article_105' }, cst('2026-11-27T15:20:00')),
    ).toEqual({
      dueAt: cst('2026-11-28T16:00:00'),
      warnAt: cst('2026-11-28T09:50:00'),
      provisional: false,
      provisionalYears: [],
    });
  });

  it('tells the decision that a due time is provisional (policyView().schedule)', () => {
    const policy = policyView(shippedYears(), [], new Set());
    const supplement = policy.schedule('500156', 'supplement_due', cst('2027-04-30T10:00:00'));
    expect(supplement).toMatchObject({
      dueAt: cst('2027-05-06T00:00:00'),
      provisional: true,
      provisionalYears: [2027],
    });
    const receipt = policy.schedule('500156', 'receipt_due', cst('2027-04-30T10:00:00'));
    expect(receipt).toMatchObject({ dueAt: cst('2027-05-01T10:00:00'), provisional: false });
  });
});
