import { z } from 'zod';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DateTime = z.iso.datetime({ offset: true });
const DAY_MS = 86_400_000;
const CST_MS = 8 * 3_600_000;

export const QUERY_TIME_HINT =
  'a date (2026-01-01: the day in China Standard Time) or an ISO 8601 date-time with an offset ' +
  '(2026-01-01T00:00:00+08:00 or …Z; in a URL write + as %2B)';

/**
 * A time bound in a query string, as the ISO 8601 text the routes read: a date-time with an offset as it is;
 * a date alone as a day in China Standard Time — its start for `from`, and for `to` (an exclusive bound) the
 * start of the next day, so that `to=2026-12-31` takes in the 31st; a `+` that the URL turned into a space
 * before the offset is read as the `+` it was.
 */
export function queryTime(bound: 'from' | 'to') {
  return z
    .string()
    .meta({
      description: `${bound === 'to' ? 'end (exclusive; a date: to the end of that day)' : 'start'}: ${QUERY_TIME_HINT}`,
      examples: ['2026-01-01', '2026-01-01T00:00:00+08:00'],
    })
    .transform((sent, ctx) => {
      const text = sent.replace(/ (\d{2}:\d{2})$/, '+$1');
      if (DATE.test(text)) {
        const start = Date.parse(`${text}T00:00:00Z`);
        // Date.parse rolls 2026-02-30 over to March: a day that does not exist comes back as another one.
        if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== text) {
          ctx.addIssue({ code: 'custom', message: `${sent} is no day of the calendar` });
          return z.NEVER;
        }
        return new Date(start - CST_MS + (bound === 'to' ? DAY_MS : 0)).toISOString();
      }
      if (!DateTime.safeParse(text).success) {
        ctx.addIssue({ code: 'custom', message: `expected ${QUERY_TIME_HINT}` });
        return z.NEVER;
      }
      return text;
    });
}
