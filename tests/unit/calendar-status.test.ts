import { describe, expect, it } from 'vitest';
import { calendarStatusLines } from '../../bin/calendar-status.js';
import { shippedYears } from '../../db/calendar-years.js';

const cst = (local: string) => new Date(`${local}+08:00`);
const now = cst('2026-11-30T12:00:00');

describe('hub calendar status', () => {
  it('lists the years from the first shipped one to this year when no duty is owed', () => {
    expect(calendarStatusLines(shippedYears(), shippedYears(), null, now)).toEqual([
      '2025  official',
      '2026  official',
      'no duty is owed',
    ]);
  });

  it('runs to the year the latest owed duty reaches, naming synthesised years and years without data', () => {
    // Due at 24:00 on 31 December 2040 (00:00 on 1 January 2041): the duty reaches 2040, not 2041.
    const endOf2040 = calendarStatusLines(shippedYears(), shippedYears(), cst('2041-01-01T00:00:00'), now);
    expect(endOf2040.at(-2)).toBe('2040  provisional (synthesised)');
    expect(endOf2040).toHaveLength(16 + 1);
    const into2041 = calendarStatusLines(shippedYears(), shippedYears(), cst('2041-01-03T00:00:00'), now);
    expect(into2041.slice(-2)).toEqual([
      '2041  no data (weekends only)',
      'the latest owed duty is due 2041-01-02T16:00:00.000Z (reaches 2041)',
    ]);
  });

  it('says which years come from a file marked provisional, up to the last year with a file', () => {
    const loaded = {
      year: 2029,
      source: 'a provisional file',
      provisional: true,
      holidays: [],
      workdays: [],
    };
    const lines = calendarStatusLines(shippedYears(), [...shippedYears(), loaded], null, now);
    expect(lines.slice(2)).toEqual([
      '2027  provisional (synthesised)',
      '2028  provisional (synthesised)',
      '2029  provisional (file)',
      'no duty is owed',
    ]);
  });
});
