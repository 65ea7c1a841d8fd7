import { describe, expect, it } from 'vitest';
import { QUERY_TIME_HINT, queryTime } from '../../schemas/query-time.js';

const from = queryTime('from');
const to = queryTime('to');

describe('a time bound in a query', () => {
  it('takes a date alone as that day in China Standard Time; for `to`, the whole day', () => {
    expect(from.parse('2026-01-01')).toBe('2025-12-31T16:00:00.000Z');
    expect(to.parse('2026-12-31')).toBe('2026-12-31T16:00:00.000Z');
    expect(to.parse('2028-02-29')).toBe('2028-02-29T16:00:00.000Z');
  });

  it('keeps a date-time with an offset as it is, and reads a + that the URL made a space', () => {
    expect(from.parse('2026-01-01T00:00:00Z')).toBe('2026-01-01T00:00:00Z');
    expect(from.parse('2026-01-01T00:00:00+08:00')).toBe('2026-01-01T00:00:00+08:00');
    expect(from.parse('2026-01-01T00:00:00 08:00')).toBe('2026-01-01T00:00:00+08:00');
  });

  it.each(['2026-02-30', '2026-13-01', '2027-02-29'])('refuses %s, which is no day', (day) => {
    const result = from.safeParse(day);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(`${day} is no day of the calendar`);
  });

  it.each(['2026-01-01T00:00:00', 'yesterday', '2026/01/01', ''])(
    'refuses %j, saying what it takes',
    (text) => {
      const result = to.safeParse(text);
      expect(result.error?.issues[0]?.message).toBe(`expected ${QUERY_TIME_HINT}`);
    },
  );
});
