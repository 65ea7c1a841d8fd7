import { describe, expect, it } from 'vitest';
import { shippedYears } from '../../db/calendar-years.js';
import { Calendar, cstDate, dueAt, schedulePeriod } from '../../schemas/calendar.js';

const calendar = new Calendar(shippedYears());
/** An instant given in China Standard Time. */
const cst = (local: string) => new Date(`${local}+08:00`);

describe('the holiday calendar', () => {
  it('ships 2025 and 2026 from the State Council notices and synthesises 2027 until its notice', () => {
    const years = shippedYears();
    expect(years.map((y) => y.year).sort()).toEqual([2025, 2026]);
    expect(years.every((y) => !y.provisional)).toBe(true);
    expect(calendar.status(2026)).toBe('official');
    expect(calendar.status(2027)).toBe('provisional_synthesised');
  });

  it('counts weekends and public holidays as rest days and make-up days (调休) as working days', () => {
    expect(calendar.isWorkingDay('2026-11-27')).toBe(true); // a Friday
    expect(calendar.isWorkingDay('2026-11-28')).toBe(false); // a Saturday
    expect(calendar.isWorkingDay('2026-10-05')).toBe(false); // National Day, a Monday
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true); // a Saturday made a working day
    expect(calendar.isWorkingDay('2025-02-08')).toBe(true); // Spring Festival make-up Saturday
  });

  it('reads calendar dates in China Standard Time', () => {
    expect(cstDate(new Date('2026-11-27T16:30:00Z'))).toBe('2026-11-28');
    expect(cstDate(new Date('2026-11-27T15:59:59Z'))).toBe('2026-11-27');
  });
});

describe('when a period ends', () => {
  it('adds hours exactly, across midnight and into a holiday without rolling over', () => {
    expect(dueAt(calendar, cst('2026-11-27T22:30:00'), 24, 'hour')).toEqual(cst('2026-11-28T22:30:00'));
    expect(dueAt(calendar, cst('2026-09-30T10:00:00'), 24, 'hour')).toEqual(cst('2026-10-01T10:00:00'));
  });

  it('starts an Article 105 hour period at the next full hour (the starting hour does not count)', () => {
    const article105 = { hourCounting: 'article_105' } as const;
    // 24 h from 15:20 ends at 16:00 the next day; an event at 15:00 sharp happened in the hour 15:00–16:00.
    expect(schedulePeriod(calendar, cst('2026-11-27T15:20:00'), 24, 'hour', article105)).toEqual({
      dueAt: cst('2026-11-28T16:00:00'),
      provisional: false,
      provisionalYears: [],
    });
    expect(schedulePeriod(calendar, cst('2026-11-27T15:00:00'), 24, 'hour', article105).dueAt).toEqual(
      cst('2026-11-28T16:00:00'),
    );
    // Exact counting stays the default; neither moves for the synthesised 2027 New Year's Day.
    expect(schedulePeriod(calendar, cst('2026-12-31T15:20:00'), 24, 'hour').dueAt).toEqual(
      cst('2027-01-01T15:20:00'),
    );
    expect(schedulePeriod(calendar, cst('2026-12-31T15:20:00'), 24, 'hour', article105)).toEqual({
      dueAt: cst('2027-01-01T16:00:00'),
      provisional: false,
      provisionalYears: [],
    });
  });

  it('does not count the start day and ends calendar days at 24:00 of the last day', () => {
    // Monday 2026-11-23 + 3 days ends at the end of Thursday 2026-11-26.
    expect(dueAt(calendar, cst('2026-11-23T09:00:00'), 3, 'calendar_day')).toEqual(
      cst('2026-11-27T00:00:00'),
    );
  });

  it('moves a calendar-day period that ends on a rest day to the next working day (刑诉法 Art 105)', () => {
    // Wednesday 2026-11-25 + 3 days is Saturday 2026-11-28: the period runs to the end of Monday 2026-11-30.
    expect(dueAt(calendar, cst('2026-11-25T09:00:00'), 3, 'calendar_day')).toEqual(
      cst('2026-12-01T00:00:00'),
    );
    // 2026-09-28 + 3 days is National Day: the first working day after the holiday is Thursday 2026-10-08.
    expect(dueAt(calendar, cst('2026-09-28T09:00:00'), 3, 'calendar_day')).toEqual(
      cst('2026-10-09T00:00:00'),
    );
  });

  it('counts working days over weekends, holidays and make-up days', () => {
    // Friday 2026-11-27 + 3 working days: Mon 30, Tue 1, Wed 2 December.
    expect(dueAt(calendar, cst('2026-11-27T09:00:00'), 3, 'working_day')).toEqual(cst('2026-12-03T00:00:00'));
    // Friday 2026-10-09 + 1 working day: Saturday 2026-10-10 is a make-up working day.
    expect(dueAt(calendar, cst('2026-10-09T09:00:00'), 1, 'working_day')).toEqual(cst('2026-10-11T00:00:00'));
    // Thursday 2026-02-12 + 3 working days: Fri 13, Sat 14 (make-up), then the festival to Tue 24.
    expect(dueAt(calendar, cst('2026-02-12T09:00:00'), 3, 'working_day')).toEqual(cst('2026-02-25T00:00:00'));
  });

  it('ends months on the same day number, or the last day of a shorter month', () => {
    // 2026-01-31 + 1 month: 2026-02-28 is a make-up working day (Saturday).
    expect(dueAt(calendar, cst('2026-01-31T09:00:00'), 1, 'month')).toEqual(cst('2026-03-01T00:00:00'));
    // 2026-08-31 + 2 months is 2026-10-31, a Saturday: to Monday 2026-11-02.
    expect(dueAt(calendar, cst('2026-08-31T09:00:00'), 2, 'month')).toEqual(cst('2026-11-03T00:00:00'));
  });

  it('uses the China date of an instant late in the UTC day', () => {
    // 2026-11-23T17:00Z is already Tuesday 24 in Beijing: + 1 day ends at the end of Wednesday 25.
    expect(dueAt(calendar, new Date('2026-11-23T17:00:00Z'), 1, 'calendar_day')).toEqual(
      cst('2026-11-26T00:00:00'),
    );
  });
});
